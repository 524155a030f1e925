package dev.veriproof.core.anchoring;

import dev.veriproof.core.hash.Hashes;
import java.util.Objects;

/**
 * A session waiting to be anchored: {@code sessionKey} is its storage key (opaque here), the leaf
 * hash is the one stored with its canonical record.
 */
public record PendingLeaf(String sessionKey, String tenantId, String sessionId, String leafHash) {
    public PendingLeaf {
        Objects.requireNonNull(sessionKey, "sessionKey");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(sessionId, "sessionId");
        if (!Hashes.isSha256Hex(leafHash)) throw new IllegalArgumentException("leaf hash of " + sessionKey + " is not a SHA-256 hex string");
    }
}
