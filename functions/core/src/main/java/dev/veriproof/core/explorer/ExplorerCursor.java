package dev.veriproof.core.explorer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The explorer's opaque cursor: where the previous page stopped reading, bound to the tenant and
 * the filters it was made for. The position is a sort key of the index (a session's
 * {@code startedAtKey}, or a day: "everything of that day and later was read"); the next page reads
 * strictly below it. Because the position is a key and not an offset, sessions that arrive between
 * pages shift nothing: no session is listed twice, and none that existed when the first page was
 * read is skipped.
 *
 * <p>Not signed: a cursor only says where to resume reading the caller's own tenant, so a forged one
 * can reveal nothing a fresh query could not. It is validated instead (version, binding, shape, and
 * a position inside the query's period): a cursor that is garbled, made for other filters or
 * another tenant, or edited is a 400 naming {@code cursor}.
 */
public final class ExplorerCursor {
    private static final String VERSION = "1";
    private static final String SEPARATOR = "\n";
    private static final Pattern POSITION = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}[0-9A-Za-z.:#_-]{0,200}");
    private static final int MAX_LENGTH = 512;

    private ExplorerCursor() {
    }

    /** What a cursor resumes: the query (its period as the first page had it) and the position. */
    public record Resume(SessionFilter filter, String position) {
    }

    public static String encode(SessionFilter filter, String tenantId, String position) {
        String text = String.join(SEPARATOR, VERSION, filter.fingerprint(tenantId), filter.from().toString(), filter.to().toString(), position);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What a cursor resumes; a {@link QueryException} on {@code cursor} if it cannot be this query's.
     * A bound of the period the request gave must be the cursor's; one it left out is taken from the
     * cursor (so that a default "now" does not move between pages).
     */
    public static Resume decode(String cursor, SessionFilter filter, boolean fromGiven, boolean toGiven, String tenantId) {
        if (cursor.length() > MAX_LENGTH) throw invalid("The cursor is too long to be one this API made.");
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid("The cursor is not one this API made; pass nextCursor from the previous page unchanged.");
        }
        String[] parts = text.split(SEPARATOR, -1);
        if (parts.length != 5 || !parts[0].equals(VERSION) || !POSITION.matcher(parts[4]).matches()) throw notOurs();
        if (!parts[1].equals(filter.fingerprint(tenantId))) {
            throw invalid("The cursor belongs to a query with other filters; repeat the same filters with it, or drop it to start over.");
        }
        Instant from;
        Instant to;
        LocalDate day;
        try {
            from = Instant.parse(parts[2]);
            to = Instant.parse(parts[3]);
            day = LocalDate.parse(parts[4].substring(0, 10));
        } catch (DateTimeParseException e) {
            throw notOurs();
        }
        if (fromGiven && !from.equals(filter.from()) || toGiven && !to.equals(filter.to())) {
            throw invalid("The cursor belongs to a query over another period; repeat the same from and to with it, or drop it to start over.");
        }
        if (to.isBefore(from) || java.time.Duration.between(from, to).compareTo(SessionFilter.MAX_SPAN) > 0) throw notOurs();
        LocalDate first = LocalDate.ofInstant(from, ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(to, ZoneOffset.UTC);
        if (day.isBefore(first) || day.isAfter(last)) throw invalid("The cursor points outside the query's period.");
        return new Resume(filter.withPeriod(from, to), parts[4]);
    }

    private static QueryException notOurs() {
        return invalid("The cursor is not one this API made; pass nextCursor from the previous page unchanged.");
    }

    private static QueryException invalid(String message) {
        return new QueryException("invalid_cursor", "cursor", message);
    }
}
