package dev.veriproof.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import java.util.Objects;

/**
 * One entry of a tenant's audit log (SPEC §8): {@code {seq, at, actor, action, target, details,
 * prevHash, hash}}. The entry is kept as the JSON object it was hashed as, so that verification
 * recomputes the hash from exactly what is stored.
 */
public record AuditEntry(long seq, String at, String actor, String action, String target, JsonNode details,
                         String prevHash, String hash) {
    public AuditEntry {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        details = details == null ? Json.mapper().createObjectNode() : details;
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
    }

    /** The entry as JSON, in the field order of SPEC §8. */
    public ObjectNode toJson() {
        ObjectNode node = withoutHash();
        node.put("hash", hash);
        return node;
    }

    /** The object the hash is computed over: the entry without its {@code hash} field. */
    public ObjectNode withoutHash() {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("seq", seq);
        node.put("at", at);
        node.put("actor", actor);
        node.put("action", action);
        node.put("target", target);
        node.set("details", details.deepCopy());
        node.put("prevHash", prevHash);
        return node;
    }

    /**
     * Reads an entry from its JSON form, as an auditor or the verifier receives it.
     *
     * @throws IllegalArgumentException when a field is missing or of the wrong type
     */
    public static AuditEntry fromJson(JsonNode node) {
        if (node == null || !node.isObject()) throw new IllegalArgumentException("an audit entry must be a JSON object");
        JsonNode seq = node.get("seq");
        if (seq == null || !seq.canConvertToLong() || !seq.isIntegralNumber()) throw new IllegalArgumentException("seq must be an integer");
        return new AuditEntry(seq.longValue(), text(node, "at"), text(node, "actor"), text(node, "action"),
                text(node, "target"), node.has("details") ? node.get("details") : null, text(node, "prevHash"), text(node, "hash"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) throw new IllegalArgumentException(field + " must be a string");
        return value.textValue();
    }
}
