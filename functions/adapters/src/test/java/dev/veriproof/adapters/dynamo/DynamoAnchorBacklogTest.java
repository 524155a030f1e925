package dev.veriproof.adapters.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.PendingLeaf;
import dev.veriproof.core.anchoring.PendingSessions.AnchoredLeaf;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.merkle.InclusionProof;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.TemplateTables;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The anchoring backlog's pending chunks in fresh template tables on DynamoDB Local. */
@ExtendWith(LocalAwsExtension.class)
class DynamoAnchorBacklogTest {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static final Instant RECEIVED = Instant.parse("2026-11-20T12:00:00Z");
    private static final Anchor ANCHOR = new Anchor(31337, "0x" + "ab".repeat(20), "0x" + "cd".repeat(32), 42,
            Instant.parse("2026-11-20T12:05:00Z"), "ef".repeat(32));

    private LocalAws aws;
    private String sessionsTable;
    private String governanceTable;
    private DynamoSessionStore sessions;
    private DynamoAnchorBacklog backlog;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        Map<String, String> tables = TemplateTables.createAll(aws.client(), CloudFormationTemplate.load(CloudFormationTemplate.locate()),
                "backlog" + TABLES.incrementAndGet() + "-");
        sessionsTable = tables.get("SessionsTable");
        governanceTable = tables.get("GovernanceTable");
        sessions = new DynamoSessionStore(aws.client(), sessionsTable);
        backlog = new DynamoAnchorBacklog(aws.client(), sessionsTable, governanceTable);
    }

    private StoredSession stored(String tenant, String id, Instant receivedAt) {
        String record = "{\"applicationId\":\"app\",\"sessionId\":\"" + id + "\",\"startedAt\":\"2026-11-20T10:00:00Z\"}";
        StoredSession session = new StoredSession(tenant, id, "app", Instant.parse("2026-11-20T10:00:00Z"), record,
                Hashes.hex(Hashes.leafHash(record.getBytes(StandardCharsets.UTF_8))), 73, "FAIR", Map.of(), receivedAt, "req", false);
        sessions.putIfAbsent(session);
        return session;
    }

    private List<Map<String, AttributeValue>> chunks() {
        return aws.client().scan(b -> b.tableName(governanceTable).filterExpression("begins_with(pk, :p)")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("ANCHOR#PENDING#")))).items();
    }

    private Map<String, AttributeValue> item(String pk) {
        return aws.client().getItem(b -> b.tableName(sessionsTable).consistentRead(true).key(Map.of("pk", AttributeValue.fromS(pk)))).item();
    }

    private static InclusionProof proof(int index, int size) {
        return new InclusionProof(index, size, size == 1 ? List.of() : List.of("11".repeat(32)), "22".repeat(32));
    }

    @Test
    void streamBatchesBecomeChunksAcrossShardPartitions_andTheBacklogComesBackWholeInReceivedOrder() {
        List<String> expected = new ArrayList<>();
        for (int batch = 0; batch < 40; batch++) {
            List<StoredSession> stream = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = batch * 5 + i;
                StoredSession s = stored(n % 2 == 0 ? "acme" : "demo", "s-" + n, RECEIVED.plusMillis(1_000 - n)); // newer first
                stream.add(s);
                expected.add(0, s.sessionId());
            }
            backlog.enqueueAll(stream);
        }
        List<Map<String, AttributeValue>> chunks = chunks();
        assertEquals(40, chunks.size(), "one item per stream batch");
        Set<String> partitions = new HashSet<>();
        chunks.forEach(c -> partitions.add(c.get("pk").s()));
        assertTrue(partitions.size() >= 8, "no partition shared by all writes: " + partitions);
        assertTrue(partitions.stream().allMatch(p -> p.matches("ANCHOR#PENDING#\\d\\d")), partitions.toString());

        List<PendingLeaf> pending = backlog.oldestPending(100_000);
        assertEquals(expected, pending.stream().map(PendingLeaf::sessionId).toList(), "oldest received first");
        assertEquals(item("S#acme#s-4").get("leafHash").s(), pending.stream().filter(l -> l.sessionId().equals("s-4")).findFirst().orElseThrow().leafHash());
        assertEquals(RECEIVED.plusMillis(1_000 - 199), backlog.oldestPendingSince().orElseThrow());
        assertTrue(item("A#acme#s-4").isEmpty(), "no item per session until it is anchored");
    }

    @Test
    void aRetriedBatchRewritesTheSameChunk_andADifferentOneNeverOverwritesIt() {
        List<StoredSession> stream = List.of(stored("acme", "a", RECEIVED), stored("acme", "b", RECEIVED));
        backlog.enqueueAll(stream);
        backlog.enqueueAll(List.of(stream.get(1), stream.get(0), stream.get(0)));
        assertEquals(1, chunks().size(), "the same sessions: the same key and content");
        backlog.enqueueAll(List.of(stream.get(0)));
        assertEquals(2, chunks().size(), "another batch starting at the same instant: its own chunk");
        assertEquals(List.of("a", "b"), backlog.oldestPending(100).stream().map(PendingLeaf::sessionId).toList(), "each session once");
    }

    @Test
    void twoThousandSessionsWithTheLongestIdsFitOneItem_atAFractionOfAWriteUnitEach() {
        List<StoredSession> stream = new ArrayList<>();
        String tenant = "t".repeat(64);
        for (int i = 0; i < 2_000; i++) {
            String id = String.format("%04d", i) + "x".repeat(124);
            stream.add(new StoredSession(tenant, id, "a".repeat(64), Instant.parse("2026-11-20T10:00:00Z"), "{}",
                    Hashes.hex(Hashes.sha256(id.getBytes(StandardCharsets.UTF_8))), 1, "POOR", Map.of(), RECEIVED.plusNanos(i), "r", false));
        }
        backlog.enqueueAll(stream);
        List<Map<String, AttributeValue>> chunks = chunks();
        long bytes = chunks.stream().mapToLong(ItemSize::bytes).sum();
        assertTrue(chunks.stream().allMatch(c -> ItemSize.bytes(c) <= 400 * 1024), "items within DynamoDB's limit");
        assertTrue(bytes / 2_000.0 < 1024 / 4.0, "≈" + bytes / 2_000 + " bytes a session");
        List<DynamoAnchorBacklog.Entry> back = new ArrayList<>();
        chunks.forEach(c -> back.addAll(DynamoAnchorBacklog.decode(c.get("entries").b().asByteArray())));
        assertEquals(stream.stream().map(DynamoAnchorBacklog.Entry::of).toList(), back, "every field survives, in order");
    }

    @Test
    void placedChunksAreDeleted_aChunkCutByTheBatchLimitStaysUntilItsLastSessionIsPlaced() {
        List<StoredSession> stream = List.of(stored("acme", "a", RECEIVED), stored("acme", "b", RECEIVED.plusMillis(1)),
                stored("acme", "c", RECEIVED.plusMillis(2)));
        backlog.enqueueAll(stream);
        List<PendingLeaf> first = backlog.oldestPending(2);
        assertEquals(List.of("a", "b"), first.stream().map(PendingLeaf::sessionId).toList());
        assertEquals(2, backlog.recordAnchored(List.of(new AnchoredLeaf(first.get(0), proof(0, 2)), new AnchoredLeaf(first.get(1), proof(1, 2))), ANCHOR));
        assertEquals(1, chunks().size(), "c is not placed yet");
        assertEquals("app", item("A#acme#a").get("applicationId").s());
        assertEquals("2026-11-20", item("A#acme#a").get("day").s());

        List<PendingLeaf> second = backlog.oldestPending(2);
        assertEquals(List.of("c"), second.stream().map(PendingLeaf::sessionId).toList(), "the anchored ones are not taken again");
        Anchor next = new Anchor(31337, ANCHOR.contract(), ANCHOR.txHash(), 43, ANCHOR.blockTime(), "98".repeat(32));
        assertEquals(1, backlog.recordAnchored(List.of(new AnchoredLeaf(second.get(0), proof(0, 1))), next));
        assertEquals(0, chunks().size());
        assertEquals(List.of(), backlog.oldestPending(10));
    }

    @Test
    void sessionsWaitingInTheOldFormsAreTakenToo_pendingPointersAndSessionItemsFromBeforePointers() {
        StoredSession chunked = stored("acme", "chunked", RECEIVED.plusMillis(2));
        backlog.enqueue(chunked);
        StoredSession pointed = stored("acme", "pointed", RECEIVED.plusMillis(1));
        aws.client().putItem(b -> b.tableName(sessionsTable).item(Map.of(
                "pk", AttributeValue.fromS("A#acme#pointed"), "applicationId", AttributeValue.fromS("app"),
                "day", AttributeValue.fromS("2026-11-20"), "leafHash", AttributeValue.fromS(pointed.leafHash()),
                "anchorPending", AttributeValue.fromS("P#07"), "pendingKey", AttributeValue.fromS(RECEIVED.plusMillis(1) + "#acme#pointed"))));
        StoredSession legacy = stored("acme", "legacy", RECEIVED);
        aws.client().updateItem(b -> b.tableName(sessionsTable).key(Map.of("pk", AttributeValue.fromS("S#acme#legacy")))
                .updateExpression("SET anchorPending = :p, pendingKey = :k")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("PENDING"), ":k", AttributeValue.fromS(RECEIVED + "#S#acme#legacy"))));
        assertEquals(RECEIVED, backlog.oldestPendingSince().orElseThrow(), "the old partition counts in the backlog's age");

        List<PendingLeaf> pending = backlog.oldestPending(100);
        assertEquals(List.of(new PendingLeaf("acme", "legacy", legacy.leafHash()), new PendingLeaf("acme", "pointed", pointed.leafHash()),
                new PendingLeaf("acme", "chunked", chunked.leafHash())), pending);
        assertEquals("POINTER", item("S#acme#legacy").get("anchorPending").s(), "moved into a chunk, out of the old partition");
        assertFalse(item("S#acme#legacy").containsKey("pendingKey"));

        List<AnchoredLeaf> leaves = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) leaves.add(new AnchoredLeaf(pending.get(i), proof(i, 3)));
        assertEquals(3, backlog.recordAnchored(leaves, ANCHOR));
        for (String id : List.of("legacy", "pointed", "chunked")) {
            Map<String, AttributeValue> pointer = item("A#acme#" + id);
            assertEquals(ANCHOR.batchId(), pointer.get("batchId").s());
            assertFalse(pointer.containsKey("anchorPending"));
        }
        assertEquals(0, chunks().size());
        assertEquals(List.of(), backlog.oldestPending(100));
        assertTrue(backlog.oldestPendingSince().isEmpty());
    }
}
