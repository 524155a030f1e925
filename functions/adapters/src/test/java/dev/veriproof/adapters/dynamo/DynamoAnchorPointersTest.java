package dev.veriproof.adapters.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.PendingLeaf;
import dev.veriproof.core.anchoring.PendingSessions.AnchoredLeaf;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.merkle.InclusionProof;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Anchoring's pointer items in the sessions table, through DynamoDB Local. */
@ExtendWith(LocalAwsExtension.class)
class DynamoAnchorPointersTest {
    private static final Instant RECEIVED = Instant.parse("2026-11-20T12:00:00Z");
    private static final Anchor ANCHOR = new Anchor(31337, "0x" + "ab".repeat(20), "0x" + "cd".repeat(32), 42,
            Instant.parse("2026-11-20T12:05:00Z"), "ef".repeat(32));

    private LocalAws aws;
    private DynamoSessionStore sessions;
    private DynamoAnchorPointers pointers;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        sessions = new DynamoSessionStore(aws.client(), aws.tableName("SessionsTable"));
        pointers = new DynamoAnchorPointers(aws.client(), aws.tableName("SessionsTable"));
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private StoredSession stored(String id, Instant receivedAt) {
        String record = "{\"applicationId\":\"app\",\"sessionId\":\"" + id + "\",\"startedAt\":\"2026-11-20T10:00:00Z\"}";
        StoredSession session = new StoredSession(tenant, id, "app", Instant.parse("2026-11-20T10:00:00Z"), record,
                String.format("%064x", Math.abs(id.hashCode())), 73, "FAIR", Map.of(), receivedAt, "req", false);
        sessions.putIfAbsent(session);
        return session;
    }

    private List<PendingLeaf> mine(int limit) {
        return pointers.oldestPending(limit).stream().filter(l -> l.tenantId().equals(tenant)).toList();
    }

    private Map<String, AttributeValue> item(String pk) {
        return aws.client().getItem(b -> b.tableName(aws.tableName("SessionsTable")).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk)))).item();
    }

    @Test
    void theBacklogIsShardedAcrossPartitionsAndComesBackWholeInReceivedOrder() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            StoredSession s = stored("s-" + i, RECEIVED.plusMillis(40 - i)); // received in reverse id order
            assertTrue(pointers.enqueue(s));
            ids.add(0, s.sessionId());
        }
        Set<String> partitions = new HashSet<>();
        for (String id : ids) partitions.add(item("A#" + tenant + "#" + id).get("anchorPending").s());
        assertTrue(partitions.size() >= 8, "no partition shared by all: " + partitions);
        assertTrue(partitions.stream().allMatch(p -> p.matches("P#\\d\\d")), partitions.toString());
        assertFalse(item("S#" + tenant + "#s-0").containsKey("pendingKey"), "the session item is not in the backlog index");

        assertEquals(ids, mine(100_000).stream().map(PendingLeaf::sessionId).toList(), "oldest received first");
        assertEquals(item("S#" + tenant + "#s-3").get("leafHash").s(),
                mine(100_000).stream().filter(l -> l.sessionId().equals("s-3")).findFirst().orElseThrow().leafHash());
    }

    @Test
    void aReplayedInsertChangesNothing_evenAfterTheSessionWasAnchored() {
        StoredSession s = stored("s-1", RECEIVED);
        assertTrue(pointers.enqueue(s));
        assertFalse(pointers.enqueue(s), "the stream delivered it twice");
        assertEquals(1, mine(100_000).size());
        assertEquals(1, pointers.recordAnchored(List.of(new AnchoredLeaf(mine(10).get(0), proof(s, 0, 1))), ANCHOR));

        assertFalse(pointers.enqueue(s), "a replay after anchoring");
        assertEquals(List.of(), mine(100_000));
        assertTrue(item("A#" + tenant + "#s-1").containsKey("batchId"));
    }

    @Test
    void aRepeatedCompletionCountsNothing_andAnotherBatchNeverReplacesTheFirst() {
        StoredSession a = stored("a", RECEIVED);
        StoredSession b = stored("b", RECEIVED.plusMillis(1));
        pointers.enqueueAll(List.of(a, b));
        List<AnchoredLeaf> leaves = List.of(new AnchoredLeaf(new PendingLeaf(tenant, "a", a.leafHash()), proof(a, 0, 2)),
                new AnchoredLeaf(new PendingLeaf(tenant, "b", b.leafHash()), proof(b, 1, 2)));
        assertEquals(2, pointers.recordAnchored(leaves, ANCHOR));
        assertEquals(0, pointers.recordAnchored(leaves, ANCHOR), "completed again after a crash");
        Anchor another = new Anchor(31337, ANCHOR.contract(), ANCHOR.txHash(), 43, ANCHOR.blockTime(), "99".repeat(32));
        assertEquals(0, pointers.recordAnchored(leaves, another));
        DynamoAnchorPointers.Placement placed = pointers.placement(tenant, "b").orElseThrow();
        assertEquals(ANCHOR, placed.anchor(), "the first anchor stays");
        assertEquals(proof(b, 1, 2), placed.proof());
        assertEquals(Optional.empty(), pointers.placement(tenant, "never-stored"));
    }

    @Test
    void aLeafHashOtherThanTheBatchedOneIsNotRecorded() {
        StoredSession s = stored("s-1", RECEIVED);
        pointers.enqueue(s);
        PendingLeaf wrong = new PendingLeaf(tenant, "s-1", "00".repeat(32));
        assertEquals(0, pointers.recordAnchored(List.of(new AnchoredLeaf(wrong, proof(s, 0, 1))), ANCHOR));
        assertEquals(1, mine(100).size(), "still pending");
    }

    @Test
    void aSessionWaitingInTheOldBacklogGetsItsPointerAndLeavesTheOldPartition() {
        StoredSession s = stored("legacy", RECEIVED);
        String pk = "S#" + tenant + "#legacy";
        // as ingest wrote it before pointers existed
        aws.client().updateItem(b -> b.tableName(aws.tableName("SessionsTable")).key(Map.of("pk", AttributeValue.fromS(pk)))
                .updateExpression("SET anchorPending = :p, pendingKey = :k")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("PENDING"), ":k", AttributeValue.fromS(RECEIVED + "#" + pk))));
        assertFalse(pointers.oldestPendingSince().orElseThrow().isAfter(RECEIVED), "the old partition counts in the backlog's age");

        assertEquals(List.of(new PendingLeaf(tenant, "legacy", s.leafHash())), mine(100_000));
        assertEquals("POINTER", item(pk).get("anchorPending").s());
        assertFalse(item(pk).containsKey("pendingKey"));
        assertEquals("app", item("A#" + tenant + "#legacy").get("applicationId").s());
    }

    @Test
    void thePointerOfTheLongestSessionIdInATreeOfAMillionLeavesStaysWithinOneWriteUnit() {
        StoredSession s = stored("s-" + "x".repeat(126), RECEIVED); // the longest session id
        pointers.enqueue(s);
        List<String> path = new ArrayList<>();
        for (int i = 0; i < 20; i++) path.add(String.format("%064x", i + 1)); // a tree of a million leaves
        InclusionProof proof = new InclusionProof(999_999, 1_000_000, path, "33".repeat(32));
        Anchor big = new Anchor(31337, ANCHOR.contract(), ANCHOR.txHash(), 44, ANCHOR.blockTime(), "a1".repeat(32));
        pointers.recordAnchored(List.of(new AnchoredLeaf(new PendingLeaf(tenant, s.sessionId(), s.leafHash()), proof)), big);
        Map<String, AttributeValue> pointer = new HashMap<>(item("A#" + tenant + "#" + s.sessionId()));
        assertTrue(ItemSize.bytes(pointer) <= 1024, "pointer of " + ItemSize.bytes(pointer) + " bytes");
        assertEquals(proof, pointers.placement(tenant, s.sessionId()).orElseThrow().proof());
    }

    private static InclusionProof proof(StoredSession s, int index, int size) {
        return new InclusionProof(index, size, size == 1 ? List.of() : List.of("11".repeat(32)), "22".repeat(32));
    }
}
