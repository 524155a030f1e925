package dev.veriproof.core.canonical;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.veriproof.core.hash.Hashes;

/**
 * Ids derived from content: the SHA-256 of the RFC 8785 canonical form of a JSON array of the
 * fields. Unlike fields joined with a separator, the encoding is unambiguous, so two different
 * sets of fields never share an id ({@code ["alice\nbob","ok"]} and {@code ["alice","bob\nok"]}
 * differ), and null differs from "".
 */
public final class ContentIds {
    private ContentIds() {
    }

    /** The lowercase hex SHA-256 of {@code JCS([field, ...])}; a null field is JSON null. */
    public static String of(String... fields) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (String field : fields) {
            if (field == null) array.addNull(); else array.add(field);
        }
        return Hashes.hex(Hashes.sha256(Canonical.jcs(array)));
    }
}
