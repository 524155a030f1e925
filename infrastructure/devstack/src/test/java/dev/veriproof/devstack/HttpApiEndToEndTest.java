package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The HTTP API as an SDK or an administrator calls it: real HTTP, the real authorizer, DynamoDB Local. */
class HttpApiEndToEndTest extends EndToEndTest {

    private static ObjectNode session(String id, String app) {
        return (ObjectNode) Json.parse("""
                {"sessionId":"%s","applicationId":"%s","startedAt":"2026-11-20T10:15:00Z","intent":"i","model":"m",
                 "guardrails":[{"name":"g","action":"FLAGGED"}]}""".formatted(id, app));
    }

    private static String newId() {
        return "e2e-" + UUID.randomUUID();
    }

    private static boolean exists(String sessionId) {
        return api.get("/v1/sessions/" + sessionId, demo.key("admin")).status() == 200;
    }

    @Test
    void healthNeedsNoKey() {
        ApiClient.Response health = api.get("/health", null);
        assertEquals(200, health.status());
        assertEquals("ok", health.json().get("status").asText());
    }

    @Test
    void keptAliveConnectionsAnswerWithoutWaitingForADelayedAck() {
        ApiClient keepAlive = new ApiClient(stack.apiUrl());
        keepAlive.get("/health", null);
        long[] millis = new long[21];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            assertEquals(200, keepAlive.get("/health", null).status());
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        java.util.Arrays.sort(millis);
        // with Nagle's algorithm on, every response on a kept-alive connection took ~44 ms
        assertTrue(millis[millis.length / 2] < 30, "median " + millis[millis.length / 2] + " ms: " + java.util.Arrays.toString(millis));
    }

    @Test
    void anUnknownRouteIs404() {
        assertEquals(404, api.get("/v1/nothing-here", demo.key("admin")).status());
    }

    @Test
    void missingUnknownAndMalformedKeysAre401AndStoreNothing() {
        String id = newId();
        assertError(api.post("/v1/sessions", null, session(id, "loan-review")), 401, "unauthorized");
        assertError(api.post("/v1/sessions", "vp_ingest_" + "x".repeat(40), session(id, "loan-review")), 401, "unauthorized");
        assertError(api.post("/v1/sessions", "not-a-key", session(id, "loan-review")), 401, "unauthorized");
        assertFalse(exists(id));
    }

    @Test
    void rolesAreEnforcedWith403() {
        String id = newId();
        assertError(api.post("/v1/sessions", demo.key("auditor"), session(id, "loan-review")), 403, "forbidden");
        assertFalse(exists(id));
        assertError(api.get("/v1/sessions/" + id, demo.key("ingest")), 403, "forbidden");
        assertError(api.post("/v1/applications", demo.key("ingest"), Map.of("applicationId", "x")), 403, "forbidden");
        assertError(api.post("/v1/keys", demo.key("auditor"), Map.of("role", "admin")), 403, "forbidden");
        assertEquals(201, api.post("/v1/sessions", demo.key("admin"), session(newId(), "loan-review")).status(), "admins may ingest");
    }

    @Test
    void aSessionRoundTripsAndItsLeafHashCanBeRecomputedFromTheRecord() {
        String id = newId();
        ObjectNode body = session(id, "support-bot");
        JsonNode receipt = api.expect(201, api.post("/v1/sessions", demo.key("ingest"), body));
        assertEquals(Hashes.hex(Hashes.leafHash(Canonical.jcs(body))), receipt.get("leafHash").asText());
        assertEquals(84, receipt.get("governanceScore").asInt()); // G 80, T 67, H 100, C 100: (2400+1675+2000+1500)/90 = 84.17
        assertEquals("GOOD", receipt.get("band").asText());

        JsonNode view = api.expect(200, api.get("/v1/sessions/" + id, demo.key("auditor")));
        assertEquals(body, view.get("record"));
        assertEquals(receipt.get("leafHash"), view.get("receipt").get("leafHash"));
        assertEquals(84, view.get("governanceScore").asInt());
        assertTrue(view.get("reviews").isArray());

        JsonNode again = api.expect(200, api.post("/v1/sessions", demo.key("ingest"), body));
        assertTrue(again.get("duplicate").asBoolean());
        assertEquals(receipt.get("receivedAt"), again.get("receivedAt"));
    }

    @Test
    void wrongContentTypeIs415AndStoresNothing() {
        String id = newId();
        HttpRequest request = api.request("/v1/sessions", demo.key("ingest")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(session(id, "loan-review")))).build();
        assertError(api.send(request), 415, "unsupported_media_type");
        assertFalse(exists(id));
    }

    @Test
    void aBodyOverOneMebibyteIs413AndStoresNothing() {
        String id = newId();
        ObjectNode body = session(id, "loan-review");
        body.put("reasoning", "x".repeat(1024 * 1024));
        assertError(api.post("/v1/sessions", demo.key("ingest"), body), 413, "payload_too_large");
        assertFalse(exists(id));
    }

    @Test
    void malformedJsonIs400() {
        assertError(api.post("/v1/sessions", demo.key("ingest"), "{\"sessionId\": "), 400, "malformed_json");
        assertError(api.post("/v1/sessions", demo.key("ingest"), "{\"a\":1,\"a\":2}"), 400, "malformed_json");
    }

    @Test
    void aSessionOverTheSizeLimitIsRejectedWithoutStoring() {
        String id = newId();
        ObjectNode body = session(id, "loan-review");
        body.put("reasoning", "x".repeat(300 * 1024));
        ApiClient.Response response = api.post("/v1/sessions", demo.key("ingest"), body);
        assertError(response, 400, "too_large");
        assertFalse(exists(id));
    }

    @Test
    void parallelPostsOfTheSameNewSessionStoreItOnce() throws Exception {
        String id = newId();
        byte[] body = Json.write(session(id, "loan-review"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> posts = new ArrayList<>();
            for (int i = 0; i < 8; i++) posts.add(() -> api.post("/v1/sessions", demo.key("ingest"), body).status());
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(posts)) statuses.add(f.get());
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(7, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tenantsCannotSeeOrUseEachOthersData() {
        String id = newId();
        api.expect(201, api.post("/v1/sessions", demo.key("ingest"), session(id, "loan-review")));
        assertError(api.get("/v1/sessions/" + id, acme.key("admin")), 404, "not_found");
        assertError(api.get("/v1/sessions/" + id, acme.key("auditor")), 404, "not_found");
        assertError(api.get("/v1/applications/loan-review", acme.key("admin")), 404, "not_found");
        assertError(api.patch("/v1/applications/loan-review", acme.key("admin"), Map.of("owner", "mallory")), 404, "not_found");
        assertError(api.post("/v1/sessions", acme.key("ingest"), session(newId(), "loan-review")), 422, "unknown_application");
        assertEquals("credit-risk-team", api.expect(200, api.get("/v1/applications/loan-review", demo.key("admin"))).get("owner").asText());
        JsonNode acmeApps = api.expect(200, api.get("/v1/applications", acme.key("admin"))).get("applications");
        assertEquals(List.of("claims-triage"), acmeApps.findValuesAsText("applicationId"));
    }

    @Test
    void aRevokedKeyIsRefusedOnTheNextRequest() {
        JsonNode created = api.expect(201, api.post("/v1/keys", demo.key("admin"), Map.of("role", "ingest", "name", "temp")));
        String key = created.get("key").asText();
        assertTrue(key.startsWith("vp_ingest_"));
        api.expect(201, api.post("/v1/sessions", key, session(newId(), "loan-review")));

        JsonNode revoked = api.expect(200, api.delete("/v1/keys/" + created.get("id").asText(), demo.key("admin")));
        assertEquals("revoked", revoked.get("status").asText());
        String id = newId();
        assertError(api.post("/v1/sessions", key, session(id, "loan-review")), 401, "unauthorized");
        assertFalse(exists(id));
        JsonNode listed = api.expect(200, api.get("/v1/keys", demo.key("admin")));
        assertFalse(listed.toString().contains(key), "keys are shown once, at creation");
        assertError(api.delete("/v1/keys/" + created.get("id").asText(), acme.key("admin")), 404, "not_found");
    }

    @Test
    void keyCreationIsValidated() {
        assertError(api.post("/v1/keys", demo.key("admin"), Map.of("role", "root")), 400, "invalid_value");
        assertError(api.post("/v1/keys", demo.key("admin"), Map.of("role", "admin", "scope", "all")), 400, "unknown_field");
        assertError(api.post("/v1/keys", demo.key("admin"), Map.of("role", "auditor", "applications", List.of("nope"))), 422, "unknown_application");
    }

    @Test
    void applicationsAreValidatedNamingTheFieldAndNothingIsStored() {
        Map<String, Object> valid = Map.of("applicationId", "val-app", "name", "Valid", "declaredRiskLevel", "LOW",
                "scoreTarget", 70, "owner", "team");
        record Case(String field, Object value, String code) {}
        for (Case c : List.of(new Case("declaredRiskLevel", "MINIMAL", "invalid_value"), new Case("declaredRiskLevel", "low", "invalid_value"),
                new Case("scoreTarget", 101, "invalid_value"), new Case("scoreTarget", "80", "invalid_value"),
                new Case("applicationId", "has space", "invalid_value"), new Case("owner", 7, "invalid_type"),
                new Case("colour", "blue", "unknown_field"))) {
            Map<String, Object> body = new java.util.HashMap<>(valid);
            body.put(c.field(), c.value());
            ApiClient.Response response = api.post("/v1/applications", demo.key("admin"), body);
            assertError(response, 400, c.code());
            assertEquals("$." + c.field(), response.json().get("error").get("field").asText());
        }
        Map<String, Object> missingName = new java.util.HashMap<>(valid);
        missingName.remove("name");
        ApiClient.Response missing = api.post("/v1/applications", demo.key("admin"), missingName);
        assertError(missing, 400, "missing_field");
        assertEquals("$.name", missing.json().get("error").get("field").asText());
        ApiClient.Response badRedaction = api.post("/v1/applications", demo.key("admin"),
                Map.of("applicationId", "val-app", "name", "V", "declaredRiskLevel", "LOW", "scoreTarget", 70, "owner", "t",
                        "redaction", Map.of("redactFields", List.of("decision.outcome"))));
        assertError(badRedaction, 400, "invalid_value");
        assertEquals("$.redaction.redactFields[0]", badRedaction.json().get("error").get("field").asText());
        assertEquals(404, api.get("/v1/applications/val-app", demo.key("admin")).status());
    }

    @Test
    void applicationsAreCreatedPatchedAndKeepTheirHistory() {
        String id = "app-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode created = api.expect(201, api.post("/v1/applications", demo.key("admin"), Map.of("applicationId", id, "name", "New",
                "declaredRiskLevel", "MEDIUM", "scoreTarget", 75, "owner", "team-a")));
        assertEquals("MEDIUM", created.get("risk").get("effective").asText());
        assertError(api.post("/v1/applications", demo.key("admin"), Map.of("applicationId", id, "name", "Dup",
                "declaredRiskLevel", "LOW", "scoreTarget", 1, "owner", "x")), 409, "application_exists");

        JsonNode patched = api.expect(200, api.patch("/v1/applications/" + id, demo.key("admin"), Map.of("scoreTarget", 85, "owner", "team-b")));
        assertEquals(85, patched.get("scoreTarget").asInt());
        assertEquals("New", patched.get("name").asText());
        assertEquals(2, patched.get("version").asInt());
        assertError(api.patch("/v1/applications/" + id, demo.key("admin"), Map.of("applicationId", "renamed")), 400, "unknown_field");
        assertError(api.patch("/v1/applications/" + id, demo.key("auditor"), Map.of("owner", "x")), 403, "forbidden");

        JsonNode history = api.expect(200, api.get("/v1/applications/" + id + "/history", demo.key("auditor")));
        assertEquals(List.of("team-a", "team-b"), history.get("versions").findValuesAsText("owner"));
    }

    @Test
    void anAuditorLimitedToOneApplicationSeesNothingElse() {
        String key = api.expect(201, api.post("/v1/keys", demo.key("admin"),
                Map.of("role", "auditor", "applications", List.of("support-bot")))).get("key").asText();
        String loan = newId(), support = newId();
        api.expect(201, api.post("/v1/sessions", demo.key("ingest"), session(loan, "loan-review")));
        api.expect(201, api.post("/v1/sessions", demo.key("ingest"), session(support, "support-bot")));

        assertEquals(200, api.get("/v1/sessions/" + support, key).status());
        assertError(api.get("/v1/sessions/" + loan, key), 404, "not_found");
        assertError(api.get("/v1/applications/loan-review", key), 404, "not_found");
        assertEquals(List.of("support-bot"), api.expect(200, api.get("/v1/applications", key)).get("applications").findValuesAsText("applicationId"));
    }

    @Test
    void theStateFileOfSpec12DescribesTheRunningStack() throws Exception {
        JsonNode state = Json.parse(Files.readAllBytes(RunningDevstack.stateDir().resolve("devstack.json")));
        assertEquals(stack.apiUrl(), state.get("apiUrl").asText());
        assertEquals(200, new ApiClient(state.get("apiUrl").asText()).get("/health", null).status());
        assertEquals(List.of("demo", "acme"), state.get("tenants").findValuesAsText("tenantId"));
        JsonNode demoState = state.get("tenants").get(0);
        assertEquals(List.of("loan-review", "support-bot"), List.of(demoState.get("applications").get(0).asText(), demoState.get("applications").get(1).asText()));
        for (String role : List.of("ingest", "admin", "auditor")) {
            String key = demoState.get("keys").get(role).asText();
            assertTrue(key.startsWith("vp_" + role + "_"), key);
        }
        // the keys in the file work
        assertEquals(200, api.get("/v1/applications", demoState.get("keys").get("admin").asText()).status());
    }
}
