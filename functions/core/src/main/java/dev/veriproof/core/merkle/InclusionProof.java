package dev.veriproof.core.merkle;

import static dev.veriproof.core.hash.Hashes.SHA256_BYTES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An RFC 9162 inclusion proof: the audit path (lowercase hex, from the leaf upward) that links
 * the leaf at {@code leafIndex} to the {@code root} of a tree of {@code treeSize} leaves.
 *
 * <p>The record accepts any values, so that a proof read from an untrusted document can be held
 * and checked: {@link #verifies} is what decides.
 */
public record InclusionProof(long leafIndex, long treeSize, List<String> auditPath, String root) {

    public InclusionProof {
        auditPath = List.copyOf(auditPath);
        Objects.requireNonNull(root, "root");
    }

    /** RFC 9162 §2.1.3.2: does {@code leafHash} sit at {@code leafIndex} of the tree with this root? */
    public boolean verifies(byte[] leafHash) {
        if (leafIndex < 0 || leafIndex >= treeSize || leafHash == null || leafHash.length != SHA256_BYTES
                || !Hashes.isSha256Hex(root) || !auditPath.stream().allMatch(Hashes::isSha256Hex)) {
            return false;
        }
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (String element : auditPath) {
            if (sn == 0) {
                return false;
            }
            byte[] p = Hashes.fromHex(element);
            if ((fn & 1) == 1 || fn == sn) {
                r = Hashes.nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = Hashes.nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, Hashes.fromHex(root));
    }

    /** Reads {@code {leafIndex, treeSize, auditPath, root}}; throws IllegalArgumentException on another shape. */
    public static InclusionProof fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("An inclusion proof must be a JSON object");
        }
        JsonNode path = json.get("auditPath");
        if (path == null || !path.isArray()) {
            throw new IllegalArgumentException("auditPath must be an array of hex strings");
        }
        List<String> auditPath = new ArrayList<>();
        for (JsonNode element : path) {
            if (!element.isTextual()) {
                throw new IllegalArgumentException("auditPath must be an array of hex strings");
            }
            auditPath.add(element.textValue());
        }
        JsonNode root = json.get("root");
        if (root == null || !root.isTextual()) {
            throw new IllegalArgumentException("root must be a hex string");
        }
        return new InclusionProof(longField(json, "leafIndex"), longField(json, "treeSize"), auditPath, root.textValue());
    }

    public JsonNode toJson() {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("leafIndex", leafIndex);
        json.put("treeSize", treeSize);
        auditPath.forEach(json.putArray("auditPath")::add);
        json.put("root", root);
        return json;
    }

    private static long longField(JsonNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException(name + " must be an integer");
        }
        return value.longValue();
    }
}
