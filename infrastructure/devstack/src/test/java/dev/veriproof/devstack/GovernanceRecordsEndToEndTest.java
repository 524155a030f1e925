package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.access.AccessService;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoKeyStore;
import dev.veriproof.chain.Web3jSigner;
import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The governance records of issue 5 (SPEC §8) through the devstack's HTTP API, as a client calls
 * them: deployment records, SDK health and versions, guardrail versions, reviews and the review
 * queue, remediation and roadmap items, settings and the audit log's hash chain.
 */
class GovernanceRecordsEndToEndTest extends EndToEndTest {
    private static String limitedAuditor;

    @BeforeAll
    static void start() {
        limitedAuditor = api.expect(201, api.post("/v1/keys", demo.key("admin"),
                Map.of("role", "auditor", "applications", List.of("support-bot")))).get("key").asText();
    }

    private static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A new application of the demo tenant, so that each test starts from empty records. */
    private static String newApplication() {
        String id = newId("gov-app");
        api.expect(201, api.post("/v1/applications", demo.key("admin"), Map.of("applicationId", id, "name", "Governed",
                "declaredRiskLevel", "HIGH", "scoreTarget", 80, "owner", "governance-team")));
        return id;
    }

    private static Map<String, Object> with(Map<String, Object> base, String field, Object value) {
        Map<String, Object> copy = new HashMap<>(base);
        if (value == null) copy.remove(field); else copy.put(field, value);
        return copy;
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    // ------------------------------------------------------------ deployments

    private static Map<String, Object> deployment(String app) {
        return Map.of("applicationId", app, "version", "2.3.0", "intendedUse", "Pre-screening of consumer loan applications",
                "environment", "production", "adapter", Map.of("provider", "openai", "model", "gpt-4.1", "temperature", 0.2),
                "deployedAt", "2026-11-20T09:00:00Z");
    }

    @Test
    void aDeploymentRecordIsStoredWithItsHashAndAVerifiableSignature() {
        String app = newApplication();
        Map<String, Object> body = deployment(app);
        JsonNode stored = api.expect(201, api.post("/v1/deployments", demo.key("ingest"), body));
        byte[] canonical = Canonical.jcs(Json.mapper().valueToTree(body));
        assertEquals(Hashes.hex(Hashes.sha256(canonical)), stored.get("sha256").asText());
        assertEquals(new String(canonical, java.nio.charset.StandardCharsets.UTF_8), stored.get("canonicalRecord").asText());
        String signer = Web3jSigner.fromPrivateKey(System.getProperty("SIGNER_PRIVATE_KEY")).address();
        assertEquals(signer, stored.get("signerAddress").asText());
        assertTrue(Web3jSigner.verifyPersonalMessage(canonical, stored.get("signature").asText(), signer));

        JsonNode again = api.expect(200, api.post("/v1/deployments", demo.key("admin"), body));
        assertTrue(again.get("duplicate").asBoolean());
        assertEquals(stored.get("signature"), again.get("signature"));

        JsonNode listed = api.expect(200, api.get("/v1/applications/" + app + "/deployments", demo.key("auditor")));
        assertEquals(1, listed.get("deployments").size(), "a retried POST stores nothing twice");
        assertEquals(stored.get("sha256"), listed.get("deployments").get(0).get("sha256"));
    }

    @Test
    void invalidDeploymentRecordsNameTheFieldAndStoreNothing() {
        String app = newApplication();
        Map<String, Object> valid = deployment(app);
        record Case(String field, Object value, String code, String path) {}
        for (Case c : List.of(new Case("version", null, "missing_field", "$.version"),
                new Case("intendedUse", 7, "invalid_type", "$.intendedUse"),
                new Case("adapter", "openai", "invalid_type", "$.adapter"),
                new Case("deployedAt", "yesterday", "invalid_value", "$.deployedAt"),
                new Case("deployedAt", "2999-01-01T00:00:00Z", "invalid_value", "$.deployedAt"),
                new Case("colour", "blue", "unknown_field", "$.colour"))) {
            assertError(api.post("/v1/deployments", demo.key("ingest"), with(valid, c.field(), c.value())), 400, c.code(), c.path());
        }
        assertError(api.post("/v1/deployments", demo.key("ingest"), with(valid, "applicationId", "nope")), 422, "unknown_application", "$.applicationId");
        assertError(api.post("/v1/deployments", demo.key("auditor"), valid), 403, "forbidden", null);
        assertEquals(0, api.expect(200, api.get("/v1/applications/" + app + "/deployments", demo.key("admin"))).get("deployments").size());
    }

    @Test
    void deploymentRecordsAreInvisibleAcrossTenantsAndOutsideAnAuditorsApplications() {
        api.expect(201, api.post("/v1/deployments", demo.key("ingest"), with(deployment("loan-review"), "version", newId("v"))));
        assertError(api.get("/v1/applications/loan-review/deployments", acme.key("admin")), 404, "not_found", null);
        assertError(api.get("/v1/applications/loan-review/deployments", limitedAuditor), 404, "not_found", null);
        assertError(api.post("/v1/deployments", acme.key("ingest"), deployment("loan-review")), 422, "unknown_application", "$.applicationId");
        assertEquals(200, api.get("/v1/applications/support-bot/deployments", limitedAuditor).status());
        assertError(api.get("/v1/applications/loan-review/deployments", demo.key("ingest")), 403, "forbidden", null);
    }

    @Test
    void everyReadRouteChecksTheRoleTheTenantAndTheAuditorsApplications() {
        int put = api.put("/v1/applications/loan-review/guardrails", demo.key("admin"), Map.of("guardrails", List.of(Map.of("name", "pii-filter")))).status();
        assertTrue(put == 200 || put == 201, "version 1 exists");
        for (String suffix : List.of("deployments", "sdk-health", "sdk-versions", "guardrails", "guardrails/1")) {
            String path = "/v1/applications/loan-review/" + suffix;
            assertEquals(200, api.get(path, demo.key("auditor")).status(), path);
            assertError(api.get(path, demo.key("ingest")), 403, "forbidden", null);
            assertError(api.get(path, acme.key("admin")), 404, "not_found", null);
            assertError(api.get(path, acme.key("auditor")), 404, "not_found", null);
            assertError(api.get(path, limitedAuditor), 404, "not_found", null);
        }
        for (String path : List.of("/v1/remediations", "/v1/roadmap", "/v1/audit-log", "/v1/audit-log/verify")) {
            assertError(api.get(path, demo.key("ingest")), 403, "forbidden", null);
        }
        // auditors read the settings behind the 9.3 verdict (issue 12); a key limited to applications does not
        api.expect(200, api.get("/v1/settings", demo.key("auditor")));
        assertError(api.get("/v1/settings", limitedAuditor), 403, "forbidden", null);
        assertError(api.post("/v1/sdk-health", acme.key("ingest"), health("loan-review", "1.0.0", "2026-11-21T10:00:00Z")),
                422, "unknown_application", "$.applicationId");
        String roadmapId = api.expect(201, api.post("/v1/roadmap", demo.key("admin"), Map.of("title", "t", "targetDate", "2027-01-01"))).get("id").asText();
        assertError(api.patch("/v1/roadmap/" + roadmapId, acme.key("admin"), Map.of("status", "DONE")), 404, "not_found", null);
        assertError(api.patch("/v1/roadmap/" + roadmapId, demo.key("auditor"), Map.of("status", "DONE")), 403, "forbidden", null);
        assertError(api.patch("/v1/roadmap/" + roadmapId, demo.key("admin"), Map.of("targetDate", "soon")), 400, "invalid_value", "$.targetDate");
    }

    // ------------------------------------------------------------ SDK health and versions

    private static Map<String, Object> health(String app, String version, String reportedAt) {
        return Map.of("applicationId", app, "sdk", Map.of("name", "veriproof-python", "version", version),
                "exportSuccessRate", 0.998, "circuitBreaker", "CLOSED", "latencyMs", Map.of("p50", 12, "p95", 40, "p99", 95.5),
                "queueDepth", 3, "droppedSessions", 0, "reportedAt", reportedAt);
    }

    @Test
    void sdkHealthReportsAndVersionHistoryFromReportsAndSessions() {
        String app = newApplication();
        api.expect(201, api.post("/v1/sdk-health", demo.key("ingest"), health(app, "1.4.2", "2026-11-21T10:00:00Z")));
        JsonNode duplicate = api.expect(200, api.post("/v1/sdk-health", demo.key("ingest"), health(app, "1.4.2", "2026-11-21T10:00:00Z")));
        assertTrue(duplicate.get("duplicate").asBoolean());
        api.expect(201, api.post("/v1/sdk-health", demo.key("ingest"), health(app, "1.4.2", "2026-11-22T10:00:00Z")));
        ObjectNode session = (ObjectNode) Json.parse("""
                {"sessionId":"%s","applicationId":"%s","startedAt":"2026-11-20T08:00:00Z",
                 "sdk":{"name":"veriproof-python","version":"1.4.2"},"riskLevel":"LOW"}""".formatted(newId("sdk"), app));
        api.expect(201, api.post("/v1/sessions", demo.key("ingest"), session));
        stack.drainStreams();

        JsonNode reports = api.expect(200, api.get("/v1/applications/" + app + "/sdk-health", demo.key("auditor"))).get("reports");
        assertEquals(2, reports.size());
        assertEquals("CLOSED", reports.get(0).get("report").get("circuitBreaker").asText());
        JsonNode versions = api.expect(200, api.get("/v1/applications/" + app + "/sdk-versions", demo.key("auditor"))).get("versions");
        assertEquals(1, versions.size());
        assertEquals("2026-11-20T08:00:00Z", versions.get(0).get("firstSeen").asText(), "the session is the earliest sighting");
        assertEquals("2026-11-22T10:00:00Z", versions.get(0).get("lastSeen").asText());
        assertEquals(List.of("health", "session"), List.of(versions.get(0).get("sources").get(0).asText(), versions.get(0).get("sources").get(1).asText()));
    }

    @Test
    void invalidSdkHealthReportsNameTheFieldAndStoreNothing() {
        String app = newApplication();
        Map<String, Object> valid = health(app, "9.9.9", "2026-11-21T10:00:00Z");
        record Case(Map<String, Object> body, String code, String path) {}
        for (Case c : List.of(new Case(with(valid, "exportSuccessRate", 1.5), "invalid_value", "$.exportSuccessRate"),
                new Case(with(valid, "circuitBreaker", "closed"), "invalid_value", "$.circuitBreaker"),
                new Case(with(valid, "sdk", Map.of("name", "py")), "missing_field", "$.sdk.version"),
                new Case(with(valid, "latencyMs", Map.of("p50", 10, "p95", 50, "p99", 20)), "invalid_value", "$.latencyMs.p99"),
                new Case(with(valid, "queueDepth", -1), "invalid_value", "$.queueDepth"),
                new Case(with(valid, "reportedAt", null), "missing_field", "$.reportedAt"),
                new Case(with(valid, "battery", 3), "unknown_field", "$.battery"))) {
            assertError(api.post("/v1/sdk-health", demo.key("ingest"), c.body()), 400, c.code(), c.path());
        }
        assertError(api.post("/v1/sdk-health", demo.key("auditor"), valid), 403, "forbidden", null);
        assertEquals(0, api.expect(200, api.get("/v1/applications/" + app + "/sdk-health", demo.key("admin"))).get("reports").size());
        assertEquals(0, api.expect(200, api.get("/v1/applications/" + app + "/sdk-versions", demo.key("admin"))).get("versions").size());
        assertError(api.get("/v1/applications/" + app + "/sdk-versions", acme.key("auditor")), 404, "not_found", null);
    }

    // ------------------------------------------------------------ guardrail configurations

    @Test
    void guardrailConfigurationsAreVersionedAndSessionsResolveTheirConfigVersion() {
        String app = newApplication();
        Map<String, Object> v1 = Map.of("guardrails", List.of(Map.of("name", "pii-filter", "settings", Map.of("mode", "mask"))), "note", "initial");
        JsonNode first = api.expect(201, api.put("/v1/applications/" + app + "/guardrails", demo.key("admin"), v1));
        assertEquals("1", first.get("version").asText());
        JsonNode same = api.expect(200, api.put("/v1/applications/" + app + "/guardrails", demo.key("admin"), v1));
        assertFalse(same.get("changed").asBoolean());
        Map<String, Object> v2 = Map.of("guardrails", List.of(Map.of("name", "pii-filter", "settings", Map.of("mode", "block")),
                Map.of("name", "toxicity", "enabled", true)));
        JsonNode second = api.expect(201, api.put("/v1/applications/" + app + "/guardrails", demo.key("admin"), v2));
        assertEquals("2", second.get("version").asText());

        JsonNode history = api.expect(200, api.get("/v1/applications/" + app + "/guardrails", demo.key("auditor")));
        assertEquals("2", history.get("currentVersion").asText());
        assertEquals(2, history.get("versions").size());
        assertTrue(history.get("versions").get(0).get("createdBy").asText().startsWith("key_"));
        assertFalse(history.get("versions").get(0).get("createdAt").asText().isBlank());

        String sessionId = newId("gr");
        api.expect(201, api.post("/v1/sessions", demo.key("ingest"), Json.parse("""
                {"sessionId":"%s","applicationId":"%s","startedAt":"2026-11-20T08:00:00Z",
                 "guardrails":[{"name":"pii-filter","action":"BLOCKED","configVersion":"1"}]}""".formatted(sessionId, app))));
        String named = api.expect(200, api.get("/v1/sessions/" + sessionId, demo.key("auditor")))
                .get("record").get("guardrails").get(0).get("configVersion").asText();
        JsonNode resolved = api.expect(200, api.get("/v1/applications/" + app + "/guardrails/" + named, demo.key("auditor")));
        assertEquals("mask", resolved.get("guardrails").get(0).get("settings").get("mode").asText());
        assertError(api.get("/v1/applications/" + app + "/guardrails/99", demo.key("auditor")), 404, "not_found", null);
        assertError(api.get("/v1/applications/" + app + "/guardrails/latest", demo.key("auditor")), 404, "not_found", null);
    }

    @Test
    void concurrentGuardrailChangesGetConsecutiveVersionsEachWithItsAuditEntry() throws Exception {
        Tenant t = Tenant.fresh();
        api.expect(201, api.post("/v1/applications", t.admin, Map.of("applicationId", "app", "name", "App", "declaredRiskLevel", "LOW",
                "scoreTarget", 70, "owner", "o")));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Callable<Integer>> puts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String name = "guardrail-" + i;
                puts.add(() -> api.put("/v1/applications/app/guardrails", t.admin, Map.of("guardrails", List.of(Map.of("name", name)))).status());
            }
            for (var f : pool.invokeAll(puts)) assertEquals(201, f.get());
        } finally {
            pool.shutdownNow();
        }
        JsonNode versions = api.expect(200, api.get("/v1/applications/app/guardrails", t.admin)).get("versions");
        assertEquals(List.of("1", "2", "3", "4", "5", "6"), versions.findValuesAsText("version"));
        List<AuditEntry> log = t.auditLog();
        assertEquals(6, log.stream().filter(e -> e.action().equals("guardrails.update")).count());
        assertTrue(AuditChain.verify(log).intact());
    }

    @Test
    void invalidGuardrailConfigurationsNameTheFieldAndStoreNothing() {
        String app = newApplication();
        String path = "/v1/applications/" + app + "/guardrails";
        assertError(api.put(path, demo.key("admin"), Map.of("guardrails", List.of())), 400, "invalid_type", "$.guardrails");
        assertError(api.put(path, demo.key("admin"), Map.of("guardrails", List.of(Map.of("name", "a"), Map.of("name", "a")))),
                400, "invalid_value", "$.guardrails[1].name");
        assertError(api.put(path, demo.key("admin"), Map.of("guardrails", List.of(Map.of("name", "a", "mode", "x")))),
                400, "unknown_field", "$.guardrails[0].mode");
        assertError(api.put(path, demo.key("admin"), Map.of("guardrails", List.of(Map.of("name", "a", "enabled", "yes")))),
                400, "invalid_type", "$.guardrails[0].enabled");
        assertError(api.put(path, demo.key("auditor"), Map.of("guardrails", List.of(Map.of("name", "a")))), 403, "forbidden", null);
        assertError(api.put(path, acme.key("admin"), Map.of("guardrails", List.of(Map.of("name", "a")))), 404, "not_found", null);
        assertError(api.get(path, limitedAuditor), 404, "not_found", null);
        assertEquals(0, api.expect(200, api.get(path, demo.key("admin"))).get("versions").size());
    }

    // ------------------------------------------------------------ redaction (SPEC §10) and proofs

    @Test
    void redactedSessionsStayProvableAndTheirRawContentIsGone() {
        String redacted = newId("red"), uncaptured = newId("nocap");
        String app = newId("nocap-app");
        api.expect(201, api.post("/v1/applications", demo.key("admin"), Map.of("applicationId", app, "name", "No content",
                "declaredRiskLevel", "LOW", "scoreTarget", 70, "owner", "o", "redaction", Map.of("captureContent", false))));
        String raw = "Applicant " + UUID.randomUUID() + " earns 4,100 EUR a month";
        api.expect(201, api.post("/v1/sessions", demo.key("ingest"), Json.parse("""
                {"sessionId":"%s","applicationId":"loan-review","startedAt":"2026-11-20T08:00:00Z",
                 "content":{"input":"%s","output":"ok"}}""".formatted(redacted, raw))));
        api.expect(201, api.post("/v1/sessions", demo.key("ingest"), Json.parse("""
                {"sessionId":"%s","applicationId":"%s","startedAt":"2026-11-20T08:00:00Z",
                 "content":{"input":"%s","output":"ok"}}""".formatted(uncaptured, app, raw))));
        assertEquals(200, api.post(LocalChainService.FIRE_PATH, null, "").status());

        for (String id : List.of(redacted, uncaptured)) {
            JsonNode stored = api.expect(200, api.get("/v1/sessions/" + id, demo.key("auditor")));
            assertFalse(stored.toString().contains(raw), "the raw content is not stored: " + stored);
            JsonNode proof = api.expect(200, api.get("/v1/sessions/" + id + "/proof", demo.key("auditor")));
            byte[] leaf = Hashes.leafHash(Canonical.jcs(stored.get("record")));
            assertEquals(Hashes.hex(leaf), proof.get("leafHash").asText(), "the leaf covers the record as stored");
            assertTrue(dev.veriproof.core.merkle.InclusionProof.fromJson(proof.get("proof")).verifies(leaf), "the proof holds for the stored record");
            assertFalse(proof.toString().contains(raw));
        }
        assertEquals("sha256:" + Hashes.hex(Hashes.sha256(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                api.expect(200, api.get("/v1/sessions/" + redacted, demo.key("admin"))).get("record").get("content").get("input").asText());
        assertFalse(api.expect(200, api.get("/v1/sessions/" + uncaptured, demo.key("admin"))).get("record").has("content"));
    }

    // ------------------------------------------------------------ reviews and the review queue

    private static String highRiskSession(String app, String oversight) {
        String id = newId("hr");
        api.expect(201, api.post("/v1/sessions", demo.key("ingest"), Json.parse("""
                {"sessionId":"%s","applicationId":"%s","startedAt":"2026-11-20T08:00:00Z","riskLevel":"HIGH"%s}"""
                .formatted(id, app, oversight == null ? "" : ",\"humanOversight\":{\"type\":\"" + oversight + "\"}"))));
        return id;
    }

    private static List<String> queue(String app) {
        return api.expect(200, api.get("/v1/review-queue?applicationId=" + app, demo.key("admin"))).get("sessions").findValuesAsText("sessionId");
    }

    @Test
    void sessionsThatNeededOversightWaitInTheQueueUntilReviewed() {
        String app = newApplication();
        String unreviewed = highRiskSession(app, null);
        String noneType = highRiskSession(app, "NONE");
        String overseen = highRiskSession(app, "HUMAN_IN_THE_LOOP");
        String low = newId("low");
        api.expect(201, api.post("/v1/sessions", demo.key("ingest"), Json.parse("""
                {"sessionId":"%s","applicationId":"%s","startedAt":"2026-11-20T08:00:00Z","riskLevel":"LOW"}""".formatted(low, app))));
        List<String> waiting = queue(app);
        assertTrue(waiting.containsAll(List.of(unreviewed, noneType)), waiting.toString());
        assertFalse(waiting.contains(overseen) || waiting.contains(low), waiting.toString());
        assertTrue(api.expect(200, api.get("/v1/sessions/" + unreviewed, demo.key("admin"))).get("inReviewQueue").asBoolean());

        Map<String, Object> review = Map.of("outcome", "APPROVED", "note", "Income documents checked", "reviewer", "u-17");
        JsonNode stored = api.expect(201, api.post("/v1/sessions/" + unreviewed + "/reviews", demo.key("admin"), review));
        JsonNode again = api.expect(200, api.post("/v1/sessions/" + unreviewed + "/reviews", demo.key("admin"), review));
        assertEquals(stored.get("id"), again.get("id"));
        assertEquals(List.of(noneType), queue(app));

        JsonNode view = api.expect(200, api.get("/v1/sessions/" + unreviewed, demo.key("auditor")));
        assertEquals(1, view.get("reviews").size(), "a retried review is stored once");
        assertEquals("APPROVED", view.get("reviews").get(0).get("outcome").asText());
        assertEquals("u-17", view.get("reviews").get(0).get("reviewer").asText());
        assertFalse(view.get("inReviewQueue").asBoolean());

        JsonNode all = api.expect(200, api.get("/v1/review-queue?limit=1000", demo.key("admin")));
        assertTrue(all.get("sessions").findValuesAsText("sessionId").contains(noneType));
        JsonNode firstPage = api.expect(200, api.get("/v1/review-queue?limit=1&applicationId=" + app, demo.key("admin")));
        assertEquals(1, firstPage.get("sessions").size());
    }

    @Test
    void invalidReviewsNameTheFieldAndStoreNothing() {
        String app = newApplication();
        String id = highRiskSession(app, null);
        String path = "/v1/sessions/" + id + "/reviews";
        assertError(api.post(path, demo.key("admin"), Map.of("outcome", "approved", "reviewer", "u")), 400, "invalid_value", "$.outcome");
        assertError(api.post(path, demo.key("admin"), Map.of("outcome", "REJECTED")), 400, "missing_field", "$.reviewer");
        assertError(api.post(path, demo.key("admin"), Map.of("outcome", "REJECTED", "reviewer", "u", "score", 3)), 400, "unknown_field", "$.score");
        assertError(api.post(path, demo.key("auditor"), Map.of("outcome", "REJECTED", "reviewer", "u")), 403, "forbidden", null);
        assertError(api.post(path, acme.key("admin"), Map.of("outcome", "REJECTED", "reviewer", "u")), 404, "not_found", null);
        assertError(api.post("/v1/sessions/no-such-session/reviews", demo.key("admin"), Map.of("outcome", "REJECTED", "reviewer", "u")), 404, "not_found", null);
        assertEquals(0, api.expect(200, api.get("/v1/sessions/" + id, demo.key("admin"))).get("reviews").size());
        assertEquals(List.of(id), queue(app));
        assertEquals(List.of(id), api.expect(200, api.get("/v1/review-queue?applicationId=" + app, demo.key("auditor")))
                .get("sessions").findValuesAsText("sessionId"), "auditors read the review queue (issue 12)");
        assertError(api.get("/v1/review-queue?applicationId=" + app, acme.key("admin")), 404, "not_found", null);
        assertError(api.get("/v1/review-queue?limit=0", demo.key("admin")), 400, "invalid_value", "limit");
    }

    // ------------------------------------------------------------ remediation and roadmap items

    @Test
    void remediationItemsAreCreatedUpdatedAndReadByAuditors() {
        JsonNode created = api.expect(201, api.post("/v1/remediations", demo.key("admin"), Map.of("gap", "8.2: no signed deployment record for support-bot",
                "owner", "customer-care", "dueDate", "2026-12-15", "applicationId", "support-bot", "controlId", "8.2")));
        assertEquals("OPEN", created.get("status").asText());
        String id = created.get("id").asText();
        JsonNode updated = api.expect(200, api.patch("/v1/remediations/" + id, demo.key("admin"), Map.of("status", "DONE", "note", "record posted")));
        assertEquals("DONE", updated.get("status").asText());
        assertEquals(2, updated.get("version").asInt());

        JsonNode tenantWide = api.expect(201, api.post("/v1/remediations", demo.key("admin"),
                Map.of("gap", "A.3.2: no documented role matrix", "owner", "ciso", "dueDate", "2027-01-31")));
        List<String> auditorSees = api.expect(200, api.get("/v1/remediations", demo.key("auditor"))).get("items").findValuesAsText("id");
        assertTrue(auditorSees.containsAll(List.of(id, tenantWide.get("id").asText())));
        List<String> limitedSees = api.expect(200, api.get("/v1/remediations", limitedAuditor)).get("items").findValuesAsText("id");
        assertTrue(limitedSees.contains(id));
        assertFalse(limitedSees.contains(tenantWide.get("id").asText()), "tenant-wide items are outside a limited auditor's applications");
        assertFalse(api.expect(200, api.get("/v1/remediations", acme.key("admin"))).get("items").findValuesAsText("id").contains(id));

        JsonNode planned = api.expect(201, api.post("/v1/roadmap", demo.key("admin"), Map.of("title", "Grounding checks on all support answers",
                "targetDate", "2027-03-31", "applicationId", "support-bot")));
        assertEquals("PLANNED", planned.get("status").asText());
        api.expect(200, api.patch("/v1/roadmap/" + planned.get("id").asText(), demo.key("admin"), Map.of("status", "IN_PROGRESS")));
        JsonNode roadmap = api.expect(200, api.get("/v1/roadmap", limitedAuditor));
        assertTrue(list(roadmap.get("items")).stream().anyMatch(i -> i.get("id").equals(planned.get("id")) && i.get("status").asText().equals("IN_PROGRESS")));
    }

    @Test
    void anIdempotencyKeyMakesARetriedCreateStoreOneItem() {
        String key = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("gap", "A.8.1: " + key, "owner", "dpo", "dueDate", "2026-12-31");
        java.net.http.HttpRequest.Builder request = api.request("/v1/remediations", demo.key("admin")).header("Content-Type", "application/json")
                .header("Idempotency-Key", key);
        ApiClient.Response first = api.send(request.copy().POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build());
        ApiClient.Response retry = api.send(request.copy().POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build());
        assertEquals(201, first.status(), first.body());
        assertEquals(200, retry.status(), retry.body());
        assertEquals(first.json().get("id"), retry.json().get("id"));
        assertEquals(1, list(api.expect(200, api.get("/v1/remediations", demo.key("admin"))).get("items")).stream()
                .filter(i -> i.get("gap").asText().equals(body.get("gap"))).count());
        ApiClient.Response reused = api.send(request.copy().POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                Json.write(with(body, "gap", "another gap")))).build());
        assertError(reused, 409, "idempotency_key_reused", null);
    }

    @Test
    void invalidPlanItemsNameTheFieldAndStoreNothing() {
        String gap = newId("gap");
        Map<String, Object> valid = Map.of("gap", gap, "owner", "o", "dueDate", "2026-12-01");
        assertError(api.post("/v1/remediations", demo.key("admin"), with(valid, "dueDate", "01/12/2026")), 400, "invalid_value", "$.dueDate");
        assertError(api.post("/v1/remediations", demo.key("admin"), with(valid, "status", "CLOSED")), 400, "invalid_value", "$.status");
        assertError(api.post("/v1/remediations", demo.key("admin"), with(valid, "owner", null)), 400, "missing_field", "$.owner");
        assertError(api.post("/v1/remediations", demo.key("admin"), with(valid, "applicationId", "nope")), 422, "unknown_application", "$.applicationId");
        assertError(api.post("/v1/remediations", demo.key("auditor"), valid), 403, "forbidden", null);
        assertError(api.post("/v1/roadmap", demo.key("admin"), Map.of("title", gap)), 400, "missing_field", "$.targetDate");
        assertFalse(api.expect(200, api.get("/v1/remediations", demo.key("admin"))).toString().contains(gap));
        assertFalse(api.expect(200, api.get("/v1/roadmap", demo.key("admin"))).toString().contains(gap));

        String id = api.expect(201, api.post("/v1/remediations", demo.key("admin"), valid)).get("id").asText();
        assertError(api.patch("/v1/remediations/" + id, demo.key("admin"), Map.of("status", "done")), 400, "invalid_value", "$.status");
        assertError(api.patch("/v1/remediations/" + id, demo.key("admin"), Map.of()), 400, "missing_field", "$");
        assertError(api.patch("/v1/remediations/" + id, acme.key("admin"), Map.of("status", "DONE")), 404, "not_found", null);
        assertError(api.patch("/v1/remediations/" + id, demo.key("auditor"), Map.of("status", "DONE")), 403, "forbidden", null);
        JsonNode item = list(api.expect(200, api.get("/v1/remediations", demo.key("admin"))).get("items")).stream()
                .filter(i -> i.get("id").asText().equals(id)).findFirst().orElseThrow();
        assertEquals("OPEN", item.get("status").asText());
        assertEquals(1, item.get("version").asInt());
    }

    // ------------------------------------------------------------ settings

    @Test
    void settingsAreAdminOnlyValidatedAndAudited() {
        Tenant t = Tenant.fresh();
        assertTrue(api.expect(200, api.get("/v1/settings", t.admin)).get("quarterlyExport").asBoolean(), "on by default");
        assertError(api.put("/v1/settings", t.admin, Map.of("quarterlyExport", "no")), 400, "invalid_type", "$.quarterlyExport");
        assertError(api.put("/v1/settings", t.admin, Map.of()), 400, "missing_field", "$.quarterlyExport");
        assertError(api.put("/v1/settings", t.admin, Map.of("quarterlyExport", false, "x", 1)), 400, "unknown_field", "$.x");
        assertTrue(api.expect(200, api.get("/v1/settings", t.admin)).get("quarterlyExport").asBoolean(), "nothing stored");
        assertError(api.put("/v1/settings", demo.key("auditor"), Map.of("quarterlyExport", false)), 403, "forbidden", null);

        assertFalse(api.expect(200, api.put("/v1/settings", t.admin, Map.of("quarterlyExport", false))).get("quarterlyExport").asBoolean());
        assertFalse(api.expect(200, api.get("/v1/settings", t.admin)).get("quarterlyExport").asBoolean());
        assertTrue(api.expect(200, api.get("/v1/settings", acme.key("admin"))).get("quarterlyExport").asBoolean(), "other tenants unchanged");
        List<String> actions = t.auditLog().stream().map(AuditEntry::action).toList();
        assertEquals("settings.update", actions.get(actions.size() - 1));
    }

    // ------------------------------------------------------------ the audit log

    /** A tenant of its own, bootstrapped like Seed does, so that its audit chain can be tampered with. */
    private record Tenant(String id, String admin) {
        static Tenant fresh() {
            String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
            String table = Config.governanceTable();
            AccessService access = new AccessService(new DynamoKeyStore(AwsClients.enhancedDynamoDb(), table),
                    new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), table), Clock.systemUTC());
            return new Tenant(id, access.bootstrapTenant(id, id).key());
        }

        List<AuditEntry> auditLog() {
            return list(api.expect(200, api.get("/v1/audit-log?limit=1000", admin)).get("entries")).stream().map(AuditEntry::fromJson).toList();
        }

        /** Some administrative actions of every kind the log records. */
        Tenant act() {
            api.expect(201, api.post("/v1/applications", admin, Map.of("applicationId", "app", "name", "App", "declaredRiskLevel", "LOW",
                    "scoreTarget", 70, "owner", "o")));
            api.expect(200, api.patch("/v1/applications/app", admin, Map.of("owner", "p")));
            String keyId = api.expect(201, api.post("/v1/keys", admin, Map.of("role", "ingest"))).get("id").asText();
            api.expect(200, api.delete("/v1/keys/" + keyId, admin));
            api.expect(201, api.put("/v1/applications/app/guardrails", admin, Map.of("guardrails", List.of(Map.of("name", "g")))));
            api.expect(201, api.post("/v1/remediations", admin, Map.of("gap", "g", "owner", "o", "dueDate", "2026-12-01")));
            api.expect(200, api.put("/v1/settings", admin, Map.of("quarterlyExport", true)));
            return this;
        }

        JsonNode verify() {
            return api.expect(200, api.get("/v1/audit-log/verify", admin));
        }

        void rewrite(long seq, java.util.function.UnaryOperator<String> change) {
            var client = stack.dynamoDb().client();
            String table = Config.governanceTable();
            Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("TENANT#" + id), "sk", AttributeValue.fromS(String.format("AUDIT#%012d", seq)));
            String entry = client.getItem(r -> r.tableName(table).key(key)).item().get("entry").s();
            client.updateItem(r -> r.tableName(table).key(key).updateExpression("SET #e = :e").expressionAttributeNames(Map.of("#e", "entry"))
                    .expressionAttributeValues(Map.of(":e", AttributeValue.fromS(change.apply(entry)))));
        }
    }

    @Test
    void everyAdministrativeActionIsChainedInTheAuditLog() {
        Tenant t = Tenant.fresh().act();
        List<AuditEntry> entries = t.auditLog();
        assertEquals(List.of("application.create", "application.update", "key.create", "key.revoke", "guardrails.update",
                "remediation.create", "settings.update"), entries.stream().map(AuditEntry::action).toList());
        for (int i = 0; i < entries.size(); i++) assertEquals(i + 1, entries.get(i).seq());
        assertEquals("0".repeat(64), entries.get(0).prevHash());
        assertTrue(AuditChain.verify(entries).intact(), "an auditor can check the chain offline");
        JsonNode verification = t.verify();
        assertTrue(verification.get("intact").asBoolean(), verification.toString());
        assertEquals(7, verification.get("entriesChecked").asInt());
        assertFalse(entries.toString().contains("vp_"), "keys never reach the log");

        JsonNode page = api.expect(200, api.get("/v1/audit-log?after=2&limit=2", t.admin));
        assertEquals(List.of(3, 4), List.of(page.get("entries").get(0).get("seq").asInt(), page.get("entries").get(1).get("seq").asInt()));
        assertEquals(4, page.get("next").asInt());
    }

    @Test
    void theChainCheckNamesARemovedReorderedOrEditedEntry() {
        List<AuditEntry> entries = Tenant.fresh().act().auditLog();
        List<AuditEntry> removed = new ArrayList<>(entries);
        removed.remove(3);
        assertEquals(AuditChain.Problem.REMOVED, AuditChain.verify(removed).firstBreak().orElseThrow().problem());
        List<AuditEntry> reordered = new ArrayList<>(entries);
        Collections.swap(reordered, 2, 4);
        assertEquals(AuditChain.Problem.REORDERED, AuditChain.verify(reordered).firstBreak().orElseThrow().problem());
        List<AuditEntry> edited = new ArrayList<>(entries);
        AuditEntry e = edited.get(5);
        edited.set(5, new AuditEntry(e.seq(), e.at(), "key_forged", e.action(), e.target(), e.details(), e.prevHash(), e.hash()));
        AuditChain.Break at = AuditChain.verify(edited).firstBreak().orElseThrow();
        assertEquals(AuditChain.Problem.EDITED, at.problem());
        assertEquals(6, at.seq());
    }

    @Test
    void theServersCheckFindsEntriesTamperedWithInStorage() {
        Tenant edited = Tenant.fresh().act();
        edited.rewrite(3, entry -> entry.replace("\"key.create\"", "\"key.lookup\""));
        JsonNode check = edited.verify();
        assertFalse(check.get("intact").asBoolean());
        assertEquals("EDITED", check.get("firstBreak").get("problem").asText());
        assertEquals(3, check.get("firstBreak").get("seq").asInt());
        assertEquals(2, check.get("lastSeq").asInt(), "entries up to the break are vouched for");

        Tenant removed = Tenant.fresh().act();
        stack.dynamoDb().client().deleteItem(r -> r.tableName(Config.governanceTable()).key(Map.of(
                "pk", AttributeValue.fromS("TENANT#" + removed.id()), "sk", AttributeValue.fromS(String.format("AUDIT#%012d", 4)))));
        assertEquals("REMOVED", removed.verify().get("firstBreak").get("problem").asText());

        Tenant reordered = Tenant.fresh().act();
        List<AuditEntry> entries = reordered.auditLog();
        String second = Json.writeString(entries.get(1).toJson()), fifth = Json.writeString(entries.get(4).toJson());
        reordered.rewrite(2, entry -> fifth);
        reordered.rewrite(5, entry -> second);
        JsonNode swapped = reordered.verify();
        assertEquals("REORDERED", swapped.get("firstBreak").get("problem").asText());
        assertEquals(2, swapped.get("firstBreak").get("position").asInt());

        Tenant truncated = Tenant.fresh().act();
        stack.dynamoDb().client().deleteItem(r -> r.tableName(Config.governanceTable()).key(Map.of(
                "pk", AttributeValue.fromS("TENANT#" + truncated.id()), "sk", AttributeValue.fromS(String.format("AUDIT#%012d", 7)))));
        assertEquals("TRUNCATED", truncated.verify().get("firstBreak").get("problem").asText());
    }

    @Test
    void theAuditLogIsForAdminsAndUnlimitedAuditorsOfTheTenant() {
        assertEquals(200, api.get("/v1/audit-log", demo.key("auditor")).status());
        assertError(api.get("/v1/audit-log", demo.key("ingest")), 403, "forbidden", null);
        assertError(api.get("/v1/audit-log", limitedAuditor), 404, "not_found", null);
        assertError(api.get("/v1/audit-log?after=x", demo.key("admin")), 400, "invalid_value", "after");
        List<String> freshHashes = Tenant.fresh().act().auditLog().stream().map(AuditEntry::hash).toList();
        JsonNode acmeLog = api.expect(200, api.get("/v1/audit-log?limit=1000", acme.key("admin")));
        assertTrue(acmeLog.get("entries").findValuesAsText("hash").stream().noneMatch(freshHashes::contains), "one chain per tenant");
        assertTrue(api.expect(200, api.get("/v1/audit-log/verify", acme.key("auditor"))).get("intact").asBoolean());
        JsonNode demoLog = api.expect(200, api.get("/v1/audit-log?limit=1000", demo.key("admin")));
        assertTrue(demoLog.get("entries").findValuesAsText("action").contains("key.create"), "seeding the demo tenant is in its log");
    }
}
