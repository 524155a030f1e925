package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Aggregation, risk, alert rules, alerts and notifications through the HTTP API of the running
 * devstack: real stream polling, the real local SQS/EventBridge endpoint and a real webhook receiver.
 */
class ScoringAndAlertsEndToEndTest extends EndToEndTest {
    private static final String SECRET = "whsec-0123456789abcdef";

    @BeforeAll
    static void start() {
        // the retry mechanism unchanged, its delays shortened: 1 s instead of 5 s, 25 s, 125 s
        System.setProperty("WEBHOOK_RETRY_DELAYS_SECONDS", "1,1,1");
    }

    private static String newApplication(String declared, int target) {
        String id = "app-" + UUID.randomUUID().toString().substring(0, 8);
        api.expect(201, api.post("/v1/applications", demo.key("admin"), Map.of("applicationId", id, "name", id,
                "declaredRiskLevel", declared, "scoreTarget", target, "owner", "e2e")));
        return id;
    }

    private static Map<String, Object> session(String app, String riskLevel) {
        return new java.util.LinkedHashMap<>(Map.of("sessionId", "e2e-" + UUID.randomUUID(), "applicationId", app,
                "startedAt", Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString(),
                "intent", "credit_decision", "model", "gpt-4.1", "riskLevel", riskLevel,
                "guardrails", List.of(Map.of("name", "pii", "action", "ALLOWED"))));
    }

    @Test
    void metricsCountASessionWithinFiveSecondsAndAreShapedAsSpec11() {
        String app = newApplication("MEDIUM", 80);
        api.expect(201, api.post("/v1/sessions", demo.key("ingest"), session(app, "LOW")));
        Map<String, Object> second = session(app, "HIGH");
        second.put("humanOversight", Map.of("type", "HUMAN_IN_THE_LOOP"));
        api.expect(201, api.post("/v1/sessions", demo.key("ingest"), second));
        long started = System.nanoTime();
        stack.drainStreams();
        JsonNode metrics = api.expect(200, api.get("/v1/applications/" + app + "/metrics", demo.key("admin")));
        assertTrue(System.nanoTime() - started < 5_000_000_000L, "counted within 5 s");

        assertEquals(List.of("applicationId", "asOf", "rolling7d", "rolling30d", "guardrailFailureRate", "anchorCoverage",
                "humanOversightCoverage", "risk", "scoreTarget", "meetsTarget", "daily",
                "outcomes", "byModel", "contentSafety", "sdkHealth"), fieldNames(metrics));
        assertEquals(app, metrics.get("applicationId").asText());
        assertEquals(2, metrics.get("rolling7d").get("sessions").asInt());
        assertEquals(2, metrics.get("rolling30d").get("sessions").asInt());
        assertEquals(List.of("sessions", "averageScore"), fieldNames(metrics.get("rolling7d")));
        assertEquals(0.0, metrics.get("guardrailFailureRate").asDouble());
        // the local anchoring schedule may have anchored them meanwhile: a fraction either way
        assertTrue(metrics.get("anchorCoverage").isNumber() && metrics.get("anchorCoverage").asDouble() <= 1.0);
        assertEquals(1.0, metrics.get("humanOversightCoverage").asDouble());
        assertEquals("MEDIUM", metrics.get("risk").get("declared").asText());
        assertFalse(metrics.get("risk").get("observed").isNull());
        assertEquals(80, metrics.get("scoreTarget").asInt());
        assertTrue(metrics.get("meetsTarget").isBoolean());
        JsonNode day = metrics.get("daily").get(0);
        assertEquals(List.of("date", "sessions", "averageScore", "bands"), fieldNames(day));
        assertEquals(List.of("EXCELLENT", "GOOD", "FAIR", "POOR", "CRITICAL"), fieldNames(day.get("bands")));
        assertEquals(2, day.get("sessions").asInt());

        JsonNode risk = api.expect(200, api.get("/v1/applications/" + app + "/risk", demo.key("auditor")));
        JsonNode history = risk.get("history"); // one change per batch that moved the level: 1 or 2 here
        assertTrue(history.size() >= 1, risk.toString());
        assertTrue(history.get(0).get("old").isNull());
        assertEquals(risk.get("effective").asText(), history.get(history.size() - 1).get("new").asText());
        assertEquals(metrics.get("risk").get("effective").asText(), risk.get("effective").asText());

        // replaying is the poller's business; reading again changes nothing
        stack.drainStreams();
        assertEquals(2, api.expect(200, api.get("/v1/applications/" + app + "/metrics", demo.key("auditor"))).get("rolling7d").get("sessions").asInt());
        // anchoring marks the sessions anchored (MODIFY records): anchor coverage becomes 1, replays change nothing
        assertEquals(200, api.post(LocalChainService.FIRE_PATH, null, "").status());
        stack.drainStreams();
        stack.drainStreams();
        JsonNode anchored = api.expect(200, api.get("/v1/applications/" + app + "/metrics", demo.key("admin")));
        assertEquals(1.0, anchored.get("anchorCoverage").asDouble(), anchored.toString());
        assertEquals(2, anchored.get("rolling30d").get("sessions").asInt());

        assertError(api.get("/v1/applications/" + app + "/metrics", acme.key("admin")), 404, "not_found", null);
        assertError(api.get("/v1/applications/" + app + "/metrics", demo.key("ingest")), 403, "forbidden", null);
        String limitedAuditor = api.expect(201, api.post("/v1/keys", demo.key("admin"),
                Map.of("role", "auditor", "applications", List.of("support-bot")))).get("key").asText();
        assertError(api.get("/v1/applications/" + app + "/metrics", limitedAuditor), 404, "not_found", null);
        assertError(api.get("/v1/applications/no-such-app/metrics", demo.key("admin")), 404, "not_found", null);
    }

    @Test
    void alertRulesAreValidatedAndBadOnesStoreNothing() {
        String admin = demo.key("admin");
        int before = api.expect(200, api.get("/v1/alert-rules", admin)).get("rules").size();
        String base = "{\"name\":\"n\",\"applicationId\":\"loan-review\",\"severity\":\"LOW\",%s}";
        assertError(api.post("/v1/alert-rules", admin, base.formatted("\"kind\":\"SOMETHING\"")), 400, "invalid_value", "$.kind");
        assertError(api.post("/v1/alert-rules", admin, base.formatted("\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":-1")), 400, "invalid_threshold", "$.threshold");
        assertError(api.post("/v1/alert-rules", admin, base.formatted("\"kind\":\"SESSION_CONDITION\",\"condition\":{\"any\":[{\"field\":\"riskLevel\",\"op\":\"in\",\"value\":[\"HUGE\"]}]}")),
                400, "invalid_condition", "$.condition.any[0].value[0]");
        assertError(api.post("/v1/alert-rules", admin, base.formatted("\"kind\":\"ANCHOR_COVERAGE_BELOW\",\"threshold\":0.9,\"notify\":{\"webhookUrl\":\"http://example.com/h\",\"webhookSecret\":\"" + SECRET + "\"}")),
                400, "invalid_value", "$.notify.webhookUrl");
        assertError(api.post("/v1/alert-rules", admin, "{\"name\":\"n\",\"applicationId\":\"nope\",\"severity\":\"LOW\",\"kind\":\"SCORE_TARGET_MISSED\"}"),
                422, "unknown_application", "$.applicationId");
        assertError(api.post("/v1/alert-rules", acme.key("admin"), base.formatted("\"kind\":\"SCORE_TARGET_MISSED\"")), 422, "unknown_application", "$.applicationId");
        assertError(api.post("/v1/alert-rules", demo.key("auditor"), base.formatted("\"kind\":\"SCORE_TARGET_MISSED\"")), 403, "forbidden", null);
        assertEquals(before, api.expect(200, api.get("/v1/alert-rules", admin)).get("rules").size());

        JsonNode rule = api.expect(201, api.post("/v1/alert-rules", admin, base.formatted("\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":50")));
        String id = rule.get("ruleId").asText();
        assertEquals("7d", rule.get("window").asText());
        JsonNode patched = api.expect(200, api.patch("/v1/alert-rules/" + id, admin, Map.of("threshold", 60, "window", "30d")));
        assertEquals(60.0, patched.get("threshold").asDouble());
        assertEquals("30d", patched.get("window").asText());
        assertError(api.patch("/v1/alert-rules/" + id, admin, Map.of("threshold", 600)), 400, "invalid_threshold", "$.threshold");
        assertEquals(60.0, api.expect(200, api.get("/v1/alert-rules/" + id, admin)).get("threshold").asDouble());
        assertError(api.get("/v1/alert-rules/" + id, acme.key("admin")), 404, "not_found", null);
        assertError(api.delete("/v1/alert-rules/" + id, acme.key("admin")), 404, "not_found", null);
        assertFalse(api.expect(200, api.get("/v1/alert-rules", acme.key("admin"))).toString().contains(id));
        api.expect(200, api.delete("/v1/alert-rules/" + id, admin));
        assertError(api.get("/v1/alert-rules/" + id, admin), 404, "not_found", null);
    }

    @Test
    void anAlertFiresWithASignedWebhookRetriedUntilDeliveredAndMovesThroughItsLifecycle() throws Exception {
        String app = newApplication("LOW", 50);
        String admin = demo.key("admin");
        try (WebhookReceiver receiver = new WebhookReceiver(2)) {
            JsonNode rule = api.expect(201, api.post("/v1/alert-rules", admin, Map.of("name", "critical sessions", "applicationId", app,
                    "kind", "SESSION_CONDITION", "severity", "CRITICAL",
                    "condition", Map.of("any", List.of(Map.of("field", "riskLevel", "op", "in", "value", List.of("CRITICAL")))),
                    "notify", Map.of("webhookUrl", receiver.url(), "webhookSecret", SECRET, "eventBridge", true))));
            assertFalse(rule.toString().contains(SECRET), "the secret is never shown again");
            api.expect(201, api.post("/v1/sessions", demo.key("ingest"), session(app, "CRITICAL")));
            api.expect(201, api.post("/v1/sessions", demo.key("ingest"), session(app, "LOW")));
            stack.drainStreams();

            List<WebhookReceiver.Delivery> deliveries = receiver.await(3, 30_000);
            assertEquals(3, deliveries.size(), "two failures, then the delivery that succeeded");
            for (WebhookReceiver.Delivery d : deliveries) {
                assertEquals("sha256=" + hmac(d.body()), d.header("X-Signature-256"));
                assertTrue(java.util.Arrays.equals(deliveries.get(0).body(), d.body()), "every retry sends the same body");
            }
            JsonNode event = Json.parse(deliveries.get(0).body());
            assertEquals(List.of("id", "type", "occurredAt", "tenantId", "alert"), fieldNames(event));
            assertEquals("alert.opened", event.get("type").asText());
            assertTrue(event.get("id").asText().startsWith("evt_"));
            assertEquals("demo", event.get("tenantId").asText());
            JsonNode alert = event.get("alert");
            assertEquals(List.of("id", "ruleId", "applicationId", "kind", "severity", "status", "value", "threshold", "occurrences"), fieldNames(alert));
            assertEquals(rule.get("ruleId").asText(), alert.get("ruleId").asText());
            assertEquals("OPEN", alert.get("status").asText());
            assertEquals(1, alert.get("occurrences").asInt());
            String alertId = alert.get("id").asText();

            api.expect(201, api.post("/v1/sessions", demo.key("ingest"), session(app, "CRITICAL")));
            stack.drainStreams();
            JsonNode listed = api.expect(200, api.get("/v1/alerts?applicationId=" + app, admin)).get("alerts");
            assertEquals(1, listed.size(), "one alert per rule and application while open");
            assertEquals(2, listed.get(0).get("occurrences").asInt());

            Path events = RunningDevstack.stateDir().resolve("eventbridge-events.jsonl");
            stack.drainNotifications();
            assertTrue(Files.readString(events).contains(alertId), "the alert went to the event bus too");

            assertError(api.post("/v1/alerts/" + alertId + "/acknowledge", acme.key("admin"), Map.of()), 404, "not_found", null);
            assertEquals("ACKNOWLEDGED", api.expect(200, api.post("/v1/alerts/" + alertId + "/acknowledge", admin, Map.of())).get("status").asText());
            assertError(api.post("/v1/alerts/" + alertId + "/acknowledge", admin, Map.of()), 409, "invalid_transition", null);
            assertError(api.post("/v1/alerts/" + alertId + "/resolve", admin, Map.of()), 400, "missing_field", "$.note");
            assertEquals("ACKNOWLEDGED", api.expect(200, api.get("/v1/alerts/" + alertId, admin)).get("status").asText());
            JsonNode resolved = api.expect(200, api.post("/v1/alerts/" + alertId + "/resolve", admin, Map.of("note", "Model rolled back to v7; reviewer retrained.")));
            assertEquals("RESOLVED", resolved.get("status").asText());
            assertEquals("Model rolled back to v7; reviewer retrained.", resolved.get("resolution").asText());
            assertError(api.post("/v1/alerts/" + alertId + "/resolve", admin, Map.of("note", "again")), 409, "invalid_transition", null);
            assertFalse(api.expect(200, api.get("/v1/alerts", acme.key("admin"))).toString().contains(alertId));

            List<String> types = new ArrayList<>();
            for (WebhookReceiver.Delivery d : receiver.await(6, 10_000)) types.add(Json.parse(d.body()).get("type").asText());
            assertTrue(types.containsAll(List.of("alert.opened", "alert.updated", "alert.resolved")), types.toString());
        }
    }

    /** HMAC-SHA256 of the raw body computed here, independently of the server's code. */
    @Test
    void theApplicationShowsTheObservedRiskOnceTheStreamHasClassifiedIt() {
        String app = newApplication("LOW", 70);
        JsonNode before = api.expect(200, api.get("/v1/applications/" + app, demo.key("admin"))).get("risk");
        assertTrue(before.get("observed").isNull());
        assertEquals("LOW", before.get("effective").asText());

        Map<String, Object> bypassed = session(app, "LOW");
        bypassed.put("guardrails", List.of(Map.of("name", "pii", "action", "BYPASSED")));
        api.expect(201, api.post("/v1/sessions", demo.key("ingest"), bypassed));
        stack.drainStreams();

        JsonNode after = api.expect(200, api.get("/v1/applications/" + app, demo.key("auditor"))).get("risk");
        assertEquals("LOW", after.get("declared").asText());
        assertEquals("CRITICAL", after.get("observed").asText(), "a BYPASSED guardrail in 7 days is CRITICAL (SPEC 5)");
        assertEquals("CRITICAL", after.get("effective").asText());
    }

    @Test
    void ruleChangesAndAlertDecisionsAreInTheAuditChainWithoutTheWebhookSecret() {
        String admin = acme.key("admin");
        JsonNode rule = api.expect(201, api.post("/v1/alert-rules", admin, Map.of("name", "audited", "applicationId", "*",
                "kind", "ROLLING_SCORE_BELOW", "window", "7d", "threshold", 50, "severity", "LOW",
                "notify", Map.of("webhookUrl", "https://hooks.example.com/x", "webhookSecret", SECRET))));
        String target = "alert-rule/" + rule.get("ruleId").asText();
        api.expect(200, api.patch("/v1/alert-rules/" + rule.get("ruleId").asText(), admin, Map.of("severity", "HIGH")));
        api.expect(200, api.delete("/v1/alert-rules/" + rule.get("ruleId").asText(), admin));

        JsonNode entries = api.expect(200, api.get("/v1/audit-log?limit=1000", admin)).get("entries");
        List<String> actions = new java.util.ArrayList<>();
        for (JsonNode entry : entries) if (entry.get("target").asText().equals(target)) actions.add(entry.get("action").asText());
        assertEquals(List.of("alert_rule.create", "alert_rule.update", "alert_rule.delete"), actions);
        assertFalse(entries.toString().contains(SECRET), "the webhook secret never reaches the audit log");
        assertEquals(true, api.expect(200, api.get("/v1/audit-log/verify", admin)).get("intact").asBoolean());
    }

    private static String hmac(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
