package dev.veriproof.access;

import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.core.access.ApiKeyRecord;
import dev.veriproof.core.access.ApiKeys;
import dev.veriproof.core.access.KeyStore;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.access.Tenants;
import dev.veriproof.core.applications.ApplicationStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Authentication by API key, and the life cycle of keys and tenants. */
public final class AccessService {
    private final KeyStore keys;
    private final ApplicationStore applications;
    private final Clock clock;

    public AccessService(KeyStore keys, ApplicationStore applications, Clock clock) {
        this.keys = keys;
        this.applications = applications;
        this.clock = clock;
    }

    /** A new key and what is stored of it; the key itself is returned once and never stored. */
    public record IssuedKey(String key, ApiKeyRecord record) {}

    /** The caller a key stands for; empty for a malformed, unknown or revoked key. */
    public Optional<Principal> authenticate(String key) {
        Optional<Role> claimedRole = ApiKeys.roleOf(key);
        if (claimedRole.isEmpty()) return Optional.empty();
        return keys.findByHash(ApiKeys.hash(key))
                .filter(ApiKeyRecord::active)
                .filter(record -> record.role() == claimedRole.get())
                .map(ApiKeyRecord::principal);
    }

    /** @param actor who issues it (the admin's key id, or "bootstrap"), recorded in the audit log */
    public IssuedKey issueKey(String tenantId, String actor, Role role, String name, List<String> limitedTo) {
        if (!limitedTo.isEmpty() && role != Role.AUDITOR) {
            throw ApiException.badRequest("invalid_value",
                    "Only auditor keys can be limited to applications; leave out applications for a " + role.wireName() + " key.",
                    "$.applications");
        }
        for (int i = 0; i < limitedTo.size(); i++) {
            if (applications.find(tenantId, limitedTo.get(i)).isEmpty()) {
                throw new ApiException(422, "unknown_application",
                        "Application '" + limitedTo.get(i) + "' is not registered; register it first.", "$.applications[" + i + "]");
            }
        }
        String key = ApiKeys.generate(role);
        ApiKeyRecord record = new ApiKeyRecord(ApiKeys.newKeyId(), tenantId, role, name, Set.copyOf(limitedTo),
                ApiKeys.hash(key), clock.instant(), null);
        keys.create(record, actor);
        return new IssuedKey(key, record);
    }

    /** Revokes a key of the tenant (idempotent); 404 for a key of another tenant or none. */
    public ApiKeyRecord revokeKey(String tenantId, String actor, String keyId) {
        return keys.revoke(tenantId, keyId, clock.instant(), actor).orElseThrow(() -> ApiException.notFound("Key " + keyId));
    }

    public List<ApiKeyRecord> listKeys(String tenantId) {
        return keys.list(tenantId);
    }

    /**
     * Creates a tenant and its first admin key: how a deployed stack gets its first caller. Fails if
     * the tenant exists, so that running it twice cannot mint a second admin key unnoticed.
     */
    public IssuedKey bootstrapTenant(String tenantId, String name) {
        if (!Tenants.isValidId(tenantId)) {
            throw new IllegalArgumentException("tenant id must be 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit");
        }
        if (!keys.createTenant(tenantId, name, clock.instant())) {
            throw new IllegalStateException("tenant " + tenantId + " exists already");
        }
        return issueKey(tenantId, "bootstrap", Role.ADMIN, "bootstrap admin key", List.of());
    }
}
