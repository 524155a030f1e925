package dev.veriproof.core.canonical;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.erdtman.jcs.JsonCanonicalizer;

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
        try {
            // The canonicalizer only takes an object or an array at the top: wrap every value in a
            // one-element array and take the brackets off again.
            String wrapped = "[" + WRITER.writeValueAsString(node) + "]";
            String canonical = new JsonCanonicalizer(wrapped).getEncodedString();
            // UTF-8 encoding would turn an unpaired surrogate into '?', so that two different values
            // would share one canonical form.
            if (Json.hasUnpairedSurrogate(canonical)) {
                throw new IllegalArgumentException("Cannot canonicalize a string holding an unpaired UTF-16 surrogate");
            }
            byte[] bytes = canonical.getBytes(StandardCharsets.UTF_8);
            return Arrays.copyOfRange(bytes, 1, bytes.length - 1);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot serialize the JSON value: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot canonicalize the JSON value (RFC 8785): " + e.getMessage(), e);
        }
    }
}
