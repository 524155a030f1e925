package dev.veriproof.adapters.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.access.ApiKeyRecord;
import dev.veriproof.core.access.ApiKeys;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;

/** An audited key store records a key's creation and revocation in the same transaction as the key. */
@ExtendWith(LocalAwsExtension.class)
class DynamoKeyStoreTest {
    private DynamoAuditLog audit;
    private DynamoKeyStore keys;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) {
        audit = new DynamoAuditLog(aws.client(), aws.tableName("GovernanceTable"), Clock.systemUTC());
        keys = new DynamoKeyStore(DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build(),
                aws.tableName("GovernanceTable"), audit);
        tenant = "keys-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private ApiKeyRecord newKey() {
        String key = ApiKeys.generate(Role.INGEST);
        return new ApiKeyRecord(ApiKeys.newKeyId(), tenant, Role.INGEST, "sdk", Set.of(), ApiKeys.hash(key), Instant.now(), null);
    }

    private List<AuditEntry> entries() {
        return audit.list(tenant, 0, 100);
    }

    @Test
    void creationAndRevocationAreAuditedWithoutTheKeyOrItsHash() {
        ApiKeyRecord key = newKey();
        keys.create(key, "key_admin");
        assertTrue(keys.findByHash(key.keyHash()).isPresent());
        assertTrue(keys.revoke(tenant, key.keyId(), Instant.now(), "key_admin").isPresent());
        keys.revoke(tenant, key.keyId(), Instant.now(), "key_admin"); // already revoked: changes nothing

        List<AuditEntry> entries = entries();
        assertEquals(List.of("key.create", "key.revoke"), entries.stream().map(AuditEntry::action).toList());
        assertEquals("key/" + key.keyId(), entries.get(0).target());
        assertEquals("ingest", entries.get(0).details().get("role").asText());
        assertFalse(entries.toString().contains(key.keyHash()), "the key's hash stays out of the audit log");
        assertFalse(keys.findByHash(key.keyHash()).orElseThrow().active(), "the authorizer's copy is revoked too");
        assertTrue(AuditChain.verify(entries, audit.head(tenant)).intact());
    }

    @Test
    void concurrentRevocationsRecordOneEntry() throws Exception {
        ApiKeyRecord key = newKey();
        keys.create(key, "key_admin");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Object>> revokes = List.of(
                    () -> keys.revoke(tenant, key.keyId(), Instant.now(), "a"), () -> keys.revoke(tenant, key.keyId(), Instant.now(), "b"),
                    () -> keys.revoke(tenant, key.keyId(), Instant.now(), "c"), () -> keys.revoke(tenant, key.keyId(), Instant.now(), "d"));
            for (var result : pool.invokeAll(revokes)) result.get();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, entries().stream().filter(e -> e.action().equals("key.revoke")).count());
        assertFalse(keys.find(tenant, key.keyId()).orElseThrow().active());
    }
}
