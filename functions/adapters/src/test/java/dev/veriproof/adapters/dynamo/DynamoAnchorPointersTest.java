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
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private Map<String, AttributeValue> item(String pk) {
        return aws.client().getItem(b -> b.tableName(aws.tableName("SessionsTable")).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk)))).item();
    }

    /** A pending pointer as the backlog consumer wrote it before pending chunks. */
    private void oldPendingPointer(StoredSession s, String leafHash) {
        aws.client().putItem(b -> b.tableName(aws.tableName("SessionsTable")).item(Map.of(
                "pk", AttributeValue.fromS("A#" + tenant + "#" + s.sessionId()), "applicationId", AttributeValue.fromS("app"),
                "day", AttributeValue.fromS("2026-11-20"), "leafHash", AttributeValue.fromS(leafHash),
                "anchorPending", AttributeValue.fromS("P#03"), "pendingKey", AttributeValue.fromS(RECEIVED + "#" + tenant + "#" + s.sessionId()))));
    }

    @Test
    void placingASessionCreatesItsPointerOnce_withItsApplicationAndDayFromTheSessionItem_andNoIndexEntry() {
        StoredSession s = stored("s-1", RECEIVED);
        assertEquals(Optional.empty(), pointers.placement(tenant, "s-1"), "no pointer: pending");
        Anchor own = new Anchor(31337, ANCHOR.contract(), ANCHOR.txHash(), 45, ANCHOR.blockTime(), "a2".repeat(32));
        assertEquals(1, pointers.recordAnchored(List.of(new AnchoredLeaf(new PendingLeaf(tenant, "s-1", s.leafHash()), proof(s, 0, 1))), own));
        Map<String, AttributeValue> pointer = item("A#" + tenant + "#s-1");
        assertEquals("app", pointer.get("applicationId").s());
        assertEquals("2026-11-20", pointer.get("day").s());
        assertFalse(pointer.containsKey("anchorPending"), "not in the pending-anchor index: one write unit, nothing more");
        assertEquals(proof(s, 0, 1), pointers.placement(tenant, "s-1").orElseThrow().proof());
    }

    @Test
    void aRepeatedCompletionCountsNothing_andAnotherBatchNeverReplacesTheFirst() {
        StoredSession a = stored("a", RECEIVED);
        StoredSession b = stored("b", RECEIVED.plusMillis(1));
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
    void aLeafHashOtherThanTheStoredOneIsNotRecorded_onASessionItemOrAnOldPendingPointer() {
        StoredSession s = stored("s-1", RECEIVED);
        PendingLeaf wrong = new PendingLeaf(tenant, "s-1", "00".repeat(32));
        assertEquals(0, pointers.recordAnchored(List.of(new AnchoredLeaf(wrong, proof(s, 0, 1))), ANCHOR));
        assertTrue(item("A#" + tenant + "#s-1").isEmpty(), "still pending");
        assertEquals(0, pointers.recordAnchored(List.of(new AnchoredLeaf(new PendingLeaf(tenant, "gone", s.leafHash()), proof(s, 0, 1))), ANCHOR),
                "no session item: nothing to anchor");

        StoredSession old = stored("old", RECEIVED);
        oldPendingPointer(old, old.leafHash());
        assertEquals(0, pointers.recordAnchored(List.of(new AnchoredLeaf(new PendingLeaf(tenant, "old", "00".repeat(32)), proof(old, 0, 1))), ANCHOR));
        assertTrue(item("A#" + tenant + "#old").containsKey("anchorPending"), "still pending");
        assertEquals(1, pointers.recordAnchored(List.of(new AnchoredLeaf(new PendingLeaf(tenant, "old", old.leafHash()), proof(old, 0, 1))), ANCHOR));
        assertFalse(item("A#" + tenant + "#old").containsKey("anchorPending"), "anchored: out of the old index");
    }

    @Test
    void thePointerOfTheLongestSessionIdInATreeOfAMillionLeavesStaysWithinOneWriteUnit() {
        StoredSession s = stored("s-" + "x".repeat(126), RECEIVED); // the longest session id
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
