package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated hostile input for every handler that takes a body: random JSON structure, random
 * bytes, huge values, deep nesting, random numbers. Never a 5xx, always the error body with one of
 * the API's codes (naming the field where a field is at fault), nothing stored or changed.
 */
class HostileInputPropertyTest {
    /** The codes a refused body may get; a field-level code must name its field. */
    private static final Set<String> BODY_CODES = Set.of("malformed_json", "invalid_encoding", "payload_too_large", "not_found",
            "invalid_type", "invalid_value", "missing_field", "unknown_field", "too_large", "unknown_application");
    private static final Set<String> FIELD_CODES = Set.of("invalid_type", "invalid_value", "missing_field", "unknown_field");

    private static String before;
    private static List<HostileInputEndToEndTest.Route> routes;
    /** PATCH /v1/applications/{id}, PUT /v1/settings, PUT .../guardrails: every generated body there carries one invalid member. */
    private static List<HostileInputEndToEndTest.Route> optionalFieldRoutes;

    @BeforeContainer
    static void start() {
        HostileInputEndToEndTest.start();
        // Routes whose every field is optional could accept a generated body and rightly change
        // something; the example-based test covers them.
        routes = HostileInputEndToEndTest.writeRoutes("hostile-property-none").stream().filter(r -> !optionalFields(r)).toList();
        optionalFieldRoutes = HostileInputEndToEndTest.writeRoutes("hostile-property-none").stream().filter(HostileInputPropertyTest::optionalFields).toList();
        before = HostileInputEndToEndTest.fingerprint();
    }

    @AfterContainer
    static void nothingStored() {
        assertEquals(before, HostileInputEndToEndTest.fingerprint(), "generated hostile input stored or changed something");
        System.out.println("HostileInputPropertyTest: " + HostileInputEndToEndTest.cases + " hostile requests in all, "
                + HostileInputEndToEndTest.serverErrors + " answered 5xx");
        assertEquals(0, HostileInputEndToEndTest.serverErrors);
    }

    @Property(tries = 100)
    void everyHandlerRefusesGeneratedHostileBodies(@ForAll("routeIndexes") int route, @ForAll("hostileBodies") byte[] body) {
        HostileInputEndToEndTest.Route target = routes.get(route);
        ApiClient.Response response = HostileInputEndToEndTest.send(target.method(), target.path(), stackKey(target.role()), body,
                Map.of("Content-Type", "application/json"));
        assertSpecificallyRefused(response, target.method() + " " + target.path() + " with " + HostileInputEndToEndTest.shorten(new String(body, StandardCharsets.UTF_8)));
    }

    /**
     * The routes whose fields are all optional (or one boolean) could rightly accept a generated body,
     * so each generated body carries one member that is invalid there whatever surrounds it: a wrong
     * type, a value out of range, an over-long string, an unrepresentable number, an unknown name.
     */
    @Property(tries = 40)
    void handlersWithOptionalFieldsRefuseAnyBodyWithAnInvalidMember(@ForAll("optionalFieldRouteIndexes") int route,
                                                                   @ForAll("randomMembers") List<String> members, @ForAll("poisonIndexes") int poison,
                                                                   @ForAll("positions") int position, @ForAll("hostileBodies") byte[] hostile,
                                                                   @ForAll boolean wholeBodyHostile) {
        HostileInputEndToEndTest.Route target = optionalFieldRoutes.get(route);
        byte[] body;
        if (wholeBodyHostile) {
            body = hostile;
        } else {
            List<String> poisons = poisonMembers(target);
            List<String> all = new ArrayList<>(members);
            all.add(Math.min(position, all.size()), poisons.get(poison % poisons.size()));
            body = ("{" + String.join(",", all) + "}").getBytes(StandardCharsets.UTF_8);
        }
        ApiClient.Response response = HostileInputEndToEndTest.send(target.method(), target.path(), stackKey(target.role()), body,
                Map.of("Content-Type", "application/json"));
        assertSpecificallyRefused(response, target.method() + " " + target.path() + " with " + HostileInputEndToEndTest.shorten(new String(body, StandardCharsets.UTF_8)));
    }

    /**
     * POST /v1/traces answers in OTLP's terms (docs/otlp.md): an undecodable body is a 4xx with a
     * google.rpc.Status ({code, message}) in the request's encoding, never a 5xx, never parser internals.
     */
    @Property(tries = 40)
    void otlpJsonRefusesGeneratedHostileBodiesWithAStatus(@ForAll("hostileBodies") byte[] body, @ForAll boolean gzip) throws java.io.IOException {
        byte[] sent = body;
        Map<String, String> headers = new java.util.HashMap<>(Map.of("Content-Type", "application/json"));
        if (gzip) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out)) {
                zip.write(body);
            }
            sent = out.toByteArray();
            headers.put("Content-Encoding", "gzip");
        }
        ApiClient.Response response = HostileInputEndToEndTest.send("POST", "/v1/traces", stackKey("ingest"), sent, headers);
        String what = "POST /v1/traces with " + HostileInputEndToEndTest.shorten(new String(body, StandardCharsets.UTF_8));
        assertTrue(response.status() == 200 || response.status() == 400 || response.status() == 413, what + " answered " + response.status() + ": " + response.body());
        assertTrue(response.json().isObject(), what + ": " + response.body());
        if (response.status() != 200) {
            assertTrue(response.json().path("code").isInt() && !response.json().path("message").asText().isBlank(), what + ": " + response.body());
        }
        assertFalse(HostileInputEndToEndTest.INTERNALS.matcher(response.body()).find(), what + " leaks internals: " + response.body());
    }

    private static boolean optionalFields(HostileInputEndToEndTest.Route route) {
        return route.method().equals("PATCH") || route.path().equals("/v1/settings") || route.path().endsWith("/guardrails");
    }

    /** Members each of which the route must refuse, wherever it stands among other members. */
    private static List<String> poisonMembers(HostileInputEndToEndTest.Route route) {
        String tooLong = "\"" + "x".repeat(201) + "\"";
        if (route.method().equals("PATCH")) {
            return List.of("\"name\":5", "\"name\":null", "\"name\":" + tooLong, "\"name\":[\"n\"]", "\"owner\":true", "\"owner\":" + tooLong,
                    "\"declaredRiskLevel\":\"low\"", "\"declaredRiskLevel\":\"SEVERE\"", "\"declaredRiskLevel\":3", "\"scoreTarget\":101",
                    "\"scoreTarget\":-1", "\"scoreTarget\":\"80\"", "\"scoreTarget\":80.5", "\"scoreTarget\":1e400", "\"scoreTarget\":null",
                    "\"redaction\":\"on\"", "\"redaction\":{\"captureContent\":\"yes\"}", "\"redaction\":{\"redactFields\":\"x\"}",
                    "\"redaction\":{\"zz\":1}", "\"applicationId\":\"other\"", "\"zz\":1");
        }
        if (route.path().equals("/v1/settings")) {
            return List.of("\"quarterlyExport\":\"true\"", "\"quarterlyExport\":1", "\"quarterlyExport\":null", "\"quarterlyExport\":[]",
                    "\"quarterlyExport\":{}", "\"zz\":true", "\"quarterlyexport\":true");
        }
        return List.of("\"guardrails\":{}", "\"guardrails\":\"g\"", "\"guardrails\":[]", "\"guardrails\":null", "\"guardrails\":[5]",
                "\"guardrails\":[{\"name\":5}]", "\"guardrails\":[{\"name\":" + tooLong + "}]", "\"guardrails\":[{\"name\":\"g\",\"enabled\":\"yes\"}]",
                "\"guardrails\":[{\"name\":\"g\",\"settings\":{\"x\":1e400}}]", "\"guardrails\":[{\"name\":\"g\",\"settings\":{\"x\":9007199254740993}}]",
                "\"guardrails\":[{\"name\":\"g\",\"settings\":[1]}]", "\"guardrails\":[{\"name\":\"g\",\"zz\":1}]", "\"note\":5", "\"zz\":1");
    }

    private static void assertSpecificallyRefused(ApiClient.Response response, String what) {
        HostileInputEndToEndTest.assertRefused(response, what);
        JsonNode error = response.json().get("error");
        String code = error.get("code").asText();
        assertTrue(BODY_CODES.contains(code), what + " got an unexpected code: " + response.body());
        if (FIELD_CODES.contains(code)) {
            assertTrue(error.path("field").asText("").startsWith("$"), what + " names no field: " + response.body());
        }
    }

    private static String stackKey(String role) {
        return RunningDevstack.get().tenant("demo").key(role);
    }

    @Provide
    Arbitrary<Integer> routeIndexes() {
        return Arbitraries.integers().between(0, (int) HostileInputEndToEndTest.writeRoutes("x").stream().filter(r -> !optionalFields(r)).count() - 1);
    }

    @Provide
    Arbitrary<Integer> optionalFieldRouteIndexes() {
        return Arbitraries.integers().between(0, 2);
    }

    @Provide
    Arbitrary<List<String>> randomMembers() {
        Arbitrary<String> name = Arbitraries.of("name", "owner", "scoreTarget", "declaredRiskLevel", "redaction", "quarterlyExport", "guardrails",
                "note", "settings", "zz", "");
        return Combinators.combine(name, json(2)).as((k, v) -> "\"" + k + "\":" + v).list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<Integer> poisonIndexes() {
        return Arbitraries.integers().between(0, 1000);
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 4);
    }

    @Provide
    Arbitrary<byte[]> hostileBodies() {
        Arbitrary<byte[]> randomBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(512);
        Arbitrary<byte[]> randomJson = json(4).map(text -> text.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> deep = Arbitraries.integers().between(65, 5000).map(n -> ("{\"a\":" + "[".repeat(n) + "]".repeat(n) + "}").getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> huge = Arbitraries.integers().between(70_000, 1_200_000).map(n -> ("{\"name\":\"" + "x".repeat(n) + "\"}").getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> utf16 = json(2).map(text -> text.getBytes(StandardCharsets.UTF_16));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, randomBytes), net.jqwik.api.Tuple.of(6, randomJson), net.jqwik.api.Tuple.of(1, deep),
                net.jqwik.api.Tuple.of(1, huge), net.jqwik.api.Tuple.of(1, utf16));
    }

    /** Random JSON-ish text: objects, arrays, strings with hostile characters, numbers of every size, literals and near-literals. */
    private static Arbitrary<String> json(int depth) {
        Arbitrary<String> number = Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("1e400", "-1e400", "1e-400", "9007199254740993", "123456789012345678901234567890", "NaN", "Infinity", "-0", "01", "1.", ".5", "+1"));
        Arbitrary<String> string = Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMaxLength(40).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        Arbitrary<String> literal = Arbitraries.of("null", "true", "false", "nul", "tru", "'x'", "\"\\ud800\"", "\"\\q\"");
        Arbitrary<String> name = Arbitraries.of("sessionId", "applicationId", "name", "owner", "note", "role", "applications", "guardrails", "settings",
                "adapter", "attributes", "webhookUrl", "notify", "sessions", "framework", "from", "to", "quarterlyExport", "zz", "");
        if (depth == 0) return Arbitraries.oneOf(number, string, literal);
        Arbitrary<String> value = json(depth - 1);
        Arbitrary<String> object = Combinators.combine(name, value).as((k, v) -> "\"" + k + "\":" + v).list().ofMaxSize(5)
                .map(members -> "{" + String.join(",", members) + "}");
        Arbitrary<String> array = value.list().ofMaxSize(5).map(items -> "[" + String.join(",", items) + "]");
        return Arbitraries.oneOf(object, object, array, number, string, literal);
    }
}
