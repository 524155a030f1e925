package dev.veriproof.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.audit.AuditCheckpoint;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The Compliance Center's walk of a tenant's audit log from its checkpoint (PostureReader.auditFacts), against DynamoDB
 * Local, with a small sweep (40 entries) so that a sweep goes round in a few reads. Each read must give what a walk of
 * the whole log gives, read only the new entries and one slice, and find an edited or removed entry: at once after the
 * checkpoint, within one round of the sweep before it.
 */
@ExtendWith(LocalAwsExtension.class)
class AuditLogWalkTest {
    private static final int SWEEP = 40;
    private static final int SAVE_AFTER = 20;

    private final AtomicLong itemsRead = new AtomicLong();
    private DynamoDbClient dynamo;
    private String table;
    private DynamoAuditLog log;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) {
        dynamo = aws.client(new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                if (context.response() instanceof QueryResponse page) itemsRead.addAndGet(page.count());
            }
        });
        table = aws.tableName("GovernanceTable");
        log = new DynamoAuditLog(dynamo, table, Clock.systemUTC());
        tenant = "t-" + UUID.randomUUID();
    }

    private void append(int n) {
        for (int i = 0; i < n; i++) {
            String action = i % 10 == 0 ? "key.create" : i % 7 == 0 ? "exports.download" : "review.create";
            log.append(tenant, new AuditEvent("key_admin", action, "session/s-" + i, Map.of("note", "checked " + i)));
        }
    }

    private PostureReader.AuditFacts read() {
        itemsRead.set(0);
        return PostureReader.auditFacts(log, tenant, SWEEP, SAVE_AFTER);
    }

    /** What today's whole walk says: the reference every read must agree with. */
    private PostureReader.AuditFacts whole() {
        PostureReader.AuditFacts facts = new PostureReader.AuditFacts(AuditCheckpoint.NONE);
        log.forEach(tenant, facts::add);
        return facts;
    }

    private void assertSameAsWholeWalk(PostureReader.AuditFacts facts) {
        PostureReader.AuditFacts whole = whole();
        assertEquals(whole.keyAssignments(), facts.keyAssignments());
        assertEquals(whole.downloads(), facts.downloads());
        assertEquals(whole.intact(), facts.intact());
    }

    /** Rewrites entry {@code seq} as stored, keeping its hash: what a hand editing the table would do. */
    private void edit(long seq) {
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("TENANT#" + tenant), "sk", AttributeValue.fromS(String.format("AUDIT#%012d", seq)));
        ObjectNode entry = (ObjectNode) Json.parse(dynamo.getItem(r -> r.tableName(table).key(key)).item().get("entry").s());
        entry.put("actor", "key_mallory");
        dynamo.updateItem(r -> r.tableName(table).key(key).updateExpression("SET #e = :e")
                .expressionAttributeNames(Map.of("#e", "entry")).expressionAttributeValues(Map.of(":e", AttributeValue.fromS(Json.writeString(entry)))));
    }

    /** Replaces entry {@code seq} by another whose own hash is right: only the next link, or the checkpoint, tells. */
    private void replaceWithRehashed(long seq) {
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("TENANT#" + tenant), "sk", AttributeValue.fromS(String.format("AUDIT#%012d", seq)));
        AuditEntry e = AuditEntry.fromJson(Json.parse(dynamo.getItem(r -> r.tableName(table).key(key)).item().get("entry").s()));
        AuditEntry forged = new AuditEntry(e.seq(), e.at(), "key_mallory", e.action(), e.target(), e.details(), e.prevHash(), "");
        AuditEntry rehashed = new AuditEntry(e.seq(), e.at(), "key_mallory", e.action(), e.target(), e.details(), e.prevHash(), AuditChain.hashOf(forged));
        dynamo.updateItem(r -> r.tableName(table).key(key).updateExpression("SET #e = :e")
                .expressionAttributeNames(Map.of("#e", "entry")).expressionAttributeValues(Map.of(":e", AttributeValue.fromS(Json.writeString(rehashed.toJson())))));
    }

    @Test
    void aShortLogIsWalkedWholeAndSavesNoCheckpoint() {
        append(12);
        PostureReader.AuditFacts facts = read();
        assertSameAsWholeWalk(facts);
        assertTrue(facts.intact());
        assertEquals(2, facts.keyAssignments());
        assertEquals(Optional.empty(), log.checkpoint(tenant));
    }

    @Test
    void aCheckpointedLogReadsOnlyItsNewEntriesAndOneSlice_andAgreesWithTheWholeWalk() {
        append(150);
        PostureReader.AuditFacts first0 = read();
        assertEquals(150, itemsRead.get(), "the first read walks the whole log");
        assertSameAsWholeWalk(first0);
        AuditCheckpoint first = log.checkpoint(tenant).orElseThrow();
        assertEquals(150, first.seq());
        assertEquals(0, first.sweepSeq());

        append(5);
        PostureReader.AuditFacts second = read();
        assertEquals(5 + SWEEP, itemsRead.get(), "the 5 new entries and one slice of the verified ones");
        assertSameAsWholeWalk(second);
        assertTrue(second.intact());
        AuditCheckpoint saved = log.checkpoint(tenant).orElseThrow();
        assertEquals(155, saved.seq());
        assertEquals(SWEEP, saved.sweepSeq());

        // the sweep goes round the verified part (155 entries: 4 slices), then starts over
        for (long expected : new long[] {80, 120, 0, 40}) {
            PostureReader.AuditFacts again = read();
            assertTrue(itemsRead.get() <= SWEEP, itemsRead.get() + " items");
            assertTrue(again.intact());
            assertEquals(expected, log.checkpoint(tenant).orElseThrow().sweepSeq());
        }
    }

    @Test
    void anEntryEditedBeforeTheCheckpointIsFoundWithinOneRoundOfTheSweep_andStaysFound() {
        append(150);
        read();
        edit(100);
        // slices 1-40 and 41-80 hold it not: still reported intact (the window the checkpoint opens, documented)
        assertTrue(read().intact());
        assertTrue(read().intact());
        PostureReader.AuditFacts found = read(); // 81-120
        assertFalse(found.intact());
        assertEquals(100, log.checkpoint(tenant).orElseThrow().brokenAt());
        assertSameAsWholeWalk(found);
        append(3);
        assertFalse(read().intact(), "a broken chain stays broken");
        assertEquals(100, log.checkpoint(tenant).orElseThrow().brokenAt());
    }

    @Test
    void anEntryEditedAfterTheCheckpointIsFoundAtOnce() {
        append(150);
        read();
        append(5);
        edit(153);
        PostureReader.AuditFacts facts = read();
        assertFalse(facts.intact());
        assertEquals(153, log.checkpoint(tenant).orElseThrow().brokenAt());
        assertSameAsWholeWalk(facts);
    }

    @Test
    void theCheckpointedEntryItselfEditedIsFoundWhenTheSweepReachesIt() {
        append(150);
        read();
        edit(150);
        boolean found = false;
        for (int round = 0; round < 4 && !found; round++) found = !read().intact();
        assertTrue(found, "the sweep ends on the checkpointed entry and compares its hash");
        assertEquals(150, log.checkpoint(tenant).orElseThrow().brokenAt());
    }

    @Test
    void theCheckpointedEntryReplacedWithItsHashRecomputedIsFoundWhenTheSweepReachesIt() {
        append(150);
        read();
        replaceWithRehashed(150); // its own hash is right and it links to 149: only the checkpoint's hash differs
        assertTrue(read().intact());
        assertTrue(read().intact());
        assertTrue(read().intact());
        assertFalse(read().intact()); // 121-150: the sweep ends on another hash than the checkpoint's
        assertEquals(150, log.checkpoint(tenant).orElseThrow().brokenAt());
    }

    @Test
    void aRemovedEntryIsFoundByTheSweep() {
        append(150);
        read();
        dynamo.deleteItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS("TENANT#" + tenant),
                "sk", AttributeValue.fromS(String.format("AUDIT#%012d", 60)))));
        assertTrue(read().intact());
        assertFalse(read().intact()); // 41-80
        assertEquals(60, log.checkpoint(tenant).orElseThrow().brokenAt());
    }

    @Test
    void aCheckpointSavedByAnotherReadInBetweenStands() {
        append(150);
        read();
        AuditCheckpoint read = log.checkpoint(tenant).orElseThrow();
        AuditCheckpoint other = new AuditCheckpoint(read.seq(), read.hash(), read.keyAssignments(), read.downloads(), 40, read.sweepHash(), 0);
        assertTrue(log.saveCheckpoint(tenant, other, Optional.of(read)));
        AuditCheckpoint mine = new AuditCheckpoint(read.seq(), read.hash(), read.keyAssignments(), read.downloads(), 40, AuditChain.GENESIS_HASH, 0);
        assertFalse(log.saveCheckpoint(tenant, mine, Optional.of(read)), "saved from a stale read: refused");
        assertFalse(log.saveCheckpoint(tenant, mine, Optional.empty()), "a first save when one exists: refused");
        assertEquals(other, log.checkpoint(tenant).orElseThrow());
    }
}
