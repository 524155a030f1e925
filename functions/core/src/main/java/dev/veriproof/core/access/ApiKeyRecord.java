package dev.veriproof.core.access;

import java.time.Instant;
import java.util.Set;

/**
 * What is stored of an API key: its hash and what it may do, never the key itself.
 *
 * @param applications for auditor keys, the applications it is limited to (empty: all)
 * @param revokedAt null while the key is active
 */
public record ApiKeyRecord(String keyId, String tenantId, Role role, String name, Set<String> applications,
                           String keyHash, Instant createdAt, Instant revokedAt) {
    public ApiKeyRecord {
        applications = Set.copyOf(applications);
    }

    public boolean active() {
        return revokedAt == null;
    }

    public Principal principal() {
        return new Principal(tenantId, role, keyId, applications);
    }
}
