package dev.veriproof.core.anchoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.util.Objects;

/**
 * The leaf that opens a tenant's group in a format-2 batch (docs/anchoring.md): it commits to how many of the tenant's
 * sessions follow it ({@code count}), to the tenant's previous batch ({@code seq} counts the tenant's batches from 1,
 * {@code prev} is the previous header's leaf hash, 64 zeros before the first) and to the tenant's audit-log head at
 * batch time ({@code auditSeq} 0 and 64 zeros before the first entry). Its leaf hash is
 * {@code SHA-256(0x00 ‖ JCS({"type":"veriproof.tenant-batch","tenant","seq","prev","count","auditHead":{"seq","hash"}}))}.
 */
public record TenantHeader(String tenant, long seq, String prev, long count, long auditSeq, String auditHash) {
    public static final String TYPE = "veriproof.tenant-batch";
    /** {@code prev} of a tenant's first header, and the audit hash of a tenant without audit entries. */
    public static final String NONE = "0".repeat(64);

    public TenantHeader {
        Objects.requireNonNull(tenant, "tenant");
        if (seq < 1) throw new IllegalArgumentException("seq counts from 1");
        if (count < 1) throw new IllegalArgumentException("a header opens at least one session");
        if (!Hashes.isSha256Hex(prev) || !Hashes.isSha256Hex(auditHash)) throw new IllegalArgumentException("prev and auditHash are SHA-256 hex");
        if (auditSeq < 0) throw new IllegalArgumentException("auditSeq is 0 or more");
    }

    public JsonNode toJson() {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("type", TYPE);
        json.put("tenant", tenant);
        json.put("seq", seq);
        json.put("prev", prev);
        json.put("count", count);
        json.putObject("auditHead").put("seq", auditSeq).put("hash", auditHash);
        return json;
    }

    /** Reads the JSON form; throws IllegalArgumentException naming what is wrong. */
    public static TenantHeader fromJson(JsonNode json) {
        if (json == null || !json.isObject() || !TYPE.equals(json.path("type").asText(null))) {
            throw new IllegalArgumentException("a tenant header is an object of type " + TYPE);
        }
        JsonNode audit = json.path("auditHead");
        return new TenantHeader(text(json, "tenant"), number(json, "seq"), text(json, "prev"), number(json, "count"),
                number(audit, "seq"), text(audit, "hash"));
    }

    /** SHA-256(0x00 ‖ JCS(the header)): the header's leaf in the batch tree. */
    public byte[] leafHash() {
        return Hashes.leafHash(Canonical.jcs(toJson()));
    }

    /** The header of the tenant's next batch after {@code head}. */
    public static TenantHeader next(String tenant, ChainHead head, long count, long auditSeq, String auditHash) {
        return new TenantHeader(tenant, head.seq() + 1, head.headerHash(), count, auditSeq, auditHash);
    }

    /** Where a tenant's batch chain stands: the last anchored header's seq and leaf hash. */
    public record ChainHead(long seq, String headerHash) {
        public static final ChainHead NONE = new ChainHead(0, TenantHeader.NONE);
    }

    private static String text(JsonNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || !value.isTextual()) throw new IllegalArgumentException("tenant header: " + name + " must be a string");
        return value.textValue();
    }

    private static long number(JsonNode json, String name) {
        JsonNode value = json == null ? null : json.get(name);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("tenant header: " + name + " must be an integer");
        }
        return value.longValue();
    }
}
