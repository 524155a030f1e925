package dev.veriproof.verifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The canonical fast path never changes a leaf hash: whatever {@link CanonicalText} accepts is exactly what the general
 * path ({@code Canonical.jcs(Json.parse(...))}) writes for it, on RFC 8785's number and string edge cases, on random
 * trees, on the trees as Jackson writes them (not always canonical) and on random corruptions of canonical text.
 */
class CanonicalTextTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean accepted(byte[] bytes) {
        int end = CanonicalText.end(bytes, 0, bytes.length);
        return end == bytes.length;
    }

    /** The law: an accepted text is its own canonical form, and parses as JSON. */
    private static void assertLaw(byte[] bytes) {
        if (!accepted(bytes)) return;
        byte[] general = Canonical.jcs(Json.parse(new String(bytes, StandardCharsets.UTF_8)));
        assertArrayEquals(general, bytes, () -> "accepted but not canonical: " + new String(bytes, StandardCharsets.UTF_8));
    }

    private static void assertAccepted(String json) {
        byte[] bytes = utf8(json);
        assertTrue(accepted(bytes), json);
        assertLaw(bytes);
    }

    private static void assertRefused(byte[] bytes) {
        assertEquals(-1, CanonicalText.end(bytes, 0, bytes.length), () -> new String(bytes, StandardCharsets.UTF_8));
    }

    private static void assertRefused(String json) {
        assertRefused(utf8(json));
    }

    @Test
    void rfc8785NumbersAreAcceptedOnlyInEcmaScriptsShortestForm() {
        for (String n : List.of("0", "1", "-1", "123456789012345", "-123456789012345", "0.5", "-0.5", "4.5", "0.002", "1e+21", "1e-7",
                "1.5e+300", "5e-324", "1.7976931348623157e+308", "0.000001", "1e+30")) {
            assertAccepted("{\"n\":" + n + "}");
        }
        // each is a JSON number whose canonical form is another text
        for (String n : List.of("-0", "00", "01", "1.0", "1.50", "1E2", "1e2", "1e21", "1E+21", "1e+021", "0.0000001", "+1", ".5", "1.",
                "-", "1000000000000000000000", "0.10000000000000000001", "1e400", "-0.0", "0e0")) {
            byte[] bytes = utf8("{\"n\":" + n + "}");
            assertRefused(bytes);
        }
        // integers beyond 15 digits are left to the general path even when canonical
        assertRefused("{\"n\":1234567890123456}");
        assertRefused("{\"n\":9007199254740993}");
    }

    @Test
    void rfc8785StringsAreAcceptedOnlyWithTheMinimalEscapes() {
        for (String s : List.of("", "plain", "\\\"", "\\\\", "\\b\\f\\n\\r\\t", "\\u0000\\u001f\\u000b" + "\u007f",
                "€", "😀", "\u2028\u2029", "/", "é\u0301", "\uffff")) {
            assertAccepted("{\"s\":\"" + s + "\"}");
        }
        for (String s : List.of("\\/", "\\u001F", "\\u000a", "\\u0008", "\\u0041", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\x", "\t", "\n")) {
            assertRefused("{\"s\":\"" + s + "\"}");
        }
        // malformed UTF-8: a lone continuation byte, an overlong NUL, a surrogate, beyond U+10FFFF, a truncated sequence
        for (byte[] bad : new byte[][] {{(byte) 0x80}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}}) {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            text.writeBytes(utf8("{\"s\":\"a"));
            text.writeBytes(bad);
            text.writeBytes(utf8("\"}"));
            assertRefused(text.toByteArray());
        }
    }

    @Test
    void membersMustBeSortedByUtf16CodeUnitsWithoutDuplicates() {
        assertAccepted("{\"a\":1,\"b\":2,\"ba\":3}");
        assertAccepted("{\"\":0,\"A\":1,\"a\":2}");
        // U+1F600 is D83D DE00 in UTF-16: before U+E000, although its UTF-8 bytes sort after
        assertAccepted("{\"😀\":1,\"\ue000\":2}");
        assertRefused("{\"\ue000\":2,\"😀\":1}");
        assertAccepted("{\"\\n\":1,\"a\":2}");
        assertRefused("{\"a\":2,\"\\n\":1}");
        assertRefused("{\"b\":1,\"a\":2}");
        assertRefused("{\"a\":1,\"a\":1}");
        assertRefused("{\"a\":{\"y\":1,\"x\":2}}");
    }

    @Test
    void anyWhitespaceOrOtherSyntaxIsRefused() {
        for (String json : List.of("{ }", "{\"a\": 1}", "{\"a\":1 }", "{\"a\":[1, 2]}", "{\"a\":1,}", "{\"a\":[1,]}", "{\"a\":tru}", "{\"a\":nul}",
                "{\"a\":True}", "{a:1}", "{\"a\"1}", "{\"a\":1", "{\"a\":\"x}", "[1]", "\"x\"", "{\"a\":1}}".substring(0, 6))) {
            assertRefused(json);
        }
        assertAccepted("{}");
        assertAccepted("{\"a\":[],\"b\":{},\"c\":[true,false,null,[{}]]}");
        // the end of the object is found inside longer text (the rest of a line)
        byte[] line = utf8("{\"record\":{\"a\":1},\"z\":2}");
        assertEquals(17, CanonicalText.end(line, 10, line.length));
    }

    @Test
    void nestingBeyondTheLimitIsLeftToTheGeneralPath() {
        String deep = "{\"a\":".repeat(CanonicalText.MAX_DEPTH) + "1" + "}".repeat(CanonicalText.MAX_DEPTH);
        assertAccepted(deep);
        assertRefused("{\"a\":".repeat(CanonicalText.MAX_DEPTH + 1) + "1" + "}".repeat(CanonicalText.MAX_DEPTH + 1));
    }

    @Test
    void everyRandomTreesCanonicalFormIsAcceptedAndItsOtherFormsOnlyWhenIdentical() {
        Random random = new Random(8785);
        int produced = 0;
        int accepted = 0;
        for (int i = 0; i < 3000; i++) {
            JsonNode tree = randomObject(random, 0);
            byte[] canonical;
            try {
                canonical = Canonical.jcs(tree);
            } catch (IllegalArgumentException e) {
                continue; // an unpaired surrogate: no canonical form at all
            }
            produced++;
            assertLaw(canonical);
            if (accepted(canonical)) accepted++;
            // Jackson's own writing: sorted as built? escapes in upper case, doubles as Java writes them
            assertLaw(Json.write(tree));
            // random corruption of the canonical text: one byte changed, dropped or doubled
            for (int k = 0; k < 4; k++) {
                byte[] mutated = mutate(canonical, random);
                if (accepted(mutated)) assertLaw(mutated);
            }
        }
        assertTrue(produced > 1000 && accepted > produced / 2, "the fast path takes most canonical texts: " + accepted + " of " + produced);
    }

    private static byte[] mutate(byte[] bytes, Random random) {
        int at = random.nextInt(bytes.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        byte[] candidates = utf8("{}[]\",:\\ 0123456789-.eE+tfnul\u00e9");
        switch (random.nextInt(3)) {
            case 0 -> out.write(random.nextBoolean() ? candidates[random.nextInt(candidates.length)] : random.nextInt(256)); // replaced
            case 1 -> { } // dropped
            default -> { // doubled
                out.write(bytes[at]);
                out.write(bytes[at]);
            }
        }
        out.write(bytes, at + 1, bytes.length - at - 1);
        return out.toByteArray();
    }

    private static final String[] PIECES = {"a", "b", "Z", "é", "€", "😀", "\u2028", "\u007f", "\u0000", "\u001f", "\n", "\t", "\"", "\\", "/",
            "\ue000", "\ud800", "key", " ", "0"};

    private static String randomString(Random random) {
        StringBuilder text = new StringBuilder();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) text.append(PIECES[random.nextInt(PIECES.length)]);
        return text.toString();
    }

    private static JsonNode randomValue(Random random, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        int kind = random.nextInt(depth > 3 ? 7 : 9);
        return switch (kind) {
            case 0 -> f.textNode(randomString(random));
            case 1 -> f.numberNode(random.nextInt(2001) - 1000);
            case 2 -> f.numberNode(random.nextLong() >> random.nextInt(64));
            case 3 -> f.numberNode(random.nextInt(1000) / 100.0);
            case 4 -> {
                double d = Double.longBitsToDouble(random.nextLong());
                yield Double.isFinite(d) ? f.numberNode(d) : f.numberNode(-0.0);
            }
            case 5 -> f.booleanNode(random.nextBoolean());
            case 6 -> random.nextBoolean() ? f.nullNode() : f.numberNode(Math.pow(10, random.nextInt(44) - 22));
            case 7 -> {
                ArrayNode array = f.arrayNode();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) array.add(randomValue(random, depth + 1));
                yield array;
            }
            default -> randomObject(random, depth + 1);
        };
    }

    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) object.set(randomString(random), randomValue(random, depth + 1));
        return object;
    }
}
