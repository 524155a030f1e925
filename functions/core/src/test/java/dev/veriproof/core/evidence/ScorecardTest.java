package dev.veriproof.core.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.session.Session;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScorecardTest {
    private static final LocalDate FROM = LocalDate.parse("2026-07-01");

    private static Session record(String risk, boolean oversightRecorded, boolean grounded, String guardrailAction) {
        ObjectNode r = Json.mapper().createObjectNode();
        r.put("sessionId", "s").put("applicationId", "app").put("startedAt", "2026-07-01T10:00:00Z");
        r.putObject("decision").put("outcome", "APPROVED");
        r.put("riskLevel", risk);
        if (oversightRecorded) r.putObject("humanOversight").put("required", true).put("type", "HUMAN_IN_THE_LOOP");
        if (grounded) r.putObject("grounding").put("status", "GROUNDED");
        r.putArray("guardrails").addObject().put("name", "pii").put("action", guardrailAction);
        return Session.fromStoredRecord(r);
    }

    private static Map<String, Verdict> verdicts(EvidenceFacts facts, SessionTally tally) {
        return Scorecard.evaluate(facts, tally).stream().collect(Collectors.toMap(Scorecard.Control::id, Scorecard.Control::verdict));
    }

    private static EvidenceFacts goodFacts(long days) {
        return new EvidenceFacts(days, List.of(new EvidenceFacts.AppFacts("app", true, 1, 80, 90.0, 1, true)), 2, 3, 1, 1, 1, 1, 1, 0, 4, 1, 2,
                true, true);
    }

    @Test
    void fullyEvidencedPeriodIsCoveredEverywhere() {
        SessionTally tally = new SessionTally();
        for (int d = 0; d < 10; d++) tally.add("app", FROM.plusDays(d), 90, "EXCELLENT", record("HIGH", true, true, "ALLOWED"), true, false);
        Map<String, Verdict> v = verdicts(goodFacts(10), tally);
        assertEquals(15, v.size());
        v.forEach((id, verdict) -> assertEquals(Verdict.COVERED, verdict, id));
        assertEquals(0, Scorecard.gapAnalysisJson(Scorecard.evaluate(goodFacts(10), tally)).get("gaps").size());
    }

    @Test
    void nothingMeasuredIsAGapAndHalfwayIsPartial() {
        EvidenceFacts none = new EvidenceFacts(92, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, false);
        Map<String, Verdict> v = verdicts(none, new SessionTally());
        assertEquals(Verdict.GAP, v.get("8.4"));
        assertEquals(Verdict.GAP, v.get("9.3"));
        assertEquals(Verdict.GAP, v.get("A.9.1"));

        SessionTally tally = new SessionTally();
        // 6 of 10 sessions anchored: above half of the 99% threshold, so partial; 10 days of 10 scored
        for (int d = 0; d < 10; d++) tally.add("app", FROM.plusDays(d), 90, "EXCELLENT", record("LOW", false, d < 4, "ALLOWED"), d < 6, false);
        Map<String, Verdict> partial = verdicts(goodFacts(10), tally);
        assertEquals(Verdict.PARTIAL, partial.get("8.4"));
        assertEquals(Verdict.PARTIAL, partial.get("8.6; A.10.3"), "grounding on 40%: at least half of 80%");
        JsonNode gaps = Scorecard.gapAnalysisJson(Scorecard.evaluate(goodFacts(10), tally)).get("gaps");
        assertTrue(gaps.size() >= 2);
        gaps.forEach(g -> assertTrue(!g.get("toClose").asText().isBlank()));
    }

    @Test
    void incidentsNeedCorrectiveActions() {
        SessionTally tally = new SessionTally();
        tally.add("app", FROM, 40, "POOR", record("CRITICAL", false, true, "BYPASSED"), true, false);
        Map<String, Object> evidence = Scorecard.evaluate(goodFacts(1), tally).stream()
                .filter(c -> c.id().equals("10.2")).findFirst().orElseThrow().evidence();
        assertEquals(3L, evidence.get("incidents"), "an alert, an unreviewed critical session and a guardrail bypass");
        assertEquals(Verdict.GAP, verdicts(goodFacts(1), tally).get("10.2"), "1 of 3 corrected: below half of the threshold");
    }

    @Test
    void manifestIsCanonicalAndListsEveryFile() {
        Manifest m = new Manifest();
        m.add(new Manifest.FileEntry("scorecard.json", "ab".repeat(32), 10));
        ExportRequest request = new ExportRequest("t1", ExportRequest.Framework.ISO_42001, FROM, FROM.plusDays(91), List.of());
        byte[] bytes = m.bytes("exp_1", request, List.of("app"), java.time.Instant.parse("2026-10-01T00:00:00Z"), 5,
                new java.util.TreeSet<>(List.of("batch-1")), "0xabc");
        JsonNode json = Json.parse(bytes);
        assertEquals("scorecard.json", json.get("files").get(0).get("path").asText());
        assertEquals(5, json.get("sessions").asInt());
        assertEquals(new String(bytes, java.nio.charset.StandardCharsets.UTF_8),
                new String(dev.veriproof.core.canonical.Canonical.jcs(json), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void periodsAreClosedAndBounded() {
        assertThrowsIllegal(() -> new ExportRequest("t", ExportRequest.Framework.ISO_42001, FROM, FROM.minusDays(1), List.of()));
        assertThrowsIllegal(() -> new ExportRequest("t", ExportRequest.Framework.ISO_42001, FROM, FROM.plusDays(366), List.of()));
        assertEquals(366, new ExportRequest("t", ExportRequest.Framework.ISO_42001, FROM, FROM.plusDays(365), List.of()).days());
    }

    private static void assertThrowsIllegal(Runnable r) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run);
    }
}
