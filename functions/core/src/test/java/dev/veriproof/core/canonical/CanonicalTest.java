package dev.veriproof.core.canonical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalTest {

    private static String jcs(String json) {
        return new String(Canonical.jcs(Json.parse(json)), StandardCharsets.UTF_8);
    }

    @Test
    void rfc8785Section322Sample() {
        String input = """
                {
                  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                  "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
                  "literals": [null, true, false]
                }
                """;

        byte[] canonical = Canonical.jcs(Json.parse(input));

        assertEquals("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}", new String(canonical, StandardCharsets.UTF_8));
        // RFC 8785 §3.2.4: the same, as UTF-8 bytes
        assertEquals(("7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72"
                        + "75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a"
                        + "5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31"
                        + "65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37"
                        + "5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30"
                        + "30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d").replace(" ", ""),
                Hashes.hex(canonical));
    }

    @ParameterizedTest
    @CsvSource({
        "1e21, 1e+21",
        "1e20, 100000000000000000000",
        "333333333.33333329, 333333333.3333333",
        "1E30, 1e+30",
        "4.50, 4.5",
        "2e-3, 0.002",
        "0.000001, 0.000001",
        "0.0000001, 1e-7",
        "-0, 0",
        "-0.0, 0",
        "100, 100",
        "-5.25, -5.25",
        "9007199254740993, 9007199254740992",
    })
    void serializesNumbersLikeEcmaScript(String number, String expected) {
        assertEquals(expected, jcs(number));
    }

    @ParameterizedTest
    @CsvSource({
        "0000000000000000, 0",
        "8000000000000000, 0",
        "0000000000000001, 5e-324",
        "8000000000000001, -5e-324",
        "7fefffffffffffff, 1.7976931348623157e+308",
        "ffefffffffffffff, -1.7976931348623157e+308",
        "4340000000000000, 9007199254740992",
        "c340000000000000, -9007199254740992",
        "4430000000000000, 295147905179352830000",
        "44b52d02c7e14af5, 9.999999999999997e+22",
        "44b52d02c7e14af6, 1e+23",
        "44b52d02c7e14af7, 1.0000000000000001e+23",
        "444b1ae4d6e2ef4e, 999999999999999700000",
        "444b1ae4d6e2ef4f, 999999999999999900000",
        "444b1ae4d6e2ef50, 1e+21",
        "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
        "3eb0c6f7a0b5ed8d, 0.000001",
        "41b3de4355555553, 333333333.3333332",
        "41b3de4355555554, 333333333.33333325",
        "41b3de4355555555, 333333333.3333333",
        "41b3de4355555556, 333333333.3333334",
        "41b3de4355555557, 333333333.33333343",
        "becbf647612f3696, -0.0000033333333333333333",
        "43143ff3c1cb0959, 1424953923781206.2",
    })
    void rfc8785AppendixBNumbers(String ieee754Hex, String expected) {
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(ieee754Hex, 16));

        assertEquals(expected, new String(Canonical.jcs(DoubleNode.valueOf(value)), StandardCharsets.UTF_8));
    }

    @Test
    void refusesNumbersJsonCannotRepresent() {
        assertThrows(IllegalArgumentException.class, () -> Canonical.jcs(DoubleNode.valueOf(Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> Canonical.jcs(Json.parse("{\"a\": [1e400]}")));
    }

    @Test
    void refusesStringsWithoutAUtf8Form() {
        // UTF-8 encoding would otherwise give "x?y", the canonical form of a different string
        assertThrows(IllegalArgumentException.class, () -> Canonical.jcs(TextNode.valueOf("x\ud800y")));
        assertEquals("\"x?y\"", new String(Canonical.jcs(TextNode.valueOf("x?y")), StandardCharsets.UTF_8));
    }

    @Test
    void sortsKeysByUtf16CodeUnitsRecursivelyAndKeepsArrayOrder() {
        // RFC 8785 §3.2.3: U+1F600 (surrogates D83D DE00) sorts before U+FB33, unlike code point order
        String input = """
                {
                  "\\u20ac": "Euro Sign",
                  "\\r": "Carriage Return",
                  "\\ufb33": "Hebrew Letter Dalet With Dagesh",
                  "1": "One",
                  "\\ud83d\\ude00": "Emoji: Grinning Face",
                  "\\u0080": "Control",
                  "\\u00f6": "Latin Small Letter O With Diaeresis",
                  "nested": {"b": [3, 1, 2], "a": {"z": 1, "y": 2}}
                }
                """;

        assertEquals("{\"\\r\":\"Carriage Return\",\"1\":\"One\","
                        + "\"nested\":{\"a\":{\"y\":2,\"z\":1},\"b\":[3,1,2]},"
                        + "\"\u0080\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\","
                        + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
                jcs(input));
    }

    @Test
    void escapesOnlyWhatRfc8785Requires() {
        assertEquals("\"\\u001f\\b\\t\\n\\f\\r\\\"\\\\/\u007f\u2028é\"", jcs("\"\\u001F\\b\\t\\n\\f\\r\\\"\\\\\\/\\u007f\\u2028\\u00e9\""));
    }

    @Test
    void canonicalizesScalarsAndArraysAtTheTop() {
        assertEquals("\"x\"", jcs("\"x\""));
        assertEquals("true", jcs("true"));
        assertEquals("null", jcs("null"));
        assertEquals("[{\"a\":1,\"b\":2}]", jcs("[ {\"b\":2, \"a\":1} ]"));
    }

    @Property(tries = 300)
    void canonicalFormIgnoresKeyOrderAndWhitespaceAndIsIdempotent(
            @ForAll("jsonValues") Object value, @ForAll long layoutSeed) {
        String plain = Json.writeString(value);
        String reshuffled = writeWithRandomLayout(value, new Random(layoutSeed));

        byte[] canonical = Canonical.jcs(Json.parse(plain));

        assertArrayEquals(canonical, Canonical.jcs(Json.parse(reshuffled)));
        assertArrayEquals(canonical, Canonical.jcs(Json.parse(canonical)));
    }

    @Provide
    Arbitrary<Object> jsonValues() {
        Arbitrary<String> strings = Arbitraries.strings().withCharRange(' ', '\u00ff').withCharRange('\u2000', '\u20ff')
                .withChars('\n', '"', '\\', '\u0001').ofMaxLength(6);
        Arbitrary<Object> scalars = Arbitraries.<Object>oneOf(
                strings,
                Arbitraries.longs(),
                Arbitraries.doubles().between(-1e30, 1e30),
                Arbitraries.of(true, false)).injectNull(0.05);
        return Arbitraries.recursive(() -> scalars, element -> Arbitraries.oneOf(
                element.list().ofMaxSize(4).map(list -> (Object) list),
                Arbitraries.maps(strings, element).ofMaxSize(4).map(map -> (Object) map)), 0, 3);
    }

    /** Writes {@code value} as JSON with keys in a random order and random whitespace between tokens. */
    private static String writeWithRandomLayout(Object value, Random random) {
        StringBuilder out = new StringBuilder();
        write(value, random, out);
        return out.toString();
    }

    private static void write(Object value, Random random, StringBuilder out) {
        String[] whitespace = {"", " ", "\n", "\t", "  \r\n"};
        out.append(whitespace[random.nextInt(whitespace.length)]);
        if (value instanceof Map<?, ?> map) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
            Collections.shuffle(entries, random);
            out.append('{');
            for (int i = 0; i < entries.size(); i++) {
                out.append(i == 0 ? "" : ",").append(Json.writeString(entries.get(i).getKey())).append(" : ");
                write(entries.get(i).getValue(), random, out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ",");
                write(list.get(i), random, out);
            }
            out.append(']');
        } else {
            out.append(Json.writeString(value));
        }
        out.append(whitespace[random.nextInt(whitespace.length)]);
    }
}
