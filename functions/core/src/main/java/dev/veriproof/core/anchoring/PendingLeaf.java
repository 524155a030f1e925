package dev.veriproof.core.anchoring;

import dev.veriproof.core.hash.Hashes;
import java.util.Objects;

/** A session waiting to be anchored, with the leaf hash stored with its canonical record. */
public record PendingLeaf(String tenantId, String sessionId, String leafHash) {
    public PendingLeaf {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(sessionId, "sessionId");
        if (!Hashes.isSha256Hex(leafHash)) {
            throw new IllegalArgumentException("leaf hash of " + tenantId + "/" + sessionId + " is not a SHA-256 hex string");
        }
    }
}
