package dev.veriproof.adapters.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** The audit log on DynamoDB Local: gap-free under concurrent appends, atomic with the record it is about. */
@ExtendWith(LocalAwsExtension.class)
class DynamoAuditLogTest {
    private LocalAws aws;
    private DynamoAuditLog log;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        log = new DynamoAuditLog(aws.client(), aws.tableName("GovernanceTable"), Clock.systemUTC());
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static AuditEvent event(String what) {
        return new AuditEvent("key_test", "test.event", "thing/" + what, Map.of("what", what));
    }

    @Test
    void concurrentAppendsFormOneGapFreeChain() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<AuditEntry>> appends = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String what = "e" + i;
                appends.add(() -> log.append(tenant, event(what)));
            }
            for (Future<AuditEntry> f : pool.invokeAll(appends)) f.get();
        } finally {
            pool.shutdownNow();
        }
        List<AuditEntry> entries = log.list(tenant, 0, 1000);
        assertEquals(40, entries.size());
        for (int i = 0; i < 40; i++) assertEquals(i + 1, entries.get(i).seq());
        assertEquals(40, entries.stream().map(e -> e.target()).distinct().count(), "every append is there exactly once");
        AuditChain.Verification v = AuditChain.verify(entries, log.head(tenant));
        assertTrue(v.intact(), v.toString());
    }

    @Test
    void pagesFollowTheSeqOrder() {
        for (int i = 0; i < 5; i++) log.append(tenant, event("p" + i));
        assertEquals(List.of(3L, 4L), log.list(tenant, 2, 2).stream().map(AuditEntry::seq).toList());
        assertEquals(List.of(), log.list("t-nobody-" + UUID.randomUUID().toString().substring(0, 6), 0, 10));
    }

    @Test
    void aRecordAndItsEntryAreWrittenTogetherOrNotAtAll() {
        Map<String, AttributeValue> record = new HashMap<>();
        record.put("pk", AttributeValue.fromS("TENANT#" + tenant));
        record.put("sk", AttributeValue.fromS("TEST#one"));
        TransactWriteItem putIfNew = TransactWriteItem.builder().put(Put.builder().tableName(aws.tableName("GovernanceTable"))
                .item(record).conditionExpression("attribute_not_exists(pk)").build()).build();

        assertTrue(log.appendWith(tenant, event("first"), List.of(putIfNew)).written());
        DynamoAuditLog.Appended refused = log.appendWith(tenant, event("second"), List.of(putIfNew));
        assertFalse(refused.written());
        assertEquals(0, refused.refusedWrite());
        assertEquals(1, log.list(tenant, 0, 10).size(), "the refused write left no audit entry");
        assertEquals(1, log.head(tenant).orElseThrow().seq());
    }

    @Test
    void editingAStoredEntryIsDetected() {
        for (int i = 0; i < 3; i++) log.append(tenant, event("x" + i));
        String table = aws.tableName("GovernanceTable");
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("TENANT#" + tenant), "sk", AttributeValue.fromS(DynamoAuditLog.entrySk(2)));
        String entry = aws.client().getItem(r -> r.tableName(table).key(key)).item().get("entry").s();
        aws.client().updateItem(r -> r.tableName(table).key(key).updateExpression("SET #e = :e")
                .expressionAttributeNames(Map.of("#e", "entry"))
                .expressionAttributeValues(Map.of(":e", AttributeValue.fromS(entry.replace("key_test", "key_other")))));
        AuditChain.Verification v = AuditChain.verify(log.list(tenant, 0, 10), log.head(tenant));
        assertEquals(AuditChain.Problem.EDITED, v.firstBreak().orElseThrow().problem());
        assertEquals(2, v.firstBreak().orElseThrow().seq());
    }
}
