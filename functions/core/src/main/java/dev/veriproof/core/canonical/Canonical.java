package dev.veriproof.core.canonical;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import org.erdtman.jcs.JsonCanonicalizer;
import org.erdtman.jcs.NumberToJSON;

/** RFC 8785 JSON Canonicalization Scheme (JCS). */
public final class Canonical {

    // NaN and infinities must reach the canonicalizer as bare tokens so that it refuses them,
    // instead of turning them into strings and silently changing the value.
    private static final ObjectWriter WRITER = Json.mapper().writer().without(JsonWriteFeature.WRITE_NAN_AS_STRINGS);

    private Canonical() {
    }

    /**
     * The canonical UTF-8 bytes of {@code node}.
     *
     * @throws IllegalArgumentException when the node holds a number JSON cannot represent (NaN, infinity)
     *     or a string that is not valid Unicode
     */
    public static byte[] jcs(JsonNode node) {
        StringBuilder out = new StringBuilder(8192);
        if (!Direct.write(node, out)) return reference(node);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The canonical bytes by the reference implementation: the node written out by Jackson and read back and
     * serialized by the canonicalizer. Several times slower than {@link Direct}, which gives the same bytes for
     * every tree it takes (CanonicalTest checks them against each other); kept for the number types Direct leaves
     * to it (a BigDecimal's or BigInteger's text is what the reference parses as a double) and for refusals.
     */
    static byte[] reference(JsonNode node) {
        try {
            // The canonicalizer only takes an object or an array at the top: wrap every value in a
            // one-element array and take the brackets off again.
            String wrapped = "[" + WRITER.writeValueAsString(node) + "]";
            String canonical = new JsonCanonicalizer(wrapped).getEncodedString();
            refuseUnpairedSurrogates(canonical);
            byte[] bytes = canonical.getBytes(StandardCharsets.UTF_8);
            return Arrays.copyOfRange(bytes, 1, bytes.length - 1);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot serialize the JSON value: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot canonicalize the JSON value (RFC 8785): " + e.getMessage(), e);
        }
    }

    // UTF-8 encoding would turn an unpaired surrogate into '?', so that two different values would share one canonical form.
    private static void refuseUnpairedSurrogates(String canonical) {
        if (Json.hasUnpairedSurrogate(canonical)) throw unpairedSurrogate();
    }

    private static IllegalArgumentException unpairedSurrogate() {
        return new IllegalArgumentException("Cannot canonicalize a string holding an unpaired UTF-16 surrogate");
    }

    /**
     * RFC 8785 straight from the tree: members sorted by UTF-16 code units, strings escaped as the RFC (and the
     * reference canonicalizer) escape them, numbers as ECMAScript writes the double the reference would read.
     */
    private static final class Direct {
        private static final char[] HEX = "0123456789abcdef".toCharArray();

        /** False, with {@code out} left partly written, when the tree holds a value it leaves to the reference. */
        static boolean write(JsonNode node, StringBuilder out) {
            switch (node.getNodeType()) {
                case OBJECT -> {
                    String[] names = new String[node.size()];
                    int i = 0;
                    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) names[i++] = it.next();
                    Arrays.sort(names);
                    out.append('{');
                    for (int k = 0; k < names.length; k++) {
                        if (k > 0) out.append(',');
                        string(names[k], out);
                        out.append(':');
                        if (!write(node.get(names[k]), out)) return false;
                    }
                    out.append('}');
                }
                case ARRAY -> {
                    out.append('[');
                    for (int k = 0; k < node.size(); k++) {
                        if (k > 0) out.append(',');
                        if (!write(node.get(k), out)) return false;
                    }
                    out.append(']');
                }
                case STRING -> string(node.textValue(), out);
                case BOOLEAN -> out.append(node.booleanValue());
                case NULL -> out.append("null");
                case NUMBER -> {
                    double value;
                    if (node.isInt() || node.isLong()) value = node.longValue();
                    else if (node.isDouble()) value = node.doubleValue();
                    else return false;
                    if (!Double.isFinite(value)) return false;
                    try {
                        out.append(NumberToJSON.serializeNumber(value));
                    } catch (IOException e) {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        /** Refuses an unpaired surrogate on the way (see {@link #refuseUnpairedSurrogates}), instead of scanning the output again. */
        private static void string(String value, StringBuilder out) {
            out.append('"');
            int run = 0;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (Character.isSurrogate(c)) {
                    if (!Character.isHighSurrogate(c) || i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                        throw unpairedSurrogate();
                    }
                    i++;
                    continue;
                }
                if (c >= 0x20 && c != '"' && c != '\\') continue;
                out.append(value, run, i);
                run = i + 1;
                switch (c) {
                    case '\n' -> out.append("\\n");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '"', '\\' -> out.append('\\').append(c);
                    default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                }
            }
            out.append(value, run, value.length());
            out.append('"');
        }
    }
}
