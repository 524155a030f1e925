package dev.veriproof.core.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    /** The reading before it was done by hand: the RFC 3339 pattern, then java.time's strict ISO parser. The oracle. */
    private static final Pattern RFC_3339 =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

    private static Optional<Instant> byPatternAndFormatter(String text) {
        if (text == null || !RFC_3339.matcher(text).matches()) return Optional.empty();
        try {
            Instant at = OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            return !at.isBefore(Timestamps.EARLIEST) && at.isBefore(Timestamps.END) ? Optional.of(at) : Optional.empty();
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    @Test
    void readsTheTimestampsOfTheRule() {
        assertEquals(Optional.of(Instant.parse("2026-11-20T10:15:00Z")), Timestamps.parse("2026-11-20T10:15:00Z"));
        assertEquals(Optional.of(Instant.parse("2026-11-20T10:15:00.123456789Z")), Timestamps.parse("2026-11-20t10:15:00.123456789z"));
        assertEquals(Optional.of(Instant.parse("2026-11-20T08:45:00.5Z")), Timestamps.parse("2026-11-20T10:15:00.5+01:30"));
        assertEquals(Optional.of(Instant.parse("2026-11-20T10:15:00Z")), Timestamps.parse("2026-11-20T10:15:00-00:00"));
        assertEquals(Optional.of(Instant.parse("2024-02-29T00:00:00Z")), Timestamps.parse("2024-02-29T00:00:00Z"), "a leap day");
        assertEquals(Optional.of(Timestamps.EARLIEST), Timestamps.parse("1970-01-01T00:00:00Z"));
    }

    @Test
    void refusesWhatTheRuleDoesNotName() {
        for (String text : new String[] {"", "2026-11-20", "2026-11-20T10:15Z", "2026-11-20T10:15:00", "2026-11-20 10:15:00Z",
                "2026-11-20T10:15:00.Z", "2026-11-20T10:15:00.1234567890Z", "2026-02-30T10:15:00Z", "2025-02-29T00:00:00Z",
                "2026-11-20T24:00:00Z", "2026-11-20T10:60:00Z", "2026-11-20T10:15:60Z", "2026-13-01T10:15:00Z",
                "2026-11-20T10:15:00+18:01", "2026-11-20T10:15:00+05:60", "2026-11-20T10:15:00+0530", "2026-11-20T10:15:00ZZ",
                "2100-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2026-11-20T10:15:00+00:00 ", "٢٠٢٦-11-20T10:15:00Z", "+2026-11-20T10:15:00Z"}) {
            assertEquals(Optional.empty(), Timestamps.parse(text), text);
        }
        assertEquals(Optional.empty(), Timestamps.parse(null));
    }

    /** Reading by hand answers exactly what the pattern and java.time's parser answered, on well-formed, near-miss and broken text. */
    @Test
    void answersExactlyAsThePatternAndTheIsoParserDid() {
        Random random = new Random(20261130);
        String alphabet = "0123456789-:.TtZz+ x٣";
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%04d-%02d-%02d%s%02d:%02d:%02d",
                    1965 + random.nextInt(140), random.nextInt(14), random.nextInt(33), random.nextBoolean() ? "T" : "t",
                    random.nextInt(26), random.nextInt(62), random.nextInt(62)));
            int fraction = random.nextInt(12) - 1;
            if (fraction >= 0) {
                text.append('.');
                for (int d = 0; d < fraction; d++) text.append((char) ('0' + random.nextInt(10)));
            }
            switch (random.nextInt(4)) {
                case 0 -> text.append(random.nextBoolean() ? 'Z' : 'z');
                case 1, 2 -> text.append(random.nextBoolean() ? '+' : '-').append(String.format(Locale.ROOT, "%02d:%02d", random.nextInt(21), random.nextInt(63)));
                default -> { }
            }
            for (int m = random.nextInt(3) == 0 ? 1 + random.nextInt(2) : 0; m > 0 && text.length() > 0; m--) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> text.deleteCharAt(at);
                    default -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String candidate = text.toString();
            Optional<Instant> expected = byPatternAndFormatter(candidate);
            assertEquals(expected, Timestamps.parse(candidate), candidate);
            if (expected.isPresent()) accepted++;
        }
        assertEquals(true, accepted > 20_000 && accepted < 180_000, "both kinds are well represented: " + accepted + " accepted");
    }
}
