package dev.veriproof.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code GET /v1/audit-log/verify} reads the chain a page at a time (here 10 entries, so that every case crosses
 * pages) and must answer exactly what {@link AuditChain#verify} answers for the whole log as stored, through
 * DynamoDB Local: intact, an entry edited, entries removed, two entries' contents swapped (out of order: told apart
 * from removal by finding the missing seq further on, in a later page), the last entry removed (against the head).
 */
@ExtendWith(LocalAwsExtension.class)
class AuditLogVerifyTest {
    private static final int ENTRIES = 25;

    private DynamoDbClient dynamo;
    private String table;
    private DynamoAuditLog log;
    private AuditLogHandler handler;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) {
        dynamo = aws.client();
        table = aws.tableName("GovernanceTable");
        log = new DynamoAuditLog(dynamo, table, Clock.systemUTC());
        handler = new AuditLogHandler(log, 10);
        tenant = "t-" + UUID.randomUUID();
        for (int i = 0; i < ENTRIES; i++) log.append(tenant, new AuditEvent("key_admin", "review.create", "session/s-" + i, Map.of("n", i)));
    }

    private Map<String, AttributeValue> key(long slot) {
        return Map.of("pk", AttributeValue.fromS("TENANT#" + tenant), "sk", AttributeValue.fromS(String.format("AUDIT#%012d", slot)));
    }

    private String stored(long slot) {
        return dynamo.getItem(r -> r.tableName(table).key(key(slot))).item().get("entry").s();
    }

    private void store(long slot, String entry) {
        dynamo.updateItem(r -> r.tableName(table).key(key(slot)).updateExpression("SET #e = :e")
                .expressionAttributeNames(Map.of("#e", "entry")).expressionAttributeValues(Map.of(":e", AttributeValue.fromS(entry))));
    }

    /** The reference: the whole log as stored, in key order, checked at once. */
    private Map<String, Object> whole() {
        List<AuditEntry> all = new ArrayList<>();
        log.forEach(tenant, all::add);
        return AuditLogHandler.view(AuditChain.verify(all, log.head(tenant)));
    }

    private void assertAsTheWholeCheck(String problem) {
        Map<String, Object> paged = handler.verification(tenant);
        assertEquals(whole(), paged);
        Object at = paged.get("firstBreak");
        assertEquals(problem, at == null ? null : ((Map<?, ?>) at).get("problem"), paged.toString());
    }

    @Test
    void intact() {
        assertAsTheWholeCheck(null);
        assertEquals(ENTRIES, handler.verification(tenant).get("entriesChecked"));
    }

    @Test
    void anEntryEditedOnTheSecondPage() {
        store(17, stored(17).replace("review.create", "review.delete"));
        assertAsTheWholeCheck("EDITED");
        assertEquals(16L, handler.verification(tenant).get("lastSeq"));
    }

    @Test
    void entriesRemoved() {
        dynamo.deleteItem(r -> r.tableName(table).key(key(12)));
        dynamo.deleteItem(r -> r.tableName(table).key(key(13)));
        assertAsTheWholeCheck("REMOVED");
    }

    @Test
    void twoEntriesSwappedAcrossPages() {
        String third = stored(3);
        String twentySecond = stored(22);
        store(3, twentySecond);
        store(22, third);
        assertAsTheWholeCheck("REORDERED");
    }

    @Test
    void theLastEntryRemoved() {
        dynamo.deleteItem(r -> r.tableName(table).key(key(ENTRIES)));
        assertAsTheWholeCheck("TRUNCATED");
    }
}
