package dev.veriproof.core.aggregation;

import static dev.veriproof.core.aggregation.ApplicationMetricsTest.day;
import static dev.veriproof.core.aggregation.ApplicationMetricsTest.session;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.veriproof.core.aggregation.Monitoring.ModelUsage;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MonitoringTest {
    private static final LocalDate TODAY = LocalDate.parse("2026-11-26");

    @Test
    void aSessionWithAModelAddsToThatModelsRollup() {
        var s = session("""
                {"sessionId":"s1","applicationId":"app","startedAt":"2026-11-26T10:00:00Z","model":"gpt-4.1",
                 "guardrails":[{"name":"a","action":"BLOCKED"}],"contentSafety":{"flags":["PII","HATE","PII"]}}""");
        assertEquals(Map.of("sessions", 1L, "scoreSum", 77L, "guardrailFailures", 1L), Contribution.ofModel(s, 77));
        Map<String, Long> day = Contribution.ofSession(s, 77);
        assertEquals(1L, day.get("safety_PII"));
        assertEquals(1L, day.get("safety_HATE"));
        assertEquals(1L, day.get("safetyFlagged"));
    }

    @Test
    void outcomesListEveryOutcomeAndTheSessionsWithout() {
        var window = ApplicationMetrics.window(List.of(
                day("2026-11-26", Map.of("sessions", 5L, "outcome_APPROVED", 2L, "outcome_ESCALATED", 1L)),
                day("2026-10-01", Map.of("sessions", 9L, "outcome_DENIED", 9L))), TODAY, 30);
        assertEquals(Map.of("APPROVED", 2L, "DENIED", 0L, "DEFERRED", 0L, "ESCALATED", 1L, "UNSPECIFIED", 2L), Monitoring.outcomes(window));
        assertEquals(List.of("APPROVED", "DENIED", "DEFERRED", "ESCALATED", "UNSPECIFIED"), List.copyOf(Monitoring.outcomes(window).keySet()));
    }

    @Test
    void contentSafetyCountsFlaggedSessionsAndEachFlag() {
        var window = ApplicationMetrics.window(List.of(day("2026-11-25", Map.of("sessions", 8L, "safetyFlagged", 2L, "safety_PII", 2L, "safety_HATE", 1L))), TODAY, 30);
        Monitoring.ContentSafety safety = Monitoring.contentSafety(window);
        assertEquals(2, safety.flaggedSessions());
        assertEquals(0.25, safety.flaggedRate());
        assertEquals(2L, safety.byFlag().get("PII"));
        assertEquals(0L, safety.byFlag().get("VIOLENCE"));
        assertEquals(8, safety.byFlag().size());
    }

    @Test
    void modelsAreSummedOverTheWindowMostUsedFirstAndTheUnnamedRestLast() {
        var window = ApplicationMetrics.window(List.of(
                day("2026-11-26", Map.of("sessions", 6L, "scoreSum", 480L, "guardrailFailures", 2L)),
                day("2026-11-20", Map.of("sessions", 4L, "scoreSum", 300L, "guardrailFailures", 1L))), TODAY, 30);
        List<ModelRollup> models = List.of(
                model("2026-11-26", "gpt-4.1", 3, 270, 0),
                model("2026-11-20", "gpt-4.1", 1, 91, 1),
                model("2026-11-26", "claude", 2, 150, 1),
                model("2026-11-20", "llama", 2, 160, 0),
                model("2026-10-01", "old-model", 50, 5000, 0)); // outside the window
        List<ModelUsage> usage = Monitoring.byModel(models, window, TODAY);
        assertEquals(List.of(
                new ModelUsage("gpt-4.1", 4, 90.25, 0.25),
                new ModelUsage("claude", 2, 75.0, 0.5),
                new ModelUsage("llama", 2, 80.0, 0.0),
                new ModelUsage(null, 2, 54.5, 0.5)), usage);
    }

    @Test
    void withoutModelRollupsEverySessionIsUnnamed() {
        var window = ApplicationMetrics.window(List.of(day("2026-11-26", Map.of("sessions", 2L, "scoreSum", 100L))), TODAY, 30);
        assertEquals(List.of(new ModelUsage(null, 2, 50.0, 0.0)), Monitoring.byModel(List.of(), window, TODAY));
        assertEquals(List.of(), Monitoring.byModel(List.of(), ApplicationMetrics.window(List.of(), TODAY, 30), TODAY));
    }

    private static ModelRollup model(String date, String model, long sessions, long scoreSum, long failures) {
        return new ModelRollup("app", LocalDate.parse(date), model, Map.of("sessions", sessions, "scoreSum", scoreSum, "guardrailFailures", failures));
    }
}
