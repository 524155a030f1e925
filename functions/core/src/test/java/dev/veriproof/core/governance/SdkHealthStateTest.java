package dev.veriproof.core.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.alerts.AlertRule;
import dev.veriproof.core.alerts.MetricCheck;
import dev.veriproof.core.alerts.Rules;
import dev.veriproof.core.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SdkHealthStateTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    static SdkHealthState state(String version, String breaker, double exportRate, String reportedAt) {
        return new SdkHealthState("app", "veriproof-python", version, Instant.parse(reportedAt), breaker, exportRate, 120.0, 3L, 0L);
    }

    private static AlertRule rule(String kind, String threshold) {
        return Rules.parse(Json.parse("{\"name\":\"n\",\"applicationId\":\"app\",\"kind\":\"" + kind + "\",\"severity\":\"HIGH\""
                + (threshold == null ? "" : ",\"threshold\":" + threshold) + "}"), "t", "r", NOW, NOW, false);
    }

    @Test
    void aReportBecomesTheStateOfItsVersion() {
        String json = "{\"applicationId\":\"app\",\"circuitBreaker\":\"HALF_OPEN\",\"droppedSessions\":4,\"exportSuccessRate\":0.97,"
                + "\"latencyMs\":{\"p50\":10,\"p95\":250.5,\"p99\":900},\"reportedAt\":\"2026-11-26T11:50:00Z\",\"sdk\":{\"name\":\"n\",\"version\":\"1.0\"}}";
        SdkHealthState s = SdkHealthState.of(new SdkHealthReport("t", "app", "n", "1.0", Instant.parse("2026-11-26T11:50:00Z"), json, "ab", NOW));
        assertEquals(new SdkHealthState("app", "n", "1.0", Instant.parse("2026-11-26T11:50:00Z"), "HALF_OPEN", 0.97, 250.5, null, 4L), s);
    }

    @Test
    void silentAfterFifteenMinutesWithoutAReport() {
        assertFalse(state("1", "CLOSED", 1, "2026-11-26T11:45:01Z").silent(NOW));
        assertTrue(state("1", "CLOSED", 1, "2026-11-26T11:45:00Z").silent(NOW));
    }

    @Test
    void theOverallStateSpeaksForTheVersionsStillReporting() {
        assertEquals(SdkHealthState.Overall.NO_REPORTS, SdkHealthState.overall(List.of(), NOW));
        assertEquals(SdkHealthState.Overall.NO_REPORTS, SdkHealthState.overall(List.of(state("1", "OPEN", 0, "2026-10-01T00:00:00Z")), NOW));
        assertEquals(SdkHealthState.Overall.SILENT, SdkHealthState.overall(List.of(state("1", "CLOSED", 1, "2026-11-26T10:00:00Z")), NOW));
        assertEquals(SdkHealthState.Overall.HEALTHY, SdkHealthState.overall(List.of(state("1", "OPEN", 1, "2026-11-26T10:00:00Z"),
                state("2", "CLOSED", 1, "2026-11-26T11:59:00Z")), NOW));
        assertEquals(SdkHealthState.Overall.DEGRADED, SdkHealthState.overall(List.of(state("2", "HALF_OPEN", 1, "2026-11-26T11:59:00Z")), NOW));
    }

    @Test
    void sdkRulesReadTheVersionsStillReportingAndSilenceFromTheLatestReport() {
        List<SdkHealthState> states = List.of(
                state("1.0", "OPEN", 0.2, "2026-11-26T09:00:00Z"),   // silent: speaks for nothing but silence
                state("2.0", "OPEN", 0.93, "2026-11-26T11:58:00Z"),
                state("2.1", "CLOSED", 0.99, "2026-11-26T11:59:00Z"));
        MetricCheck open = MetricCheck.ofSdk(rule("SDK_CIRCUIT_BREAKER_OPEN", null), states, NOW);
        assertTrue(open.breached());
        assertEquals(1.0, open.value());
        assertFalse(MetricCheck.ofSdk(rule("SDK_CIRCUIT_BREAKER_OPEN", null), states.subList(2, 3), NOW).breached());
        MetricCheck export = MetricCheck.ofSdk(rule("SDK_EXPORT_SUCCESS_BELOW", "0.95"), states, NOW);
        assertTrue(export.breached());
        assertEquals(0.93, export.value());
        assertFalse(MetricCheck.ofSdk(rule("SDK_EXPORT_SUCCESS_BELOW", "0.93"), states, NOW).breached());
        assertFalse(MetricCheck.ofSdk(rule("SDK_SILENT", "2"), states, NOW).breached()); // 1 minute since 2.1 reported
        MetricCheck silent = MetricCheck.ofSdk(rule("SDK_SILENT", "1"), states, NOW);
        assertTrue(silent.breached());
        assertEquals(1.0, silent.value());
        MetricCheck never = MetricCheck.ofSdk(rule("SDK_SILENT", "1"), List.of(), NOW);
        assertFalse(never.breached());
        assertNull(never.value());
        assertFalse(MetricCheck.ofSdk(rule("SDK_EXPORT_SUCCESS_BELOW", "0.95"), List.of(), NOW).breached());
    }
}
