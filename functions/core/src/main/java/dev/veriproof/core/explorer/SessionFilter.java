package dev.veriproof.core.explorer;

import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.scoring.Band;
import dev.veriproof.core.session.Outcome;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.core.session.SafetyFlag;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The sessions explorer's query (SPEC §14): {@code GET /v1/sessions?applicationId=&from=&to=&band=
 * &riskLevel=&outcome=&model=&reviewState=&anchored=&contentSafety=&limit=&cursor=}. Enum filters take
 * one value or several separated by commas (any of them matches); every value is case-sensitive, as
 * in the session record. {@code from}/{@code to} are RFC 3339 instants or UTC dates (a date is its
 * whole day); both inclusive; by default the 30 days ending now; at most {@link #MAX_SPAN} apart.
 * Empty sets mean "no filter".
 */
public record SessionFilter(String applicationId, Instant from, Instant to, Set<Band> bands, Set<RiskLevel> riskLevels,
                            Set<Outcome> outcomes, String model, Set<ReviewState> reviewStates, Boolean anchored,
                            SafetyFilter contentSafety, int limit) {
    public static final List<String> PARAMETERS = List.of("applicationId", "from", "to", "band", "riskLevel", "outcome", "model",
            "reviewState", "anchored", "contentSafety", "limit", "cursor");
    public static final int MAX_LIMIT = 100;
    public static final int DEFAULT_LIMIT = 50;
    public static final Duration DEFAULT_SPAN = Duration.ofDays(30);
    public static final Duration MAX_SPAN = Duration.ofDays(366);
    private static final Pattern APPLICATION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    private static final int MAX_MODEL = 256;

    public SessionFilter {
        bands = Collections.unmodifiableSet(EnumSet.copyOf(withType(bands, Band.class)));
        riskLevels = Collections.unmodifiableSet(EnumSet.copyOf(withType(riskLevels, RiskLevel.class)));
        outcomes = Collections.unmodifiableSet(EnumSet.copyOf(withType(outcomes, Outcome.class)));
        reviewStates = Collections.unmodifiableSet(EnumSet.copyOf(withType(reviewStates, ReviewState.class)));
    }

    private static <E extends Enum<E>> java.util.Collection<E> withType(Set<E> set, Class<E> type) {
        return set.isEmpty() ? EnumSet.noneOf(type) : set;
    }

    /**
     * Reads the query string's parameters (the cursor is read apart, by {@link ExplorerCursor}).
     * Throws a {@link QueryException} naming the first parameter that is unknown or has a value
     * the explorer cannot serve.
     */
    public static SessionFilter parse(Map<String, String> parameters, Instant now) {
        for (String name : new TreeSet<>(parameters.keySet())) {
            if (!PARAMETERS.contains(name)) {
                throw new QueryException("unknown_parameter", name, "Unknown query parameter '" + name + "'; the explorer takes "
                        + String.join(", ", PARAMETERS) + ".");
            }
        }
        String applicationId = parameters.get("applicationId");
        if (applicationId != null && !APPLICATION_ID.matcher(applicationId).matches()) {
            throw new QueryException("invalid_value", "applicationId", "applicationId must be 1 to 128 characters of A-Z a-z 0-9 . _ : -.");
        }
        Instant to = parameters.containsKey("to") ? bound(parameters.get("to"), "to", true) : now;
        Instant from = parameters.containsKey("from") ? bound(parameters.get("from"), "from", false)
                : to.minus(DEFAULT_SPAN).truncatedTo(ChronoUnit.DAYS);
        if (to.isBefore(from)) throw new QueryException("invalid_value", "to", "to must not be before from.");
        if (Duration.between(from, to).compareTo(MAX_SPAN) > 0) {
            throw new QueryException("invalid_value", "from", "from and to may be at most " + MAX_SPAN.toDays() + " days apart.");
        }
        String model = parameters.get("model");
        if (model != null && (model.isEmpty() || model.length() > MAX_MODEL)) {
            throw new QueryException("invalid_value", "model", "model must be 1 to " + MAX_MODEL + " characters.");
        }
        Boolean anchored = null;
        if (parameters.containsKey("anchored")) {
            String text = parameters.get("anchored");
            if (!text.equals("true") && !text.equals("false")) throw new QueryException("invalid_value", "anchored", "anchored must be true or false.");
            anchored = Boolean.valueOf(text);
        }
        SafetyFilter safety = parameters.containsKey("contentSafety") ? safety(parameters.get("contentSafety")) : null;
        int limit = DEFAULT_LIMIT;
        if (parameters.containsKey("limit")) {
            String text = parameters.get("limit");
            if (!text.matches("[0-9]{1,3}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > MAX_LIMIT) {
                throw new QueryException("invalid_value", "limit", "limit must be a whole number from 1 to " + MAX_LIMIT + ".");
            }
            limit = Integer.parseInt(text);
        }
        return new SessionFilter(applicationId, from, to,
                enums(parameters.get("band"), "band", Band.class), enums(parameters.get("riskLevel"), "riskLevel", RiskLevel.class),
                enums(parameters.get("outcome"), "outcome", Outcome.class), model,
                enums(parameters.get("reviewState"), "reviewState", ReviewState.class), anchored, safety, limit);
    }

    /** An instant, or a UTC date: its first instant for {@code from}, its last for {@code to}. */
    private static Instant bound(String text, String name, boolean end) {
        try {
            if (DATE.matcher(text).matches()) {
                LocalDate day = LocalDate.parse(text);
                Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
                return end ? start.plus(1, ChronoUnit.DAYS).minusNanos(1) : start;
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new QueryException("invalid_value", name, name + " must be a date (2026-11-26) or an RFC 3339 instant (2026-11-26T10:15:00Z).");
        }
    }

    private static SafetyFilter safety(String text) {
        if (text.equals("FLAGGED")) return SafetyFilter.FLAGGED;
        if (text.equals("CLEAN")) return SafetyFilter.CLEAN;
        for (SafetyFlag flag : SafetyFlag.values()) if (flag.name().equals(text)) return SafetyFilter.of(flag);
        throw new QueryException("invalid_value", "contentSafety", "contentSafety must be FLAGGED, CLEAN or one flag: "
                + Arrays.stream(SafetyFlag.values()).map(Enum::name).collect(Collectors.joining(", ")) + ".");
    }

    private static <E extends Enum<E>> Set<E> enums(String text, String name, Class<E> type) {
        if (text == null) return Set.of();
        Set<E> values = new LinkedHashSet<>();
        for (String part : text.split(",", -1)) {
            E value = Arrays.stream(type.getEnumConstants()).filter(e -> e.name().equals(part)).findFirst()
                    .orElseThrow(() -> new QueryException("invalid_value", name, "'" + part + "' is not a " + name + "; use one or more of "
                            + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")) + ", separated by commas."));
            values.add(value);
        }
        return values;
    }

    /** The same filters over another period (what a cursor resumes when the request left the period to it). */
    public SessionFilter withPeriod(Instant from, Instant to) {
        return new SessionFilter(applicationId, from, to, bands, riskLevels, outcomes, model, reviewStates, anchored, contentSafety, limit);
    }

    /**
     * The filters but the period as a query string in a fixed order (limit and cursor left out): what
     * a cursor is bound to. The period travels in the cursor itself, because its default ends "now".
     */
    public String canonical() {
        List<String> parts = new ArrayList<>();
        if (applicationId != null) parts.add("applicationId=" + applicationId);
        if (!bands.isEmpty()) parts.add("band=" + names(bands));
        if (!riskLevels.isEmpty()) parts.add("riskLevel=" + names(riskLevels));
        if (!outcomes.isEmpty()) parts.add("outcome=" + names(outcomes));
        if (model != null) parts.add("model=" + model);
        if (!reviewStates.isEmpty()) parts.add("reviewState=" + names(reviewStates));
        if (anchored != null) parts.add("anchored=" + anchored);
        if (contentSafety != null) parts.add("contentSafety=" + contentSafety.wireName());
        return String.join("&", parts);
    }

    /** Binds a cursor to the caller's tenant and these filters. */
    public String fingerprint(String tenantId) {
        return Hashes.hex(Hashes.sha256((tenantId + "\n" + canonical()).getBytes(StandardCharsets.UTF_8))).substring(0, 24);
    }

    private static String names(Set<? extends Enum<?>> values) {
        return values.stream().map(Enum::name).collect(Collectors.joining(","));
    }

    /** Whether a row satisfies every filter: the exact check after the index's key bounds and filter expression. */
    public boolean matches(SessionSummary s) {
        if (s.startedAt().isBefore(from) || s.startedAt().isAfter(to)) return false;
        if (applicationId != null && !applicationId.equals(s.applicationId())) return false;
        if (!bands.isEmpty() && bands.stream().noneMatch(b -> b.name().equals(s.band()))) return false;
        if (!riskLevels.isEmpty() && riskLevels.stream().noneMatch(r -> r.name().equals(s.riskLevel()))) return false;
        if (!outcomes.isEmpty() && outcomes.stream().noneMatch(o -> o.name().equals(s.outcome()))) return false;
        if (model != null && !model.equals(s.model())) return false;
        if (!reviewStates.isEmpty() && !reviewStates.contains(s.reviewState())) return false;
        if (anchored != null && anchored != s.anchored()) return false;
        if (contentSafety != null) {
            boolean flagged = !s.contentSafetyFlags().isEmpty();
            if (contentSafety.flag() != null) return s.contentSafetyFlags().contains(contentSafety.flag().name());
            return contentSafety.flagged() == flagged;
        }
        return true;
    }
}
