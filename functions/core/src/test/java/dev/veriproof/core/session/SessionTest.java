package dev.veriproof.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTest {

    private static Session session(RiskLevel riskLevel, Session.HumanOversight oversight) {
        return new Session("s", "app", Instant.parse("2026-11-20T10:15:00Z"), null, null, null, null, null, null,
                null, null, riskLevel, oversight, List.of(), null, null, 0);
    }

    @Test
    void oversightIsRequiredWhenStatedOrRiskIsHighOrCritical() {
        assertFalse(session(null, null).requiresOversight());
        assertFalse(session(RiskLevel.MEDIUM, new Session.HumanOversight(false, null, null)).requiresOversight());
        assertFalse(session(RiskLevel.LOW, new Session.HumanOversight(null, OversightType.HUMAN_IN_COMMAND, null)).requiresOversight());
        assertTrue(session(RiskLevel.MINIMAL, new Session.HumanOversight(true, null, null)).requiresOversight());
        assertTrue(session(RiskLevel.HIGH, null).requiresOversight());
        assertTrue(session(RiskLevel.CRITICAL, new Session.HumanOversight(false, null, null)).requiresOversight());
    }

    @Test
    void oversightHappenedWhenATypeOtherThanNoneIsRecorded() {
        assertFalse(session(RiskLevel.HIGH, null).hadOversight());
        assertFalse(session(RiskLevel.HIGH, new Session.HumanOversight(true, null, "u-1")).hadOversight());
        assertFalse(session(RiskLevel.HIGH, new Session.HumanOversight(true, OversightType.NONE, null)).hadOversight());
        for (OversightType type : List.of(OversightType.HUMAN_IN_THE_LOOP, OversightType.HUMAN_ON_THE_LOOP, OversightType.HUMAN_IN_COMMAND)) {
            assertTrue(session(null, new Session.HumanOversight(null, type, null)).hadOversight(), type.name());
        }
    }

    @Test
    void dayIsTheUtcDateOfStartedAt() {
        Instant lateEveningInBrazil = OffsetDateTime.parse("2026-11-20T23:30:00-02:00").toInstant();
        Session session = new Session("s", "app", lateEveningInBrazil, null, null, null, null, null, null, null, null,
                null, null, null, null, null, 0);

        assertEquals(LocalDate.parse("2026-11-21"), session.day());
    }

    @Test
    void guardrailsAndFlagsAreNeverNullAndCannotBeChangedFromOutside() {
        List<Session.Guardrail> guardrails = new ArrayList<>(List.of(new Session.Guardrail("g", GuardrailAction.ALLOWED, null)));
        Session session = new Session("s", "app", Instant.EPOCH, null, null, null, null, null, null, null, null, null,
                null, guardrails, null, new Session.ContentSafety(null, null), 0);
        guardrails.clear();

        assertEquals(1, session.guardrails().size());
        assertEquals(List.of(), session.contentSafety().flags());
        assertThrows(UnsupportedOperationException.class, () -> session.guardrails().clear());
        assertEquals(List.of(), session(null, null).guardrails());
    }

    @Test
    void riskLevelsCompareInOrderOfRisk() {
        assertTrue(RiskLevel.MINIMAL.compareTo(RiskLevel.LOW) < 0);
        assertTrue(RiskLevel.MEDIUM.compareTo(RiskLevel.HIGH) < 0);
        assertTrue(RiskLevel.CRITICAL.compareTo(RiskLevel.HIGH) > 0);
    }
}
