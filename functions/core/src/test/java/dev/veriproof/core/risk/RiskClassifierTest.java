package dev.veriproof.core.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.aggregation.DailyRollup;
import dev.veriproof.core.session.RiskLevel;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RiskClassifierTest {
    private static final LocalDate TODAY = LocalDate.parse("2026-11-26");

    private static RiskClassifier.Observation observe(Map<String, Long> today, Map<String, Long> twentyDaysAgo) {
        return RiskClassifier.observe(List.of(new DailyRollup("a", TODAY, today), new DailyRollup("a", TODAY.minusDays(20), twentyDaysAgo)), TODAY);
    }

    @Test
    void eachRuleOfSpec5DecidesItsLevel() {
        assertEquals(RiskLevel.CRITICAL, observe(Map.of("sessions", 2L, "scoreSum", 68L), Map.of()).level()); // avg 34
        assertEquals(RiskLevel.CRITICAL, observe(Map.of("sessions", 1L, "scoreSum", 95L, "guardrail_BYPASSED", 1L), Map.of()).level());
        assertEquals(RiskLevel.CRITICAL, observe(Map.of("sessions", 1L, "scoreSum", 95L), Map.of("sessions", 18L, "scoreSum", 1800L, "risk_CRITICAL", 2L)).level()); // 2/19 > 5%
        assertEquals(RiskLevel.LOW, observe(Map.of("sessions", 1L, "scoreSum", 95L), Map.of("sessions", 19L, "scoreSum", 1900L, "risk_CRITICAL", 1L)).level()); // 1/20 = 5%: not above
        assertEquals(RiskLevel.HIGH, observe(Map.of("sessions", 2L, "scoreSum", 108L), Map.of()).level()); // avg 54
        assertEquals(RiskLevel.HIGH, observe(Map.of("sessions", 4L, "scoreSum", 400L, "guardrailFailures", 1L), Map.of()).level()); // 25% > 20%
        assertEquals(RiskLevel.LOW, observe(Map.of("sessions", 5L, "scoreSum", 500L, "guardrailFailures", 1L), Map.of()).level()); // 20%: not above
        assertEquals(RiskLevel.HIGH, observe(Map.of("sessions", 1L, "scoreSum", 100L), Map.of("sessions", 3L, "scoreSum", 300L, "risk_HIGH", 1L)).level()); // 25% HIGH
        assertEquals(RiskLevel.MEDIUM, observe(Map.of("sessions", 1L, "scoreSum", 74L), Map.of()).level());
        RiskClassifier.Observation oversight = observe(Map.of("sessions", 10L, "scoreSum", 1000L, "oversightRequired", 10L, "oversightHad", 8L), Map.of());
        assertEquals(RiskLevel.MEDIUM, oversight.level());
        assertTrue(oversight.reason().contains("oversight"), oversight.reason());
        assertEquals(RiskLevel.LOW, observe(Map.of("sessions", 10L, "scoreSum", 1000L, "oversightRequired", 10L, "oversightHad", 9L), Map.of()).level());
    }

    @Test
    void nothingIsObservedWithoutSessionsAndEffectiveIsTheHigher() {
        assertNull(RiskClassifier.observe(List.of(), TODAY).level());
        assertEquals(RiskLevel.MEDIUM, RiskClassifier.effective(RiskLevel.MEDIUM, null));
        assertEquals(RiskLevel.HIGH, RiskClassifier.effective(RiskLevel.MEDIUM, RiskLevel.HIGH));
        assertEquals(RiskLevel.HIGH, RiskClassifier.effective(RiskLevel.HIGH, RiskLevel.LOW));
    }
}
