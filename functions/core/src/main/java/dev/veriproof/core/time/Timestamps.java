package dev.veriproof.core.time;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
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

    private static final Pattern RFC_3339 =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private Timestamps() {
    }

    /** The instant {@code text} names, or empty when it is not {@link #TIMESTAMP_RULE}. */
    public static Optional<Instant> parse(String text) {
        if (text == null || !RFC_3339.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            Instant at = OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            return inRange(at) ? Optional.of(at) : Optional.empty();
        } catch (DateTimeParseException e) {
            return Optional.empty(); // well-formed but not a real date or time, e.g. February 30th
        }
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
