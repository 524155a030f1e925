package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
 * bytes, huge values, deep nesting, random numbers. Never a 5xx, always the error body, nothing stored.
 */
class HostileInputPropertyTest {
    private static String before;
    private static List<HostileInputEndToEndTest.Route> routes;

    @BeforeContainer
    static void start() {
        HostileInputEndToEndTest.start();
        // Routes whose every field is optional could accept a generated body and rightly change
        // something; the example-based test covers them.
        routes = HostileInputEndToEndTest.writeRoutes("hostile-property-none").stream()
                .filter(r -> !r.method().equals("PATCH") && !r.path().equals("/v1/settings") && !r.path().endsWith("/guardrails")).toList();
        before = HostileInputEndToEndTest.fingerprint();
    }

    @AfterContainer
    static void nothingStored() {
        assertEquals(before, HostileInputEndToEndTest.fingerprint(), "generated hostile input stored or changed something");
        System.out.println("HostileInputPropertyTest: " + HostileInputEndToEndTest.cases + " hostile requests in all, "
                + HostileInputEndToEndTest.serverErrors + " answered 5xx");
        assertEquals(0, HostileInputEndToEndTest.serverErrors);
    }

    @Property(tries = 150)
    void everyHandlerRefusesGeneratedHostileBodies(@ForAll("routeIndexes") int route, @ForAll("hostileBodies") byte[] body) {
        HostileInputEndToEndTest.Route target = routes.get(route);
        ApiClient.Response response = HostileInputEndToEndTest.send(target.method(), target.path(), stackKey(target.role()), body,
                Map.of("Content-Type", "application/json"));
        HostileInputEndToEndTest.assertRefused(response, target.method() + " " + target.path() + " with "
                + HostileInputEndToEndTest.shorten(new String(body, StandardCharsets.UTF_8)));
    }

    private static String stackKey(String role) {
        return RunningDevstack.get().tenant("demo").key(role);
    }

    @Provide
    Arbitrary<Integer> routeIndexes() {
        return Arbitraries.integers().between(0, HostileInputEndToEndTest.writeRoutes("x").size() - 4);
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
