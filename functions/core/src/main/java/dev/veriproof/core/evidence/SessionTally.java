package dev.veriproof.core.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.session.Session;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running figures over the sessions of a package, fed one session at a time so that memory grows with
 * applications × days, never with sessions: per application and day (count, score sum, bands), per
 * application (outcomes, risk levels) and the coverages the scorecard measures.
 */
public final class SessionTally {
    public static final String[] BANDS = {"EXCELLENT", "GOOD", "FAIR", "POOR", "CRITICAL"};
    private static final String UNKNOWN = "UNKNOWN";

    public static final class Day {
        public long sessions;
        public long scoreSum;
        public final Map<String, Long> bands = new TreeMap<>();
    }

    public static final class App {
        public final TreeMap<LocalDate, Day> days = new TreeMap<>();
        public final Map<String, Long> outcomes = new TreeMap<>();
        public final Map<String, Long> riskLevels = new TreeMap<>();
    }

    public enum Measure { ANCHORED, OVERSIGHT_REQUIRED, OVERSIGHT_COVERED, GROUNDING, GUARDRAILS, OVERSIGHT_RECORDED,
        GUARDRAIL_FAILED, GUARDRAIL_BYPASSED, HIGH_RISK_UNREVIEWED }

    private final TreeMap<String, App> apps = new TreeMap<>();
    private final EnumMap<Measure, Long> counts = new EnumMap<>(Measure.class);
    private long sessions;

    /**
     * @param session the typed view of the session's stored record ({@code StoredSession.session()})
     * @param reviewed a human review was recorded for it after the fact ({@code StoredSession.reviewedAfterIngest})
     */
    public void add(String applicationId, LocalDate day, int score, String band, Session session, boolean anchored, boolean reviewed) {
        sessions++;
        App app = apps.computeIfAbsent(applicationId, a -> new App());
        Day d = app.days.computeIfAbsent(day, x -> new Day());
        d.sessions++;
        d.scoreSum += score;
        d.bands.merge(band, 1L, Long::sum);
        app.outcomes.merge(session.outcome() == null ? UNKNOWN : session.outcome().name(), 1L, Long::sum);
        app.riskLevels.merge(session.riskLevel() == null ? UNKNOWN : session.riskLevel().name(), 1L, Long::sum);
        if (anchored) count(Measure.ANCHORED);
        if (session.recordsOversight()) count(Measure.OVERSIGHT_RECORDED);
        if (session.requiresOversight()) {
            count(Measure.OVERSIGHT_REQUIRED);
            if (session.hadOversight() || reviewed) count(Measure.OVERSIGHT_COVERED);
            else if (session.highRisk()) count(Measure.HIGH_RISK_UNREVIEWED);
        }
        if (session.grounding() != null) count(Measure.GROUNDING);
        if (!session.guardrails().isEmpty()) {
            count(Measure.GUARDRAILS);
            if (session.guardrailFailed()) count(Measure.GUARDRAIL_FAILED);
            if (session.guardrailBypassed()) count(Measure.GUARDRAIL_BYPASSED);
        }
    }

    /**
     * The same from the record's JSON, for a caller that holds the record parsed already.
     *
     * @deprecated pass the typed session: {@code PackageWriter} still calls this until the evidence package reads
     *     {@code StoredSession.session()} and {@code reviewedAfterIngest}
     */
    @Deprecated
    public void add(String applicationId, LocalDate day, int score, String band, JsonNode record, boolean anchored, boolean reviewed) {
        add(applicationId, day, score, band, Session.fromStoredRecord(record), anchored, reviewed);
    }

    /** Adds another tally's figures, e.g. those of another shard of the period. */
    public void merge(SessionTally other) {
        sessions += other.sessions;
        other.counts.forEach((m, n) -> counts.merge(m, n, Long::sum));
        other.apps.forEach((id, o) -> {
            App app = apps.computeIfAbsent(id, a -> new App());
            o.days.forEach((day, od) -> {
                Day d = app.days.computeIfAbsent(day, x -> new Day());
                d.sessions += od.sessions;
                d.scoreSum += od.scoreSum;
                od.bands.forEach((b, n) -> d.bands.merge(b, n, Long::sum));
            });
            o.outcomes.forEach((k, n) -> app.outcomes.merge(k, n, Long::sum));
            o.riskLevels.forEach((k, n) -> app.riskLevels.merge(k, n, Long::sum));
        });
    }

    public JsonNode toJson() {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("sessions", sessions);
        ObjectNode measures = json.putObject("measures");
        counts.forEach((m, n) -> measures.put(m.name(), n));
        ObjectNode applications = json.putObject("applications");
        apps.forEach((id, a) -> {
            ObjectNode app = applications.putObject(id);
            ObjectNode days = app.putObject("days");
            a.days.forEach((day, d) -> {
                ObjectNode node = days.putObject(day.toString());
                node.put("sessions", d.sessions);
                node.put("scoreSum", d.scoreSum);
                d.bands.forEach(node.putObject("bands")::put);
            });
            a.outcomes.forEach(app.putObject("outcomes")::put);
            a.riskLevels.forEach(app.putObject("riskLevels")::put);
        });
        return json;
    }

    public static SessionTally fromJson(JsonNode json) {
        SessionTally tally = new SessionTally();
        tally.sessions = json.path("sessions").asLong();
        json.path("measures").fields().forEachRemaining(e -> tally.counts.put(Measure.valueOf(e.getKey()), e.getValue().asLong()));
        json.path("applications").fields().forEachRemaining(e -> {
            App app = tally.apps.computeIfAbsent(e.getKey(), a -> new App());
            e.getValue().path("days").fields().forEachRemaining(d -> {
                Day day = app.days.computeIfAbsent(LocalDate.parse(d.getKey()), x -> new Day());
                day.sessions = d.getValue().path("sessions").asLong();
                day.scoreSum = d.getValue().path("scoreSum").asLong();
                d.getValue().path("bands").fields().forEachRemaining(b -> day.bands.put(b.getKey(), b.getValue().asLong()));
            });
            e.getValue().path("outcomes").fields().forEachRemaining(o -> app.outcomes.put(o.getKey(), o.getValue().asLong()));
            e.getValue().path("riskLevels").fields().forEachRemaining(r -> app.riskLevels.put(r.getKey(), r.getValue().asLong()));
        });
        return tally;
    }

    private void count(Measure m) {
        counts.merge(m, 1L, Long::sum);
    }

    public long sessions() {
        return sessions;
    }

    public long get(Measure m) {
        return counts.getOrDefault(m, 0L);
    }

    public Map<String, App> applications() {
        return apps;
    }
}
