package dev.veriproof.core.aggregation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.veriproof.core.json.Json;
import dev.veriproof.core.scoring.Band;
import dev.veriproof.core.session.Session;
import dev.veriproof.core.session.SessionValidator;
import dev.veriproof.core.session.Validation;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApplicationMetricsTest {
    private static final LocalDate TODAY = LocalDate.parse("2026-11-26");

    static Session session(String json) {
        return ((Validation.Valid) SessionValidator.validate(Json.parse(json), Instant.parse("2026-11-26T12:00:00Z"))).session();
    }

    @Test
    void aSessionContributesEveryCounterOfSpec5() {
        Session s = session("""
                {"sessionId":"s1","applicationId":"app","startedAt":"2026-11-26T10:00:00Z","riskLevel":"HIGH",
                 "decision":{"outcome":"DENIED"},"humanOversight":{"type":"HUMAN_IN_THE_LOOP"},
                 "guardrails":[{"name":"a","action":"FLAGGED"},{"name":"b","action":"FLAGGED"},{"name":"c","action":"ALLOWED"}],
                 "grounding":{"status":"PARTIAL"},"contentSafety":{"flags":["PII"],"handled":true}}""");
        Map<String, Long> c = Contribution.ofSession(s, 72);
        assertEquals(Map.ofEntries(Map.entry("sessions", 1L), Map.entry("scoreSum", 72L), Map.entry("band_FAIR", 1L),
                Map.entry("risk_HIGH", 1L), Map.entry("outcome_DENIED", 1L), Map.entry("guardrail_FLAGGED", 1L),
                Map.entry("guardrail_ALLOWED", 1L), Map.entry("guardrailFailures", 1L), Map.entry("oversightRequired", 1L),
                Map.entry("oversightHad", 1L), Map.entry("grounded", 1L), Map.entry("safetyFlagged", 1L), Map.entry("safety_PII", 1L),
                Map.entry("guardrailsRecorded", 1L), Map.entry("oversightRecorded", 1L)), c);
        assertEquals(Map.of(), Contribution.ofModel(s, 72)); // names no model
    }

    @Test
    void aMinimalSessionCountsOnlyItsScore() {
        Map<String, Long> c = Contribution.ofSession(session("{\"sessionId\":\"s\",\"applicationId\":\"a\",\"startedAt\":\"2026-11-26T10:00:00Z\"}"), 40);
        assertEquals(Map.of("sessions", 1L, "scoreSum", 40L, "band_POOR", 1L), c);
        assertEquals(Map.of("anchored", 1L), Contribution.ofAnchoring());
        assertEquals(Map.of("oversightHad", 1L), Contribution.ofReview());
    }

    @Test
    void rollingWindowsEndTodayAndAveragesRoundHalfUp() {
        List<DailyRollup> rollups = List.of(
                day("2026-11-26", Map.of("sessions", 2L, "scoreSum", 161L, "band_GOOD", 2L, "anchored", 1L)),
                day("2026-11-20", Map.of("sessions", 1L, "scoreSum", 90L, "band_EXCELLENT", 1L, "guardrailFailures", 1L)),
                day("2026-11-19", Map.of("sessions", 4L, "scoreSum", 100L, "oversightRequired", 2L, "oversightHad", 1L)),
                day("2026-10-27", Map.of("sessions", 100L, "scoreSum", 100L)), // 30 days before today: outside
                day("2026-11-27", Map.of("sessions", 5L, "scoreSum", 5L)));    // tomorrow: outside
        ApplicationMetrics m = ApplicationMetrics.of(rollups, TODAY);
        assertEquals(3, m.rolling7d().sessions());
        assertEquals(83.67, m.rolling7d().averageScore()); // 251 / 3 = 83.666…
        assertEquals(7, m.rolling30d().sessions());
        assertEquals(50.14, m.rolling30d().averageScore()); // 351 / 7 = 50.142…
        assertEquals(0.1429, m.guardrailFailureRate());
        assertEquals(0.1429, m.anchorCoverage());
        assertEquals(0.5, m.humanOversightCoverage());
        assertEquals(List.of("2026-11-19", "2026-11-20", "2026-11-26"), m.daily().stream().map(d -> d.date().toString()).toList());
        assertEquals(80.5, m.daily().get(2).averageScore());
        assertEquals(2L, m.daily().get(2).bands().get(Band.GOOD));
        assertEquals(0L, m.daily().get(2).bands().get(Band.CRITICAL));
    }

    @Test
    void ratesAndAveragesAreNullWithNothingToDivide() {
        ApplicationMetrics m = ApplicationMetrics.of(List.of(), TODAY);
        assertNull(m.rolling7d().averageScore());
        assertNull(m.guardrailFailureRate());
        assertNull(m.anchorCoverage());
        assertNull(m.humanOversightCoverage());
        assertFalse(m.daily().iterator().hasNext());
        assertEquals(0.01, ApplicationMetrics.average(1, 200)); // 0.005 rounds up
        assertEquals(0.0, ApplicationMetrics.average(1, 201));
    }

    static DailyRollup day(String date, Map<String, Long> counters) {
        return new DailyRollup("app", LocalDate.parse(date), counters);
    }
}
