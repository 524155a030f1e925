package dev.veriproof.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The one JSON configuration of the project: strict parsing, compact UTF-8 output.
 *
 * <p>A request body is read by {@link #parseRequest}, which adds the API's rules for JSON that is
 * well-formed but would not survive hashing unchanged (docs/limits.md):
 * <ul>
 *   <li>objects and arrays nest at most {@value #MAX_REQUEST_DEPTH} levels;</li>
 *   <li>every number must be finite and exactly the value RFC 8785 writes for it, i.e. hold no more
 *       precision than an IEEE 754 double: {@code 1e400}, {@code 1e-400} and
 *       {@code 0.10000000000000000001} are refused, not rounded;</li>
 *   <li>an integer (a number written without fraction or exponent) must lie within
 *       ±(2^53 − 1), the range in which every integer is exact (RFC 7493 §2.2);</li>
 *   <li>integer-valued fields take integers written as integers: {@code 100}, not {@code 100.0}
 *       or {@code 1E2} (those are numbers of the "float" kind and are kept as such).</li>
 * </ul>
 */
public final class Json {
    public static final int MAX_REQUEST_DEPTH = 64;
    public static final int MAX_NUMBER_CHARACTERS = 100;
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
    private static final int STORED_MAX_DEPTH = StreamReadConstraints.DEFAULT_MAX_DEPTH;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    // Trailing content is checked by parse itself, to give a message that names no Jackson internals.
    private static final ObjectReader TREE_READER = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    // Floats are read as BigDecimal so that the number rules see the value as sent, not as rounded.
    private static final ObjectReader REQUEST_READER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_REQUEST_DEPTH)
                            .maxNumberLength(MAX_NUMBER_CHARACTERS)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build()
            .reader();

    private Json() {
    }

    /** The shared, thread-safe mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Parses exactly one JSON value; rejects empty input, duplicate keys and anything after the value. */
    public static JsonNode parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw emptyInput();
        }
        return read(() -> MAPPER.createParser(bytes), TREE_READER, STORED_MAX_DEPTH, true);
    }

    public static JsonNode parse(String text) {
        if (text == null || text.isEmpty()) {
            throw emptyInput();
        }
        return read(() -> MAPPER.createParser(text), TREE_READER, STORED_MAX_DEPTH, mayYieldUnpairedSurrogate(text));
    }

    /**
     * Parses a request body's text under the API's rules (see the class comment). Floats come back as
     * doubles, integers as ints or longs.
     *
     * @throws MalformedJsonException naming what is wrong and where, in the project's own words
     */
    public static JsonNode parseRequest(String text) {
        if (text == null || text.isBlank()) {
            throw emptyInput();
        }
        JsonNode node = read(() -> REQUEST_READER.createParser(text), REQUEST_READER, MAX_REQUEST_DEPTH, mayYieldUnpairedSurrogate(text));
        return RequestNumbers.exact(node, "$", RequestNumbers.SAFE_INTEGERS);
    }

    /**
     * {@link #parseRequest} for a format whose fields are 64-bit integers that may be written as JSON
     * numbers (OTLP/JSON: int64 and fixed64 timestamps, counts and attribute values): integers may
     * reach ±(2^64 − 1) and are kept exact; every other rule is the same. What the reader takes from
     * such a value into a stored record must still obey the record's own rules.
     */
    public static JsonNode parseRequestWith64BitIntegers(String text) {
        if (text == null || text.isBlank()) {
            throw emptyInput();
        }
        JsonNode node = read(() -> REQUEST_READER.createParser(text), REQUEST_READER, MAX_REQUEST_DEPTH, mayYieldUnpairedSurrogate(text));
        return RequestNumbers.exact(node, "$", RequestNumbers.INTEGERS_OF_64_BITS);
    }

    /** Compact UTF-8 JSON. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot serialize " + value.getClass().getName() + " to JSON", e);
        }
    }

    public static String writeString(Object value) {
        return new String(write(value), StandardCharsets.UTF_8);
    }

    private interface ParserSource {
        JsonParser open() throws IOException;
    }

    /** @param mayYieldUnpairedSurrogate false only when the source cannot give a string an unpaired surrogate: then its tree is not walked */
    private static JsonNode read(ParserSource source, ObjectReader reader, int maxDepth, boolean mayYieldUnpairedSurrogate) {
        JsonParser parser = null;
        try {
            parser = source.open();
            JsonNode node = reader.readTree(parser);
            if (node == null || node.isMissingNode()) {
                throw new MalformedJsonException("Malformed JSON: the body holds no JSON value; send one JSON value");
            }
            if (parser.nextToken() != null) {
                throw new MalformedJsonException("Malformed JSON" + position(parser.currentTokenLocation())
                        + ": unexpected content after the JSON value; send exactly one JSON value");
            }
            if (mayYieldUnpairedSurrogate && holdsUnpairedSurrogate(node)) {
                throw new MalformedJsonException("Malformed JSON: a string holds an unpaired UTF-16 surrogate"
                        + " (e.g. \\ud800 without its partner); JSON text must be valid Unicode");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException(ParseErrors.describe(e, parser == null ? null : parser.getParsingContext(), maxDepth));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            closeQuietly(parser);
        }
    }

    private static void closeQuietly(JsonParser parser) {
        if (parser == null) {
            return;
        }
        try {
            parser.close();
        } catch (IOException e) {
            // nothing to release that matters for an in-memory source
        }
    }

    private static MalformedJsonException emptyInput() {
        return new MalformedJsonException("Malformed JSON: the body is empty; send one JSON value");
    }

    /**
     * True when {@code text} holds a UTF-16 surrogate that is not part of a pair: such text has no
     * UTF-8 form, and would be silently replaced on encoding.
     */
    public static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * False when no string read from {@code text} can hold an unpaired surrogate: the text holds no unpaired
     * surrogate and no escape of any surrogate ({@code \\u} followed by D800–DFFF, or what looks like it behind an
     * escaped backslash, which only costs the walk). Then every string is made of the text's own characters, pairs
     * kept together, and of other escapes, and the tree need not be walked (a fifth of parsing a 4 KB session); this
     * scan of the text costs a sixth of the walk.
     */
    static boolean mayYieldUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            if (Character.isSurrogate(c)) return true;
            if (c == '\\' && i + 3 < text.length() && text.charAt(i + 1) == 'u' && (text.charAt(i + 2) | 0x20) == 'd'
                    && "89abcdefABCDEF".indexOf(text.charAt(i + 3)) >= 0) {
                return true;
            }
        }
        return false;
    }

    // Jackson accepts "\ud800" escapes, and even the invalid UTF-8 bytes of a lone surrogate.
    private static boolean holdsUnpairedSurrogate(JsonNode node) {
        if (node.isTextual()) {
            return hasUnpairedSurrogate(node.textValue());
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (hasUnpairedSurrogate(field.getKey()) || holdsUnpairedSurrogate(field.getValue())) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                if (holdsUnpairedSurrogate(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String position(JsonLocation where) {
        return where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
    }
}
