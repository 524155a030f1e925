package dev.veriproof.adapters.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;

/** An audited application store writes each change, its history version and its audit entry together or not at all. */
@ExtendWith(LocalAwsExtension.class)
class DynamoApplicationStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");

    private DynamoAuditLog audit;
    private DynamoApplicationStore store;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) {
        audit = new DynamoAuditLog(aws.client(), aws.tableName("GovernanceTable"), Clock.systemUTC());
        store = new DynamoApplicationStore(DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build(),
                aws.tableName("GovernanceTable"), audit);
        tenant = "apps-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Application version(long version, RiskLevel declared) {
        return new Application(tenant, "app", "App", declared, 80, "owner", RedactionPolicy.NONE, version, T0, T0.plusSeconds(version));
    }

    private List<AuditEntry> entries() {
        return audit.list(tenant, 0, 100);
    }

    @Test
    void eachChangeAndItsAuditEntryAreWrittenTogether() {
        assertTrue(store.create(version(1, RiskLevel.LOW), "key_admin"));
        assertTrue(store.update(version(2, RiskLevel.HIGH), "key_admin"));

        List<AuditEntry> entries = entries();
        assertEquals(List.of("application.create", "application.update"), entries.stream().map(AuditEntry::action).toList());
        assertEquals("application/app", entries.get(1).target());
        assertEquals("key_admin", entries.get(1).actor());
        assertEquals("HIGH", entries.get(1).details().get("declaredRiskLevel").asText());
        assertEquals(2, store.history(tenant, "app").size());
        assertTrue(AuditChain.verify(entries, audit.head(tenant)).intact());
    }

    @Test
    void aRefusedChangeWritesNeitherHistoryNorAuditEntry() {
        assertTrue(store.create(version(1, RiskLevel.LOW), "key_admin"));

        assertFalse(store.create(version(1, RiskLevel.MEDIUM), "key_admin"), "the id is taken");
        assertFalse(store.update(version(3, RiskLevel.CRITICAL), "key_admin"), "version 2 was expected next, the change is stale");

        assertEquals(1, entries().size());
        assertEquals(1, store.history(tenant, "app").size());
        assertEquals(RiskLevel.LOW, store.find(tenant, "app").orElseThrow().declaredRiskLevel());
    }
}
