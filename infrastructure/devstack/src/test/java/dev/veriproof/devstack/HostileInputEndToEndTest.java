package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Issue 10: every write endpoint, attacked as a client with valid keys would. Each case checks the
 * status, the error code and field, that the body is the API's error body without internals, and
 * — read back from DynamoDB Local — that nothing was stored or changed.
 */
class HostileInputEndToEndTest {
    static final Pattern INTERNALS = Pattern.compile(
            "(?i)jackson|JsonReadFeature|StreamReadConstraints|Feature '|ALLOW_|enable `|com\\.fasterxml|Exception|\\bat [a-z]+\\.[a-z]+\\.|<h1>|<html");

    private static Devstack stack;
    private static ApiClient api;
    private static Seed.SeededTenant demo;
    private static String sessionId;
    static int cases;
    static int serverErrors;

    record Route(String method, String path, String role, String validBody) {}

    /** Every route that takes a body, with a body it accepts (the hostile cases are variations of it). */
    static List<Route> writeRoutes(String sessionId) {
        return List.of(
                new Route("POST", "/v1/sessions", "ingest", sessionJson("hostile-" + UUID.randomUUID(), "\"i\"")),
                new Route("POST", "/v1/deployments", "ingest",
                        "{\"applicationId\":\"loan-review\",\"version\":\"1\",\"intendedUse\":\"u\",\"environment\":\"prod\",\"adapter\":{\"a\":1},\"deployedAt\":\"2026-11-20T10:15:00Z\"}"),
                new Route("POST", "/v1/sdk-health", "ingest",
                        "{\"applicationId\":\"loan-review\",\"sdk\":{\"name\":\"n\",\"version\":\"1\"},\"exportSuccessRate\":1,\"circuitBreaker\":\"CLOSED\",\"reportedAt\":\"2026-11-20T10:15:00Z\"}"),
                new Route("POST", "/v1/applications", "admin",
                        "{\"applicationId\":\"hostile-app\",\"name\":\"n\",\"declaredRiskLevel\":\"LOW\",\"scoreTarget\":80,\"owner\":\"o\"}"),
                new Route("PATCH", "/v1/applications/loan-review", "admin", "{\"owner\":\"o\"}"),
                new Route("PUT", "/v1/applications/loan-review/guardrails", "admin", "{\"guardrails\":[{\"name\":\"g\",\"enabled\":true,\"settings\":{\"a\":1}}]}"),
                new Route("POST", "/v1/keys", "admin", "{\"role\":\"auditor\",\"name\":\"k\",\"applications\":[\"loan-review\"]}"),
                new Route("POST", "/v1/alert-rules", "admin",
                        "{\"name\":\"r\",\"applicationId\":\"loan-review\",\"kind\":\"ROLLING_SCORE_BELOW\",\"window\":\"7d\",\"threshold\":50,\"severity\":\"LOW\"}"),
                new Route("POST", "/v1/sessions/" + sessionId + "/reviews", "admin", "{\"outcome\":\"APPROVED\",\"note\":\"n\",\"reviewer\":\"r\"}"),
                new Route("POST", "/v1/remediations", "admin", "{\"gap\":\"g\",\"owner\":\"o\",\"dueDate\":\"2026-12-01\"}"),
                new Route("POST", "/v1/roadmap", "admin", "{\"title\":\"t\",\"targetDate\":\"2026-12-01\"}"),
                new Route("PUT", "/v1/settings", "admin", "{\"quarterlyExport\":true}"),
                new Route("POST", "/v1/exports", "admin", "{\"framework\":\"ISO_42001\",\"from\":\"2026-07-01\",\"to\":\"2026-09-30\"}"),
                new Route("POST", "/v1/alerts/alert-none/resolve", "admin", "{\"note\":\"n\"}"));
    }

    static String sessionJson(String id, String intent) {
        return "{\"sessionId\":\"" + id + "\",\"applicationId\":\"loan-review\",\"startedAt\":\"2026-11-20T10:15:00Z\",\"intent\":" + intent + "}";
    }

    @BeforeAll
    static void start() {
        stack = RunningDevstack.get();
        api = new ApiClient(stack.apiUrl());
        demo = stack.tenant("demo");
        sessionId = "hostile-base-" + UUID.randomUUID();
        assertEquals(201, api.post("/v1/sessions", demo.key("ingest"), sessionJson(sessionId, "\"i\"")).status());
    }

    @AfterAll
    static void report() {
        System.out.println("HostileInputEndToEndTest: " + cases + " hostile requests, " + serverErrors + " answered 5xx");
        assertEquals(0, serverErrors);
    }

    // --- the generic attack: every write route, the same classes of hostile body

    @Test
    void everyWriteRouteRefusesHostileBodiesWithTheErrorBodyAndStoresNothing() {
        for (Route route : writeRoutes(sessionId)) {
            String before = fingerprint();
            for (Hostile h : hostileBodies(route.validBody())) {
                ApiClient.Response response = send(route.method(), route.path(), demo.key(route.role()), h.body(), h.headers());
                assertRefused(response, route.method() + " " + route.path() + " with " + h.what());
                if (h.expectedStatus() != 0) assertEquals(h.expectedStatus(), response.status(), route.path() + " " + h.what() + ": " + response.body());
                if (h.expectedCode() != null && response.status() != 404) {
                    assertEquals(h.expectedCode(), response.json().get("error").get("code").asText(), route.path() + " " + h.what() + ": " + response.body());
                }
            }
            assertEquals(before, fingerprint(), "nothing stored or changed by hostile requests to " + route.method() + " " + route.path());
        }
    }

    record Hostile(String what, byte[] body, Map<String, String> headers, int expectedStatus, String expectedCode) {}

    static List<Hostile> hostileBodies(String valid) {
        Map<String, String> json = Map.of("Content-Type", "application/json");
        List<Hostile> all = new ArrayList<>();
        byte[] invalidUtf8 = withByte(valid, (byte) 0xFF);
        all.add(new Hostile("an 0xFF byte", invalidUtf8, json, 400, "invalid_encoding"));
        all.add(new Hostile("an 0xFE byte", withByte(valid, (byte) 0xFE), json, 400, "invalid_encoding"));
        all.add(new Hostile("an overlong '/'", concat(valid.substring(0, 1).getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC0, (byte) 0xAF},
                valid.substring(1).getBytes(StandardCharsets.UTF_8)), json, 400, "invalid_encoding"));
        for (String charset : List.of("UTF-16", "UTF-16LE", "UTF-16BE", "UTF-32", "UTF-32LE")) {
            all.add(new Hostile(charset, valid.getBytes(Charset.forName(charset)), json, 400, "invalid_encoding"));
        }
        all.add(new Hostile("a UTF-8 byte order mark", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, valid.getBytes(StandardCharsets.UTF_8)), json, 400, "invalid_encoding"));
        all.add(new Hostile("charset=utf-16", valid.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json; charset=utf-16"), 415, "unsupported_media_type"));
        all.add(new Hostile("text/plain", valid.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "text/plain"), 415, "unsupported_media_type"));
        all.add(new Hostile("Content-Encoding: gzip", valid.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"), 415, "unsupported_media_type"));
        for (String text : List.of("", "   ", "{", "[", "nul", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-Infinity}", "{'a':1}", "{a:1}",
                "{\"a\":1,}", "[1,]", "{\"a\":01}", "{\"a\":+1}", "{\"a\":.5}", "{\"a\":\"\\q\"}", "/* c */{}", "{} // c", "{\"a\":1}{}",
                "{\"a\":\"\u0001\"}", "{\"a\":\"x\\ud800\"}", "{\"a\":1,\"a\":2}", "[".repeat(60_000), "{\"a\":" + "[".repeat(70) + "]".repeat(70) + "}",
                "{\"a\":" + "1".repeat(200) + "}")) {
            all.add(new Hostile("malformed: " + shorten(text), text.getBytes(StandardCharsets.UTF_8), json, 400, "malformed_json"));
        }
        for (String text : List.of("[]", "\"text\"", "42", "true", "null", "[" + valid + "]")) {
            all.add(new Hostile("a body that is not an object: " + shorten(text), text.getBytes(StandardCharsets.UTF_8), json, 0, null));
        }
        all.add(new Hostile("an unknown field", (valid.substring(0, valid.length() - 1) + ",\"zz\":1}").getBytes(StandardCharsets.UTF_8), json, 0, null));
        for (String number : List.of("1e400", "-1e400", "1e-400", "9007199254740993", "123456789012345678901234567890", "0.10000000000000000001")) {
            all.add(new Hostile("the number " + number, (valid.substring(0, valid.length() - 1) + ",\"zz\":{\"x\":" + number + "}}").getBytes(StandardCharsets.UTF_8),
                    json, 400, "invalid_value"));
        }
        all.add(new Hostile("a body over the limit", ("{\"x\":\"" + "a".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8), json, 413, "payload_too_large"));
        JsonNode parsed = Json.parse(valid);
        for (var field : parsed.properties()) {
            all.add(new Hostile("null for " + field.getKey(), replace(valid, field.getKey(), "null"), json, 0, null));
            if (field.getValue().isTextual()) {
                if (!field.getKey().equals("intent")) all.add(new Hostile("a 60,000-character " + field.getKey(), replace(valid, field.getKey(), Json.writeString("x".repeat(60_000))), json, 0, null));
                all.add(new Hostile("an 0xFF byte in " + field.getKey(), withByte(replaced(valid, field.getKey(), "\"a?b\""), (byte) 0xFF), json, 400, "invalid_encoding"));
            }
            all.add(new Hostile("1e400 for " + field.getKey(), replace(valid, field.getKey(), "1e400"), json, 400, "invalid_value"));
            all.add(new Hostile("deep nesting in " + field.getKey(), replace(valid, field.getKey(), "[".repeat(65) + "]".repeat(65)), json, 400, "malformed_json"));
        }
        return all;
    }

    // --- each defect class of the issue, with its expected status, code and field

    @Test
    void longPathIdsAndQueryValuesAreRefusedNot500() {
        String before = fingerprint();
        String longId = "a".repeat(2100);
        for (String path : List.of("/v1/sessions/" + longId, "/v1/sessions/" + longId + "/proof", "/v1/applications/" + longId,
                "/v1/applications/" + longId + "/metrics", "/v1/alert-rules/" + longId, "/v1/alerts/" + longId, "/v1/exports/" + longId,
                "/v1/exports/" + longId + "/download", "/v1/remediations/" + longId)) {
            assertError(send("GET", path, demo.key("admin"), null, Map.of()), 404, "not_found", null);
        }
        assertError(send("DELETE", "/v1/keys/" + longId, demo.key("admin"), null, Map.of()), 404, "not_found", null);
        assertError(send("POST", "/v1/sessions/" + longId + "/reviews", demo.key("admin"), "{\"outcome\":\"APPROVED\",\"reviewer\":\"r\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json")), 404, "not_found", null);
        assertError(send("GET", "/v1/review-queue?after=" + "a".repeat(2000), demo.key("admin"), null, Map.of()), 400, "too_large", "query.after");
        assertError(send("GET", "/v1/review-queue?after=" + "a".repeat(201), demo.key("admin"), null, Map.of()), 400, "invalid_value", "query.after");
        assertError(send("GET", "/v1/sessions/%FF", demo.key("admin"), null, Map.of()), 400, "invalid_path", null);
        assertError(send("GET", "/v1/sessions/..", demo.key("admin"), null, Map.of()), 404, "not_found", null);
        assertEquals(before, fingerprint());
    }

    @Test
    void longStringsAreRefusedNamingTheField() {
        String before = fingerprint();
        assertError(post("admin", "/v1/applications", "{\"applicationId\":\"x1\",\"name\":\"" + "n".repeat(201) + "\",\"declaredRiskLevel\":\"LOW\",\"scoreTarget\":80,\"owner\":\"o\"}"),
                400, "too_large", "$.name");
        assertError(patch("/v1/applications/loan-review", "{\"owner\":\"" + "o".repeat(300_000) + "\"}"), 413, "payload_too_large", null);
        assertError(post("admin", "/v1/keys", "{\"role\":\"admin\",\"name\":\"" + "k".repeat(300_000) + "\"}"), 413, "payload_too_large", null);
        assertError(post("admin", "/v1/keys", "{\"role\":\"admin\",\"name\":\"" + "k".repeat(201) + "\"}"), 400, "too_large", "$.name");
        assertError(post("admin", "/v1/alert-rules", rule("\"webhookUrl\":\"https://hooks.example.com/x\",\"webhookSecret\":\"" + "s".repeat(257) + "\"")),
                400, "too_large", "$.notify.webhookSecret");
        assertError(post("admin", "/v1/alert-rules", rule("\"webhookUrl\":\"https://hooks.example.com/" + "p".repeat(2100) + "\",\"webhookSecret\":\"" + "s".repeat(20) + "\"")),
                400, "too_large", "$.notify.webhookUrl");
        StringBuilder guardrails = new StringBuilder("{\"guardrails\":[");
        for (int i = 0; i < 30; i++) guardrails.append(i == 0 ? "" : ",").append("{\"name\":\"g").append(i).append("\",\"enabled\":true,\"settings\":{\"x\":\"")
                .append("v".repeat(15 * 1024)).append("\"}}");
        assertError(put("/v1/applications/loan-review/guardrails", guardrails.append("]}").toString()), 413, "payload_too_large", null);
        assertError(post("admin", "/v1/applications", ("{\"x\":\"" + "a".repeat(1_100_000) + "\"}")), 413, "payload_too_large", null);
        assertEquals(before, fingerprint());
        for (JsonNode key : api.get("/v1/keys", demo.key("admin")).json().get("keys")) {
            assertTrue(key.get("name").asText().length() <= 200, "no over-long key name is listed");
        }
    }

    @Test
    void unrepresentableNumbersAreRefusedNamingTheFieldNeverRounded() {
        String before = fingerprint();
        assertError(post("ingest", "/v1/deployments", "{\"applicationId\":\"loan-review\",\"version\":\"1\",\"intendedUse\":\"u\",\"environment\":\"prod\","
                + "\"adapter\":{\"x\":1e400},\"deployedAt\":\"2026-11-20T10:15:00Z\"}"), 400, "invalid_value", "$.adapter.x");
        assertError(put("/v1/applications/loan-review/guardrails", "{\"guardrails\":[{\"name\":\"g\",\"enabled\":true,\"settings\":{\"x\":1e400}}]}"),
                400, "invalid_value", "$.guardrails[0].settings.x");
        String id = "hostile-num-" + UUID.randomUUID();
        assertError(post("ingest", "/v1/sessions", sessionJson(id, "\"i\"").replace("}", ",\"attributes\":{\"n\":9007199254740993}}")),
                400, "invalid_value", "$.attributes.n");
        assertError(post("ingest", "/v1/sessions", sessionJson(id, "\"i\"").replace("}", ",\"attributes\":{\"n\":123456789012345678901234567890}}")),
                400, "invalid_value", "$.attributes.n");
        assertEquals(before, fingerprint());
        ApiClient.Response exact = post("ingest", "/v1/sessions", sessionJson(id, "\"i\"").replace("}", ",\"attributes\":{\"n\":9007199254740991,\"f\":0.1}}"));
        assertEquals(201, exact.status(), exact.body());
        JsonNode stored = api.get("/v1/sessions/" + id, demo.key("admin")).json().get("record").get("attributes");
        assertEquals("9007199254740991", stored.get("n").toString());
        assertEquals(0.1, stored.get("f").doubleValue());
    }

    @Test
    void theSameSessionTwiceInOneBatchGetsOneReceiptOrRefusesTheAllOrNothingBatch() {
        String id = "hostile-dup-" + UUID.randomUUID();
        String batch = "{\"sessions\":[" + sessionJson(id, "\"a\"") + "," + sessionJson(id, "\"a\"") + "]}";
        String before = fingerprint();
        String root = dev.veriproof.core.hash.Hashes.hex(dev.veriproof.core.merkle.MerkleTree.of(List.of(
                dev.veriproof.core.hash.Hashes.leafHash(dev.veriproof.core.canonical.Canonical.jcs(Json.parse(sessionJson(id, "\"a\"")))),
                dev.veriproof.core.hash.Hashes.leafHash(dev.veriproof.core.canonical.Canonical.jcs(Json.parse(sessionJson(id, "\"a\"")))))).root());
        ApiClient.Response allOrNothing = api.post("/v1/sessions", demo.key("ingest"), batch, Map.of("X-Batch-Root", root));
        assertError(allOrNothing, 400, "duplicate_in_batch", "$.sessions[1].sessionId");
        assertEquals(before, fingerprint(), "an all-or-nothing batch with a repeated id stores nothing");

        ApiClient.Response each = api.post("/v1/sessions", demo.key("ingest"), batch);
        assertEquals(207, each.status(), each.body());
        JsonNode results = each.json().get("results");
        assertEquals("stored", results.get(0).get("status").asText(), each.body());
        assertEquals("rejected", results.get(1).get("status").asText(), each.body());
        assertEquals("duplicate_in_batch", results.get(1).get("error").get("code").asText());
        assertEquals("$.sessions[1].sessionId", results.get(1).get("error").get("field").asText());
    }

    @Test
    void bodiesThatAreNotUtf8AreRefusedAndThreeDifferentBodiesNeverBecomeOneRecord() {
        String before = fingerprint();
        String id = "hostile-utf8-" + UUID.randomUUID();
        for (byte bad : new byte[] {(byte) 0xFF, (byte) 0xFE}) {
            byte[] body = withByte(sessionJson(id, "\"a?b\""), bad);
            assertError(send("POST", "/v1/sessions", demo.key("ingest"), body, Map.of("Content-Type", "application/json")), 400, "invalid_encoding", null);
        }
        assertError(send("POST", "/v1/sessions", demo.key("ingest"), sessionJson(id, "\"ab\"").getBytes(StandardCharsets.UTF_16),
                Map.of("Content-Type", "application/json")), 400, "invalid_encoding", null);
        assertEquals(before, fingerprint());
        ApiClient.Response real = post("ingest", "/v1/sessions", sessionJson(id, "\"a\uFFFDb\""));
        assertEquals(201, real.status(), "a real U+FFFD is text like any other: " + real.body());
    }

    @Test
    void reviewsWhoseFieldsJoinToTheSameTextAreTwoReviews() {
        ApiClient.Response first = post("admin", "/v1/sessions/" + sessionId + "/reviews", "{\"outcome\":\"APPROVED\",\"reviewer\":\"alice\\nbob\",\"note\":\"ok\"}");
        ApiClient.Response second = post("admin", "/v1/sessions/" + sessionId + "/reviews", "{\"outcome\":\"APPROVED\",\"reviewer\":\"alice\",\"note\":\"bob\\nok\"}");
        assertEquals(201, first.status(), first.body());
        assertEquals(201, second.status(), second.body());
        assertNotEquals(first.json().get("id").asText(), second.json().get("id").asText());
    }

    @Test
    void webhooksAimedAtInternalTargetsAreRefused() {
        String before = fingerprint();
        for (String url : List.of("https://169.254.169.254/latest/meta-data/", "https://10.0.0.1/", "https://192.168.1.1/", "https://[fd00::1]/",
                "https://[::ffff:169.254.169.254]/", "https://[::ffff:10.0.0.1]/", "https://172.16.0.1/", "https://[fe80::1]/", "https://224.0.0.1/",
                "https://0.0.0.0/", "http://hooks.example.com/")) {
            assertError(post("admin", "/v1/alert-rules", rule("\"webhookUrl\":\"" + url + "\",\"webhookSecret\":\"" + "s".repeat(20) + "\"")),
                    400, "invalid_value", "$.notify.webhookUrl");
        }
        assertEquals(before, fingerprint());
    }

    @Test
    void ambiguousGrantsAndInputsAreRefused() {
        String before = fingerprint();
        assertError(post("admin", "/v1/keys", "{\"role\":\"auditor\",\"applications\":[]}"), 400, "invalid_value", "$.applications");
        assertError(post("ingest", "/v1/sessions", sessionJson(".", "\"i\"")), 400, "invalid_value", "$.sessionId");
        assertError(post("ingest", "/v1/sessions", sessionJson("..", "\"i\"")), 400, "invalid_value", "$.sessionId");
        assertError(post("ingest", "/v1/deployments", "{\"applicationId\":\"loan-review\",\"version\":\"1\",\"intendedUse\":\"u\",\"environment\":\"prod\","
                + "\"adapter\":{},\"deployedAt\":\"2026-11-20T10:15Z\"}"), 400, "invalid_value", "$.deployedAt");
        assertError(post("ingest", "/v1/deployments", "{\"applicationId\":\"loan-review\",\"version\":\"1\",\"intendedUse\":\"u\",\"environment\":\"prod\","
                + "\"adapter\":{},\"deployedAt\":\"0001-01-01T00:00:00Z\"}"), 400, "invalid_value", "$.deployedAt");
        assertError(post("ingest", "/v1/sessions", sessionJson("hostile-year", "\"i\"").replace("2026-11-20T10:15:00Z", "0001-01-01T00:00:00Z")),
                400, "invalid_value", "$.startedAt");
        assertError(post("admin", "/v1/alert-rules", "{\"name\":\"r\",\"applicationId\":\"loan-review\",\"kind\":\"ROLLING_SCORE_BELOW\",\"window\":null,"
                + "\"threshold\":50,\"severity\":\"LOW\"}"), 400, "invalid_type", "$.window");
        assertEquals(before, fingerprint());
    }

    /**
     * Request targets that no java.net.URI accepts, sent over a raw socket because the JDK's HttpClient
     * refuses to send them: the local gateway answers them like every other route, with the API's JSON
     * error body and nothing stored, never with its HTTP server's own page.
     */
    @Test
    void malformedRequestTargetsAndRequestLinesGetTheApisErrorBody() throws Exception {
        String before = fingerprint();
        String key = demo.key("admin");
        for (String target : List.of("/v1/sessions/%zz", "/v1/sessions/%2", "/v1/sessions/a%", "/v1/sessions/%zz/proof", "/v1/sessions/a%00b")) {
            assertError(raw("GET " + target + " HTTP/1.1\r\nX-API-Key: " + key + "\r\n", null), 400, "invalid_path", null);
        }
        assertError(raw("POST /v1/sessions/%zz/reviews HTTP/1.1\r\nX-API-Key: " + key + "\r\nContent-Type: application/json\r\n",
                "{\"outcome\":\"APPROVED\",\"reviewer\":\"r\"}"), 400, "invalid_path", null);
        assertError(raw("GET /v1/review-queue?after=%zz HTTP/1.1\r\nX-API-Key: " + key + "\r\n", null), 400, "invalid_path", null);
        assertError(raw("GET /v1/sessions/a b HTTP/1.1\r\n", null), 400, "malformed_request", null);
        assertError(raw("NOT-HTTP\r\n", null), 400, "malformed_request", null);
        assertError(raw("GET /health HTTP/1.1\r\nX-Filler: " + "f".repeat(70 * 1024) + "\r\n", null), 431, "too_large", null);
        assertEquals(before, fingerprint());
    }

    /** One request over a fresh socket, the way a client that does not check its URIs would send it. */
    private static ApiClient.Response raw(String head, String body) throws java.io.IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String request = head + (head.contains("HTTP/1.1") ? "Host: 127.0.0.1\r\nConnection: close\r\n"
                + (content.length > 0 ? "Content-Length: " + content.length + "\r\n" : "") + "\r\n" : "\r\n");
        URI api = URI.create(stack.apiUrl());
        try (java.net.Socket socket = new java.net.Socket(api.getHost(), api.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(content);
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            cases++;
            int status = Integer.parseInt(response.substring(9, 12));
            if (status >= 500) serverErrors++;
            int headEnd = response.indexOf("\r\n\r\n");
            assertTrue(response.substring(0, headEnd).toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), response);
            return new ApiClient.Response(status, response.substring(headEnd + 4));
        }
    }

    // --- helpers

    private static String rule(String notify) {
        return "{\"name\":\"r\",\"applicationId\":\"loan-review\",\"kind\":\"ROLLING_SCORE_BELOW\",\"window\":\"7d\",\"threshold\":50,\"severity\":\"LOW\","
                + "\"notify\":{" + notify + "}}";
    }

    private static ApiClient.Response post(String role, String path, String body) {
        return send("POST", path, demo.key(role), body.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
    }

    private static ApiClient.Response put(String path, String body) {
        return send("PUT", path, demo.key("admin"), body.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
    }

    private static ApiClient.Response patch(String path, String body) {
        return send("PATCH", path, demo.key("admin"), body.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
    }

    static ApiClient.Response send(String method, String path, String key, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) request.header("X-API-Key", key);
        headers.forEach(request::header);
        ApiClient.Response response = api.send(request.build());
        cases++;
        if (response.status() >= 500) serverErrors++;
        return response;
    }

    static void assertRefused(ApiClient.Response response, String what) {
        assertTrue(response.status() >= 400 && response.status() < 500, what + " answered " + response.status() + ": " + shorten(response.body()));
        JsonNode error = response.json().get("error");
        assertTrue(error != null && error.get("code").isTextual() && !error.get("message").asText().isBlank(), what + ": " + response.body());
        assertFalse(INTERNALS.matcher(response.body()).find(), what + " leaks internals: " + response.body());
    }

    private static void assertError(ApiClient.Response response, int status, String code, String field) {
        assertRefused(response, code);
        assertEquals(status, response.status(), response.body());
        JsonNode error = response.json().get("error");
        assertEquals(code, error.get("code").asText(), response.body());
        if (field != null) assertEquals(field, error.path("field").asText(null), response.body());
    }

    /**
     * A digest of every item of every table, once pending sessions are anchored and the stream
     * handlers have caught up (the devstack's anchoring clock would otherwise change items while a
     * test runs). The anchoring run's own lease is left out: it changes with every run.
     */
    static String fingerprint() {
        assertEquals(200, api.post("/_devstack/fire/anchor", null, "").status());
        stack.drainStreams();
        DynamoDbClient dynamo = stack.dynamoDb().client();
        TreeSet<String> items = new TreeSet<>();
        for (String table : dynamo.listTablesPaginator().tableNames()) {
            dynamo.scanPaginator(ScanRequest.builder().tableName(table).build()).items().stream()
                    .filter(item -> !(item.containsKey("pk") && "ANCHOR#RUN".equals(item.get("pk").s())))
                    .forEach(item -> items.add(table + new java.util.TreeMap<>(item)));
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            items.forEach(i -> sha.update(i.getBytes(StandardCharsets.UTF_8)));
            return items.size() + ":" + HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] withByte(String text, byte replacement) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int at = text.indexOf('?');
        if (at < 0) {
            at = text.indexOf("\":\"") + 3;
            bytes = text.substring(0, at).concat("?").concat(text.substring(at)).getBytes(StandardCharsets.UTF_8);
        }
        bytes[at] = replacement;
        return bytes;
    }

    private static byte[] replace(String valid, String field, String valueJson) {
        return replaced(valid, field, valueJson).getBytes(StandardCharsets.UTF_8);
    }

    private static String replaced(String valid, String field, String valueJson) {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(valid);
        StringBuilder out = new StringBuilder("{");
        boolean first = true;
        for (var member : node.properties()) {
            out.append(first ? "" : ",").append(Json.writeString(member.getKey())).append(':')
                    .append(member.getKey().equals(field) ? valueJson : Json.writeString(member.getValue()));
            first = false;
        }
        return out.append('}').toString();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }

    static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
