package dev.veriproof.core.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
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

/** The one JSON configuration of the project: strict parsing, compact UTF-8 output. */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    // Trailing content is checked by parse itself, to give a message that names no Jackson internals.
    private static final ObjectReader TREE_READER = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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
        return read(() -> MAPPER.createParser(bytes));
    }

    public static JsonNode parse(String text) {
        if (text == null || text.isEmpty()) {
            throw emptyInput();
        }
        return read(() -> MAPPER.createParser(text));
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

    private static JsonNode read(ParserSource source) {
        try (JsonParser parser = source.open()) {
            JsonNode node = TREE_READER.readTree(parser);
            if (node == null || node.isMissingNode()) {
                throw new MalformedJsonException("Malformed JSON: the body holds no JSON value; send one JSON value");
            }
            if (parser.nextToken() != null) {
                throw new MalformedJsonException("Malformed JSON" + position(parser.currentTokenLocation())
                        + ": unexpected content after the JSON value; send exactly one JSON value");
            }
            if (holdsUnpairedSurrogate(node)) {
                throw new MalformedJsonException("Malformed JSON: a string holds an unpaired UTF-16 surrogate"
                        + " (e.g. \\ud800 without its partner); JSON text must be valid Unicode");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException("Malformed JSON" + position(e.getLocation()) + ": " + describe(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    // Jackson appends where an unclosed object or array started, in its own source notation; the
    // position we report already says where the input stopped making sense.
    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int startMarker = message.indexOf(" (start marker at");
        return startMarker < 0 ? message : message.substring(0, startMarker);
    }
}
