package dev.veriproof.core.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where tenants and API keys live. */
public interface KeyStore {
    /** Creates the tenant; false if it exists already. */
    boolean createTenant(String tenantId, String name, Instant at);

    boolean tenantExists(String tenantId);

    void create(ApiKeyRecord key);

    Optional<ApiKeyRecord> findByHash(String keyHash);

    Optional<ApiKeyRecord> find(String tenantId, String keyId);

    /** Marks the key revoked (idempotent); empty when the tenant has no such key. */
    Optional<ApiKeyRecord> revoke(String tenantId, String keyId, Instant at);

    List<ApiKeyRecord> list(String tenantId);
}
