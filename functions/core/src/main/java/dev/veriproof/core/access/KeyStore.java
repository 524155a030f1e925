package dev.veriproof.core.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where tenants and API keys live. */
public interface KeyStore {
    /** Creates the tenant; false if it exists already. */
    boolean createTenant(String tenantId, String name, Instant at);

    boolean tenantExists(String tenantId);

    /** @param actor who created it (a key id, or "bootstrap"), for the audit log */
    void create(ApiKeyRecord key, String actor);

    Optional<ApiKeyRecord> findByHash(String keyHash);

    Optional<ApiKeyRecord> find(String tenantId, String keyId);

    /** Marks the key revoked (idempotent); empty when the tenant has no such key. */
    Optional<ApiKeyRecord> revoke(String tenantId, String keyId, Instant at, String actor);

    List<ApiKeyRecord> list(String tenantId);
}
