package dev.veriproof.core.time;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one reading of times and dates for the whole API (docs/limits.md).
 * <ul>
 *   <li>A timestamp is RFC 3339 §5.6 {@code date-time}: seconds required, a fraction of up to 9
 *       digits, an offset ({@code Z} or {@code ±hh:mm}) required; {@code T} and {@code Z} in either case.</li>
 *   <li>A date is {@code YYYY-MM-DD}.</li>
 *   <li>Both lie within {@link #EARLIEST} (inclusive) and {@link #END} (exclusive): years 1970 to 2099.</li>
 *   <li>A time that says when something happened may be at most {@link #MAX_FUTURE_SKEW} after the
 *       server's clock.</li>
 * </ul>
 */
public final class Timestamps {
    public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    public static final Instant END = Instant.parse("2100-01-01T00:00:00Z");
    public static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(5);
    public static final String TIMESTAMP_RULE = "an RFC 3339 timestamp with seconds and an offset, e.g. 2026-11-20T10:15:00Z,"
            + " in the years 1970 to 2099";
    public static final String DATE_RULE = "a date as YYYY-MM-DD, in the years 1970 to 2099";

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private Timestamps() {
    }

    /**
     * The instant {@code text} names, or empty when it is not {@link #TIMESTAMP_RULE}: the form
     * {@code \d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})}, a real date and time of day
     * (no February 30th, no second 60), an offset within ±18:00. Read by hand, not by a regular expression and
     * {@code DateTimeFormatter}: every session carries a dozen timestamps, and this is ten times cheaper.
     */
    public static Optional<Instant> parse(String text) {
        if (text == null || text.length() < 20) return Optional.empty();
        if (!digits(text, 0, 4) || text.charAt(4) != '-' || !digits(text, 5, 2) || text.charAt(7) != '-' || !digits(text, 8, 2)
                || (text.charAt(10) != 'T' && text.charAt(10) != 't') || !digits(text, 11, 2) || text.charAt(13) != ':'
                || !digits(text, 14, 2) || text.charAt(16) != ':' || !digits(text, 17, 2)) {
            return Optional.empty();
        }
        int at = 19;
        int nanos = 0;
        if (text.charAt(at) == '.') {
            int start = ++at;
            while (at < text.length() && isDigit(text.charAt(at))) at++;
            int fractionDigits = at - start;
            if (fractionDigits < 1 || fractionDigits > 9) return Optional.empty();
            nanos = number(text, start, fractionDigits);
            for (int i = fractionDigits; i < 9; i++) nanos *= 10;
        }
        if (at >= text.length()) return Optional.empty();
        char zone = text.charAt(at);
        int offsetSeconds;
        if ((zone == 'Z' || zone == 'z') && at + 1 == text.length()) {
            offsetSeconds = 0;
        } else if ((zone == '+' || zone == '-') && at + 6 == text.length() && digits(text, at + 1, 2) && text.charAt(at + 3) == ':'
                && digits(text, at + 4, 2)) {
            int hours = number(text, at + 1, 2);
            int minutes = number(text, at + 4, 2);
            if (minutes > 59 || hours * 3600 + minutes * 60 > 18 * 3600) return Optional.empty();
            offsetSeconds = (zone == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
        } else {
            return Optional.empty();
        }
        try {
            Instant instant = LocalDateTime.of(number(text, 0, 4), number(text, 5, 2), number(text, 8, 2), number(text, 11, 2),
                    number(text, 14, 2), number(text, 17, 2), nanos).toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds));
            return inRange(instant) ? Optional.of(instant) : Optional.empty();
        } catch (DateTimeException e) {
            return Optional.empty(); // well-formed but not a real date or time, e.g. February 30th
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean digits(String text, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (!isDigit(text.charAt(i))) return false;
        }
        return true;
    }

    /** The decimal number of {@code count} digits (already checked) at {@code from}. */
    private static int number(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) value = value * 10 + (text.charAt(i) - '0');
        return value;
    }

    /** The date {@code text} names, or empty when it is not {@link #DATE_RULE}. */
    public static Optional<LocalDate> parseDate(String text) {
        if (text == null || !DATE.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            LocalDate date = LocalDate.parse(text);
            return date.getYear() >= 1970 && date.getYear() <= 2099 ? Optional.of(date) : Optional.empty();
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** True when {@code at} is more than {@link #MAX_FUTURE_SKEW} after {@code now}. */
    public static boolean tooFarInFuture(Instant at, Instant now) {
        return at.isAfter(now.plus(MAX_FUTURE_SKEW));
    }

    private static boolean inRange(Instant at) {
        return !at.isBefore(EARLIEST) && at.isBefore(END);
    }
}
