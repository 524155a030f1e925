package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.json.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The monitoring figures of ISO/IEC 42001 9.1 / A.9.2 through the running devstack: outcomes, the
 * breakdown by model, content safety and SDK health in {@code /metrics}; the SDK alert kinds opened
 * and resolved by the SDK health watch's schedule; {@code contentSafety.flags} in a session rule.
 */
class MonitoringEndToEndTest extends EndToEndTest {

    private static String newApplication() {
        String id = "mon-" + UUID.randomUUID().toString().substring(0, 8);
        api.expect(201, api.post("/v1/applications", demo.key("admin"), Map.of("applicationId", id, "name", id,
                "declaredRiskLevel", "LOW", "scoreTarget", 50, "owner", "e2e")));
        return id;
    }

    private static Map<String, Object> session(String app, String model, String outcome, String guardrail, List<String> flags) {
        Map<String, Object> s = new LinkedHashMap<>(Map.of("sessionId", "mon-" + UUID.randomUUID(), "applicationId", app,
                "startedAt", Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString()));
        if (model != null) s.put("model", model);
        if (outcome != null) s.put("decision", Map.of("outcome", outcome));
        if (guardrail != null) s.put("guardrails", List.of(Map.of("name", "g", "action", guardrail)));
        if (flags != null) s.put("contentSafety", Map.of("flags", flags, "handled", true));
        return s;
    }

    private static void health(String app, String version, String breaker, double exportRate, Instant at) {
        api.expect(201, api.post("/v1/sdk-health", demo.key("ingest"), Map.of("applicationId", app,
                "sdk", Map.of("name", "veriproof-python", "version", version), "exportSuccessRate", exportRate,
                "circuitBreaker", breaker, "latencyMs", Map.of("p50", 20, "p95", 180, "p99", 400),
                "queueDepth", 2, "droppedSessions", 7, "reportedAt", at.truncatedTo(ChronoUnit.MILLIS).toString())));
    }

    private static String rule(String app, String kindAndMore) {
        return api.expect(201, api.post("/v1/alert-rules", demo.key("admin"), Json.parse(
                "{\"name\":\"e2e\",\"applicationId\":\"" + app + "\",\"severity\":\"HIGH\"," + kindAndMore + "}"))).get("ruleId").asText();
    }

    private static Map<String, JsonNode> alertsByKind(String app) {
        Map<String, JsonNode> byKind = new LinkedHashMap<>();
        for (JsonNode a : api.expect(200, api.get("/v1/alerts?applicationId=" + app, demo.key("admin"))).get("alerts")) {
            byKind.put(a.get("kind").asText(), a);
        }
        return byKind;
    }

    @Test
    void metricsShowOutcomesModelsContentSafetyAndSdkHealth() {
        String app = newApplication();
        String piiRule = rule(app, "\"kind\":\"SESSION_CONDITION\",\"condition\":{\"any\":[{\"field\":\"contentSafety.flags\",\"op\":\"includes\",\"value\":[\"PII\"]}]}");
        List<Map<String, Object>> sessions = new ArrayList<>(List.of(
                session(app, "gpt-4.1", "APPROVED", "ALLOWED", null),
                session(app, "gpt-4.1", "DENIED", "BLOCKED", List.of("PII", "HATE")),
                session(app, "claude-3", "APPROVED", null, List.of("PII")),
                session(app, null, null, null, null)));
        api.expect(207, api.post("/v1/sessions", demo.key("ingest"), Map.of("sessions", sessions)));
        health(app, "1.4.2", "HALF_OPEN", 0.97, Instant.now().minusSeconds(30));
        health(app, "1.3.0", "OPEN", 0.5, Instant.now().minus(20, ChronoUnit.MINUTES)); // silent: no report for 15 minutes
        stack.drainStreams();

        JsonNode m = api.expect(200, api.get("/v1/applications/" + app + "/metrics", demo.key("auditor")));
        assertEquals(Json.parse("{\"APPROVED\":2,\"DENIED\":1,\"DEFERRED\":0,\"ESCALATED\":0,\"UNSPECIFIED\":1}"), m.get("outcomes"));
        JsonNode models = m.get("byModel");
        assertEquals(3, models.size(), models.toString());
        assertEquals("gpt-4.1", models.get(0).get("model").asText());
        assertEquals(2, models.get(0).get("sessions").asInt());
        assertEquals(0.5, models.get(0).get("guardrailFailureRate").asDouble());
        assertEquals("claude-3", models.get(1).get("model").asText());
        assertTrue(models.get(2).get("model").isNull(), "sessions that named no model, last");
        assertEquals(1, models.get(2).get("sessions").asInt());
        JsonNode safety = m.get("contentSafety");
        assertEquals(2, safety.get("flaggedSessions").asInt());
        assertEquals(0.5, safety.get("flaggedRate").asDouble());
        assertEquals(2, safety.get("byFlag").get("PII").asInt());
        assertEquals(1, safety.get("byFlag").get("HATE").asInt());
        JsonNode sdk = m.get("sdkHealth");
        assertEquals("DEGRADED", sdk.get("state").asText(), sdk.toString());
        assertEquals(2, sdk.get("versions").size());
        JsonNode current = sdk.get("versions").get(1);
        assertEquals(List.of("sdk", "lastReportAt", "silent", "circuitBreaker", "exportSuccessRate", "p95LatencyMs", "queueDepth", "droppedSessions"),
                fieldNames(current));
        assertEquals("1.4.2", current.get("sdk").get("version").asText());
        assertFalse(current.get("silent").asBoolean());
        assertEquals(180.0, current.get("p95LatencyMs").asDouble());
        assertEquals(7, current.get("droppedSessions").asInt());
        assertTrue(sdk.get("versions").get(0).get("silent").asBoolean());

        JsonNode pii = alertsByKind(app).get("SESSION_CONDITION");
        assertEquals(piiRule, pii.get("ruleId").asText());
        assertEquals(2, pii.get("occurrences").asInt());
    }

    @Test
    void theSdkHealthWatchOpensAndResolvesTheSdkAlerts() {
        String app = newApplication();
        rule(app, "\"kind\":\"SDK_CIRCUIT_BREAKER_OPEN\"");
        rule(app, "\"kind\":\"SDK_EXPORT_SUCCESS_BELOW\",\"threshold\":0.95");
        rule(app, "\"kind\":\"SDK_SILENT\",\"threshold\":30");
        health(app, "2.0.0", "OPEN", 0.6, Instant.now().minusSeconds(5));
        api.expect(200, api.post("/_devstack/fire/sdk-health-watch", null, ""));
        api.expect(200, api.post("/_devstack/fire/sdk-health-watch", null, "")); // nothing new: no second occurrence
        Map<String, JsonNode> open = alertsByKind(app);
        assertEquals(List.of("SDK_CIRCUIT_BREAKER_OPEN", "SDK_EXPORT_SUCCESS_BELOW"), open.keySet().stream().sorted().toList());
        assertTrue(open.values().stream().allMatch(a -> a.get("status").asText().equals("OPEN") && a.get("occurrences").asInt() == 1), open.toString());
        assertEquals(0.6, open.get("SDK_EXPORT_SUCCESS_BELOW").get("value").asDouble());

        health(app, "2.0.0", "CLOSED", 0.99, Instant.now());
        api.expect(200, api.post("/_devstack/fire/sdk-health-watch", null, ""));
        Map<String, JsonNode> resolved = alertsByKind(app);
        assertTrue(resolved.values().stream().allMatch(a -> a.get("status").asText().equals("RESOLVED")), resolved.toString());
        assertTrue(resolved.get("SDK_CIRCUIT_BREAKER_OPEN").get("resolution").asText().startsWith("Resolved automatically"));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
