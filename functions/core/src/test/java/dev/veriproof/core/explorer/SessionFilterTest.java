package dev.veriproof.core.explorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.scoring.Band;
import dev.veriproof.core.session.Outcome;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.core.session.SafetyFlag;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SessionFilterTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private static SessionFilter parse(String query) {
        Map<String, String> params = new HashMap<>();
        if (!query.isEmpty()) {
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                params.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return SessionFilter.parse(params, NOW);
    }

    @Test
    void defaultsAreTheThirtyDaysEndingNowFiftyAPage() {
        SessionFilter f = parse("");
        assertEquals(NOW, f.to());
        assertEquals(Instant.parse("2026-10-27T00:00:00Z"), f.from());
        assertEquals(50, f.limit());
        assertTrue(f.bands().isEmpty());
        assertNull(f.anchored());
        assertNull(f.contentSafety());
    }

    @Test
    void everyFilterIsRead() {
        SessionFilter f = parse("applicationId=loan-review&from=2026-11-01&to=2026-11-20T10:00:00Z&band=POOR,CRITICAL&riskLevel=HIGH"
                + "&outcome=DENIED,ESCALATED&model=gpt-4.1&reviewState=PENDING&anchored=false&contentSafety=PII&limit=100");
        assertEquals("loan-review", f.applicationId());
        assertEquals(Instant.parse("2026-11-01T00:00:00Z"), f.from());
        assertEquals(Instant.parse("2026-11-20T10:00:00Z"), f.to());
        assertEquals(Set.of(Band.POOR, Band.CRITICAL), f.bands());
        assertEquals(Set.of(RiskLevel.HIGH), f.riskLevels());
        assertEquals(Set.of(Outcome.DENIED, Outcome.ESCALATED), f.outcomes());
        assertEquals("gpt-4.1", f.model());
        assertEquals(Set.of(ReviewState.PENDING), f.reviewStates());
        assertEquals(false, f.anchored());
        assertEquals(SafetyFilter.of(SafetyFlag.PII), f.contentSafety());
        assertEquals(100, f.limit());
        assertEquals(Instant.parse("2026-11-20T23:59:59.999999999Z"), parse("to=2026-11-20").to(), "a date as to is its whole day");
        assertEquals(SafetyFilter.FLAGGED, parse("contentSafety=FLAGGED").contentSafety());
        assertEquals(SafetyFilter.CLEAN, parse("contentSafety=CLEAN").contentSafety());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "color=red|color|unknown_parameter",
            "band=GREAT|band|invalid_value",
            "band=good|band|invalid_value",
            "band=POOR,|band|invalid_value",
            "riskLevel=SEVERE|riskLevel|invalid_value",
            "outcome=MAYBE|outcome|invalid_value",
            "reviewState=DONE|reviewState|invalid_value",
            "anchored=yes|anchored|invalid_value",
            "contentSafety=GORE|contentSafety|invalid_value",
            "limit=0|limit|invalid_value",
            "limit=101|limit|invalid_value",
            "limit=ten|limit|invalid_value",
            "from=yesterday|from|invalid_value",
            "to=2026-13-01|to|invalid_value",
            "from=2026-11-20&to=2026-11-19|to|invalid_value",
            "from=2025-01-01&to=2026-11-01|from|invalid_value",
            "applicationId=a b|applicationId|invalid_value",
            "applicationId=|applicationId|invalid_value",
            "model=|model|invalid_value",
    })
    void aBadParameterIsNamed(String query, String parameter, String code) {
        QueryException e = assertThrows(QueryException.class, () -> parse(query));
        assertEquals(parameter, e.parameter(), e.getMessage());
        assertEquals(code, e.code());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }

    @Test
    void aCursorResumesOnlyTheQueryItWasMadeFor() {
        SessionFilter f = parse("band=GOOD&from=2026-11-01&to=2026-11-26");
        String cursor = ExplorerCursor.encode(f, "demo", "2026-11-20T10:00:00Z#s-1");
        assertEquals(new ExplorerCursor.Resume(f, "2026-11-20T10:00:00Z#s-1"), ExplorerCursor.decode(cursor, f, true, true, "demo"));
        assertEquals("2026-11-20", ExplorerCursor.decode(ExplorerCursor.encode(f, "demo", "2026-11-20"), f, true, true, "demo").position());
        assertEquals(f.fingerprint("demo"), parse("to=2026-11-26&from=2026-11-01&band=GOOD").fingerprint("demo"), "parameter order is irrelevant");

        for (String[] bad : List.of(
                new String[]{cursor, "acme", "other filters"},
                new String[]{"not base64 !", "demo", "not one this API made"},
                new String[]{b64("1\n" + f.fingerprint("demo")), "demo", "not one this API made"},
                new String[]{b64(String.join("\n", "2", f.fingerprint("demo"), f.from().toString(), f.to().toString(), "2026-11-20")), "demo", "not one this API made"},
                new String[]{b64(String.join("\n", "1", f.fingerprint("demo"), f.from().toString(), f.to().toString(), "2026-11-20T10:00:00Z#s 1")), "demo", "not one this API made"},
                new String[]{b64(String.join("\n", "1", f.fingerprint("demo"), f.from().toString(), f.to().toString(), "2026-02-30T10:00:00Z")), "demo", "not one this API made"},
                new String[]{b64(String.join("\n", "1", f.fingerprint("demo"), "yesterday", f.to().toString(), "2026-11-20")), "demo", "not one this API made"},
                new String[]{b64(String.join("\n", "1", f.fingerprint("demo"), f.from().toString(), f.to().toString(), "2026-12-20T10:00:00Z#x")), "demo", "outside the query's period"},
                new String[]{"A".repeat(600), "demo", "too long"})) {
            QueryException e = assertThrows(QueryException.class, () -> ExplorerCursor.decode(bad[0], f, true, true, bad[1]), bad[0]);
            assertEquals("cursor", e.parameter());
            assertEquals("invalid_cursor", e.code());
            assertTrue(e.getMessage().contains(bad[2]), e.getMessage());
        }
        QueryException otherFilters = assertThrows(QueryException.class,
                () -> ExplorerCursor.decode(cursor, parse("band=POOR&from=2026-11-01&to=2026-11-26"), true, true, "demo"));
        assertTrue(otherFilters.getMessage().contains("other filters"));
        QueryException otherPeriod = assertThrows(QueryException.class,
                () -> ExplorerCursor.decode(cursor, parse("band=GOOD&from=2026-11-02&to=2026-11-26"), true, true, "demo"));
        assertTrue(otherPeriod.getMessage().contains("another period"));
    }

    @Test
    void aPeriodLeftToItsDefaultIsTheFirstPagesOnLaterPages() {
        SessionFilter first = parse("band=GOOD");
        String cursor = ExplorerCursor.encode(first, "demo", "2026-11-20T10:00:00Z#s-1");
        SessionFilter later = SessionFilter.parse(Map.of("band", "GOOD"), NOW.plusSeconds(3600)); // "now" has moved
        ExplorerCursor.Resume resume = ExplorerCursor.decode(cursor, later, false, false, "demo");
        assertEquals(first.from(), resume.filter().from());
        assertEquals(NOW, resume.filter().to());
        assertEquals(first.canonical(), later.canonical());
    }

    @Test
    void rowsMatchExactlyWhatTheFiltersSay() {
        SessionSummary row = new SessionSummary("s", "app", Instant.parse("2026-11-25T10:00:00.5Z"), 60, "FAIR", "HIGH", "DENIED", "gpt-4.1",
                ReviewState.PENDING, false, List.of("PII"));
        assertTrue(parse("").matches(row));
        assertTrue(parse("band=FAIR,GOOD&riskLevel=HIGH&outcome=DENIED&model=gpt-4.1&reviewState=PENDING,REVIEWED&anchored=false&contentSafety=PII").matches(row));
        assertTrue(parse("contentSafety=FLAGGED").matches(row));
        assertFalse(parse("contentSafety=CLEAN").matches(row));
        assertFalse(parse("contentSafety=HATE").matches(row));
        assertFalse(parse("band=GOOD").matches(row));
        assertFalse(parse("anchored=true").matches(row));
        assertFalse(parse("model=gpt-4").matches(row));
        assertFalse(parse("applicationId=other").matches(row));
        assertFalse(parse("to=2026-11-25T10:00:00Z").matches(row), "half a second after to");
        assertTrue(parse("to=2026-11-25").matches(row));
        assertFalse(parse("from=2026-11-25T10:00:01Z").matches(row));
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
