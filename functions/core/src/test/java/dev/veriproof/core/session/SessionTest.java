package dev.veriproof.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.json.Json;
import java.nio.charset.StandardCharsets;
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

    @Test
    void theOversightAndGuardrailRulesThatEveryCounterReads() {
        assertTrue(session(RiskLevel.HIGH, null).lacksRequiredOversight());
        assertTrue(session(RiskLevel.LOW, new Session.HumanOversight(true, OversightType.NONE, null)).lacksRequiredOversight());
        assertFalse(session(RiskLevel.HIGH, new Session.HumanOversight(null, OversightType.HUMAN_ON_THE_LOOP, null)).lacksRequiredOversight());
        assertFalse(session(RiskLevel.MEDIUM, null).lacksRequiredOversight());
        assertTrue(session(RiskLevel.CRITICAL, null).highRisk());
        assertFalse(session(RiskLevel.MEDIUM, null).highRisk());
        assertFalse(session(null, null).highRisk());
        assertTrue(session(RiskLevel.HIGH, new Session.HumanOversight(false, OversightType.NONE, null)).highRiskWithoutOversight());
        assertFalse(session(RiskLevel.MEDIUM, new Session.HumanOversight(true, null, null)).highRiskWithoutOversight(),
                "required but not high risk: it waits for a review, yet is no incident");
        assertFalse(session(RiskLevel.LOW, new Session.HumanOversight(null, null, "u-1")).recordsOversight(), "a reviewer alone says nothing");
        assertTrue(session(RiskLevel.LOW, new Session.HumanOversight(false, null, null)).recordsOversight());
        assertTrue(session(RiskLevel.LOW, new Session.HumanOversight(null, OversightType.NONE, null)).recordsOversight());
        Session blocked = Session.fromStoredRecord(Json.parse("""
                {"sessionId":"s","applicationId":"a","startedAt":"2026-11-20T10:00:00Z",
                 "guardrails":[{"name":"a","action":"ALLOWED"},{"name":"b","action":"BLOCKED"}]}"""));
        assertTrue(blocked.guardrailFailed());
        assertFalse(blocked.guardrailBypassed());
        assertFalse(session(null, null).guardrailFailed());
    }

    @Test
    void aStoredRecordReadsAsTheValidatorMappedIt() {
        List<String> records = List.of(SessionExamples.SPEC_EXAMPLE,
                "{\"sessionId\":\"m\",\"applicationId\":\"a\",\"startedAt\":\"2026-11-20t12:15:00.123456789+02:00\"}",
                """
                {"sessionId":"p","applicationId":"a","startedAt":"2026-11-20T10:00:00Z","endedAt":"2026-11-20T10:00:01Z",
                 "decision":{"confidence":1},"humanOversight":{"required":false},"contentSafety":{"handled":false},
                 "grounding":{"status":"PARTIAL"},"sdk":{"name":"n"},"steps":[{"type":"TOOL_CALL"},{"type":"AGENT"}],
                 "guardrails":[{"name":"g","action":"BYPASSED","configVersion":"3"}],"content":{"input":"x"},"attributes":{"k":1}}""");
        for (String text : records) {
            JsonNode stored = Json.parse(new String(Canonical.jcs(Json.parse(text)), StandardCharsets.UTF_8));
            Session validated = ((Validation.Valid) SessionValidator.validate(stored, SessionExamples.NOW)).session();
            assertEquals(validated, Session.fromStoredRecord(stored), text);
        }
    }

    @Test
    void aStoredRecordIsNotValidatedAgain_soARuleTightenedSinceNeverDropsIt() {
        JsonNode stored = Json.parse("""
                {"sessionId":"s","applicationId":"a","startedAt":"2026-11-20T10:30:00Z","riskLevel":"HIGH","laterRemovedField":1}""");
        assertTrue(SessionValidator.validate(stored, SessionExamples.NOW) instanceof Validation.Invalid);

        Session read = Session.fromStoredRecord(stored);

        assertEquals(Instant.parse("2026-11-20T10:30:00Z"), read.startedAt());
        assertTrue(read.lacksRequiredOversight());
    }
}
