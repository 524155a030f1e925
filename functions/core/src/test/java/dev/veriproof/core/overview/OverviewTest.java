package dev.veriproof.core.overview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.veriproof.core.aggregation.DailyRollup;
import dev.veriproof.core.alerts.Alert;
import dev.veriproof.core.alerts.AlertKind;
import dev.veriproof.core.alerts.AlertStatus;
import dev.veriproof.core.alerts.Severity;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.governance.DeploymentRecord;
import dev.veriproof.core.governance.SdkHealthState;
import dev.veriproof.core.session.RiskLevel;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OverviewTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private static Application app(String id, RiskLevel declared, int target) {
        return new Application("t", id, id + " name", declared, target, "owner", RedactionPolicy.NONE, 1, NOW, NOW);
    }

    private static DailyRollup day(String app, String date, Map<String, Long> counters) {
        return new DailyRollup(app, LocalDate.parse(date), counters);
    }

    private static Alert alert(String id, String app, AlertStatus status, String updatedAt, String resolvedAt) {
        return new Alert("t", id, "rule", app, AlertKind.ROLLING_SCORE_BELOW, Severity.HIGH, status, 1.0, 2.0, 1,
                Instant.parse("2026-10-01T00:00:00Z"), Instant.parse(updatedAt), null, null,
                resolvedAt == null ? null : Instant.parse(resolvedAt), null, null);
    }

    @Test
    void tenantFiguresSumTheApplicationsOverThePeriodAndEachHasItsCard() {
        var loan = new Overview.ApplicationFacts(app("loan", RiskLevel.MEDIUM, 80), List.of(
                day("loan", "2026-11-26", Map.of("sessions", 4L, "scoreSum", 360L, "anchored", 4L, "guardrail_ALLOWED", 3L, "guardrail_BLOCKED", 1L)),
                day("loan", "2026-11-10", Map.of("sessions", 6L, "scoreSum", 420L, "anchored", 2L))),
                RiskLevel.HIGH, 3, Optional.of(new DeploymentRecord("t", "loan", "2.1", Instant.parse("2026-11-20T08:00:00Z"), "{}", "h", "s", "0x", NOW, "k")),
                List.of(new SdkHealthState("loan", "py", "1", NOW.minusSeconds(60), "CLOSED", 1.0, null, null, null)));
        var bot = new Overview.ApplicationFacts(app("bot", RiskLevel.LOW, 70), List.of(), null, 0, Optional.empty(), List.of());
        Overview o = Overview.of(7, NOW, List.of(loan, bot), List.of(
                alert("a1", "loan", AlertStatus.OPEN, "2026-11-25T00:00:00Z", null),
                alert("a2", "loan", AlertStatus.ACKNOWLEDGED, "2026-11-24T00:00:00Z", null),
                alert("a3", "bot", AlertStatus.RESOLVED, "2026-11-23T00:00:00Z", "2026-11-23T00:00:00Z"),
                alert("a4", "bot", AlertStatus.RESOLVED, "2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z"))); // resolved before the period
        assertEquals(LocalDate.parse("2026-11-20"), o.from());
        assertEquals(LocalDate.parse("2026-11-26"), o.to());
        assertEquals(4, o.sessions()); // the 10th is outside the 7 days
        assertEquals(1.0, o.anchorCoverage());
        assertEquals(90.0, o.averageScore());
        assertEquals(Map.of("ALLOWED", 3L, "FLAGGED", 0L, "BLOCKED", 1L, "BYPASSED", 0L), o.guardrailActivity());
        assertEquals(Map.of("LOW", 1L, "MEDIUM", 0L, "HIGH", 1L, "CRITICAL", 0L), o.applicationsByEffectiveRisk());
        assertEquals(1, o.alerts().open());
        assertEquals(1, o.alerts().acknowledged());
        assertEquals(1, o.alerts().resolvedInPeriod());
        assertEquals(List.of("a1", "a2", "a3"), o.alerts().recent().stream().map(Overview.AlertLine::id).toList());

        assertEquals(List.of("bot", "loan"), o.applications().stream().map(Overview.Card::applicationId).toList());
        Overview.Card card = o.applications().get(1);
        assertEquals(new Overview.Card("loan", "loan name", 4, 90.0, 78.0, 80, true, "HIGH", 3,
                new Overview.Deployment("2.1", Instant.parse("2026-11-20T08:00:00Z")), "HEALTHY"), card);
        Overview.Card empty = o.applications().get(0);
        assertNull(empty.score7d());
        assertNull(empty.meetsTarget());
        assertNull(empty.lastDeployment());
        assertEquals("NO_REPORTS", empty.sdkHealth());
        assertEquals("LOW", empty.effectiveRisk());
    }

    @Test
    void aTenantWithoutSessionsHasNullRatesAndZeroCounts() {
        Overview o = Overview.of(30, NOW, List.of(), List.of());
        assertEquals(0, o.sessions());
        assertNull(o.anchorCoverage());
        assertNull(o.averageScore());
        assertEquals(List.of(), o.applications());
        assertEquals(LocalDate.parse("2026-10-28"), o.from());
        assertEquals(LocalDate.parse("2026-10-28"), Overview.firstDayNeeded(LocalDate.parse("2026-11-26"), 7));
        assertEquals(LocalDate.parse("2026-08-29"), Overview.firstDayNeeded(LocalDate.parse("2026-11-26"), 90));
    }
}
