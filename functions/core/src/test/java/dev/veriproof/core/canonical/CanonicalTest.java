package dev.veriproof.core.canonical;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CanonicalTest {

    private static String jcs(String json) {
        return new String(Canonical.jcs(Json.parse(json)), StandardCharsets.UTF_8);
    }

    /** The vectors the console's JavaScript canonicalization is tested against too. */
    private static final JsonNode VECTORS = Vectors.load("rfc8785.json");

    static Stream<Arguments> documents() {
        return StreamSupport.stream(VECTORS.get("documents").spliterator(), false)
                .map(v -> Arguments.of(v.get("name").asText(), v.get("input").asText(), v));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void canonicalizesTheSharedDocumentVectors(String name, String input, JsonNode vector) {
        byte[] canonical = Canonical.jcs(Json.parse(input));

        if (vector.has("canonicalUtf8Hex")) assertEquals(vector.get("canonicalUtf8Hex").asText(), Hashes.hex(canonical));
        else assertEquals(vector.get("canonical").asText(), new String(canonical, StandardCharsets.UTF_8));
    }

    static Stream<Arguments> numbers() {
        return StreamSupport.stream(VECTORS.get("numbers").spliterator(), false)
                .map(v -> Arguments.of(v.get("input").asText(), v.get("canonical").asText()));
    }

    @ParameterizedTest
    @MethodSource("numbers")
    void serializesNumbersLikeEcmaScript(String number, String expected) {
        assertEquals(expected, jcs(number));
    }

    static Stream<Arguments> ieee754() {
        return StreamSupport.stream(VECTORS.get("ieee754").spliterator(), false)
                .map(v -> Arguments.of(v.get("bits").asText(), v.get("canonical").asText()));
    }

    @ParameterizedTest
    @MethodSource("ieee754")
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

    @Property(tries = 300)
    void canonicalFormIgnoresKeyOrderAndWhitespaceAndIsIdempotent(
            @ForAll("jsonValues") Object value, @ForAll long layoutSeed) {
        String plain = Json.writeString(value);
        String reshuffled = writeWithRandomLayout(value, new Random(layoutSeed));

        byte[] canonical = Canonical.jcs(Json.parse(plain));

        assertArrayEquals(canonical, Canonical.jcs(Json.parse(reshuffled)));
        assertArrayEquals(canonical, Canonical.jcs(Json.parse(canonical)));
    }

    @Property(tries = 2000)
    void writesTheSameBytesAsTheReferenceCanonicalizerOrRefusesTheSameValues(@ForAll("anyJsonTrees") JsonNode tree) {
        byte[] reference;
        try {
            reference = Canonical.reference(tree);
        } catch (IllegalArgumentException refused) {
            assertThrows(IllegalArgumentException.class, () -> Canonical.jcs(tree));
            return;
        }
        assertArrayEquals(reference, Canonical.jcs(tree), () -> new String(reference, StandardCharsets.UTF_8));
    }

    @Test
    void writesTheSameBytesAsTheReferenceForEveryCharacterAndNumberEdge() {
        StringBuilder everyChar = new StringBuilder();
        for (char c = 0; c < 0x800; c++) everyChar.append(c);
        everyChar.append("\ud83d\ude00\u2028\u2029\ufeff\uffff");
        var node = Json.mapper().createObjectNode();
        node.put(everyChar.toString(), everyChar.toString());
        var numbers = node.putArray("numbers");
        for (double d : new double[] {0.0, -0.0, 1.0, -1.5, 1e21, 1e-7, 123456789012345678.0, Double.MIN_VALUE, Double.MAX_VALUE,
                4.35, 0.1 + 0.2, 9007199254740993.0, 1e20, 1e-6, 5e-324}) {
            numbers.add(d);
        }
        for (long l : new long[] {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, (1L << 53) + 1, 9_007_199_254_740_993L}) numbers.add(l);
        numbers.add(Integer.MIN_VALUE).add(true).add(false).addNull();
        assertArrayEquals(Canonical.reference(node), Canonical.jcs(node));
        // the numbers left to the reference, within a tree that otherwise is written directly
        numbers.add(new java.math.BigDecimal("1.000000000000000000001")).add(new java.math.BigInteger("123456789012345678901234567890"));
        assertArrayEquals(Canonical.reference(node), Canonical.jcs(node));
    }

    /** Trees as Jackson holds them, with every node type a parsed or built tree has and characters of the whole UTF-16 range. */
    @Provide
    Arbitrary<JsonNode> anyJsonTrees() {
        Arbitrary<String> strings = Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(8),
                Arbitraries.strings().withCharRange('\u0000', '\u007f').withCharRange('\ud800', '\udfff').ofMaxLength(8));
        Arbitrary<JsonNode> scalars = Arbitraries.oneOf(
                strings.map(TextNode::valueOf),
                Arbitraries.integers().map(i -> (JsonNode) com.fasterxml.jackson.databind.node.IntNode.valueOf(i)),
                Arbitraries.longs().map(l -> (JsonNode) com.fasterxml.jackson.databind.node.LongNode.valueOf(l)),
                Arbitraries.longs().map(bits -> (JsonNode) DoubleNode.valueOf(Double.longBitsToDouble(bits))),
                Arbitraries.doubles().map(d -> (JsonNode) DoubleNode.valueOf(d)),
                Arbitraries.of(true, false).map(b -> (JsonNode) com.fasterxml.jackson.databind.node.BooleanNode.valueOf(b)),
                Arbitraries.just((JsonNode) com.fasterxml.jackson.databind.node.NullNode.getInstance()));
        return Arbitraries.recursive(() -> scalars, element -> Arbitraries.oneOf(
                element.list().ofMaxSize(4).map(list -> {
                    var array = Json.mapper().createArrayNode();
                    list.forEach(array::add);
                    return (JsonNode) array;
                }),
                Arbitraries.maps(strings, element).ofMaxSize(4).map(map -> {
                    var object = Json.mapper().createObjectNode();
                    map.forEach(object::set);
                    return (JsonNode) object;
                })), 0, 3);
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
