package dev.veriproof.anchoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.veriproof.adapters.dynamo.DynamoAnchorBacklog;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.core.anchoring.AnchoringRun;
import dev.veriproof.core.anchoring.PendingLeaf;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.local.LambdaStreamEvents;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.LocalChain;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/** The backlog consumer on DynamoDB Local's real stream: one pending chunk per stream batch, replays and overlaps change nothing. */
@ExtendWith(LocalAwsExtension.class)
class AnchorBacklogStreamHandlerTest {
    private static final String ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/SessionsTable/stream/local";

    @Test
    void aStreamBatchBecomesOneChunk_replaysAndOverlappingRetriesAnchorEachSessionOnce_andAPointersInsertIsItsAnchoredChange(LocalAws aws) {
        AnchoringFixture fixture = new AnchoringFixture(aws);
        AnchorBacklogStreamHandler handler = new AnchorBacklogStreamHandler(fixture.backlog);
        List<String> ids = fixture.store("acme", 3).stream().map(StoredSession::sessionId).toList();
        List<Record> inserts = LambdaStreamEvents.read(fixture.dynamo, aws.streamsClient(), fixture.sessionsTable,
                r -> r.dynamodb().keys().get("pk").s().startsWith("S#acme#"));
        DynamodbEvent batch = LambdaStreamEvents.event(inserts, ARN);

        assertEquals(List.of(), handler.handleRequest(batch, null).getBatchItemFailures());
        assertEquals(1, fixture.chunks(), "one item for the whole stream batch");
        assertEquals(ids, fixture.backlog.oldestPending(100).stream().map(PendingLeaf::sessionId).toList());
        assertEquals(List.of(), handler.handleRequest(batch, null).getBatchItemFailures(), "a replayed batch");
        assertEquals(1, fixture.chunks(), "the same chunk, rewritten as it was");
        // a retry that bisected the batch: other chunks listing the same sessions again
        handler.handleRequest(LambdaStreamEvents.event(inserts.subList(0, 2), ARN), null);
        handler.handleRequest(LambdaStreamEvents.event(inserts.subList(1, 3), ARN), null);
        assertEquals(3, fixture.chunks());
        assertEquals(ids, fixture.backlog.oldestPending(100).stream().map(PendingLeaf::sessionId).toList(), "each session once");

        try (LocalChain node = LocalChain.start()) {
            String contract = Web3jAnchorChain.deploy(node.rpcUrl(), LocalChain.CHAIN_ID, Credentials.create(LocalChain.DEV_PRIVATE_KEY));
            AnchoringRun.Result result = fixture.run(AnchoringFixture.chain(node, contract)).run();
            assertEquals(AnchoringRun.Outcome.ANCHORED, result.outcome());
            assertEquals(3, result.sessions());
            assertEquals(0, fixture.chunks(), "every chunk's sessions are placed: all deleted");

            handler.handleRequest(batch, null);
            assertEquals(1, fixture.chunks());
            assertEquals(List.of(), fixture.backlog.oldestPending(100), "replayed after anchoring: still anchored, not pending again");
            assertEquals(0, fixture.chunks(), "a chunk of anchored sessions is deleted when read");
            fixture.clock.advance(Duration.ofMinutes(1));
            assertEquals(AnchoringRun.Outcome.NOTHING_PENDING, fixture.run(AnchoringFixture.chain(node, contract)).run().outcome());
        }
        for (String id : ids) assertTrue(fixture.sessions.view("acme", id).orElseThrow().proof().isPresent());

        List<Record> pointerRecords = LambdaStreamEvents.read(fixture.dynamo, aws.streamsClient(), fixture.sessionsTable,
                r -> r.dynamodb().keys().get("pk").s().startsWith("A#acme#"));
        List<DynamoSessionStore.Change> changes = LambdaStreamEvents.event(pointerRecords, ARN).getRecords().stream()
                .map(DynamoSessionStore::change).flatMap(Optional::stream).toList();
        assertEquals(ids, changes.stream().map(DynamoSessionStore.Change::sessionId).sorted().toList(), "one ANCHORED change per session");
        assertTrue(changes.stream().allMatch(c -> c.kind() == DynamoSessionStore.Change.Kind.ANCHORED
                && c.applicationId().equals("loan-review") && c.day().toString().equals("2026-11-26")), changes.toString());
    }

    @Test
    void aChunkThatCannotBeWrittenRetriesTheBatchFromItsFirstSession(LocalAws aws) {
        AnchoringFixture fixture = new AnchoringFixture(aws);
        AnchorBacklogStreamHandler handler = new AnchorBacklogStreamHandler(
                new DynamoAnchorBacklog(fixture.dynamo, fixture.sessionsTable, "no-such-table"));
        fixture.store("acme", 2);
        List<Record> inserts = LambdaStreamEvents.read(fixture.dynamo, aws.streamsClient(), fixture.sessionsTable,
                r -> r.dynamodb().keys().get("pk").s().startsWith("S#acme#"));
        StreamsEventResponse response = handler.handleRequest(LambdaStreamEvents.event(inserts, ARN), null);
        assertEquals(1, response.getBatchItemFailures().size());
        assertEquals(inserts.get(0).dynamodb().sequenceNumber(), response.getBatchItemFailures().get(0).getItemIdentifier());
        assertEquals(0, fixture.chunks());
    }

    @Test
    void aSessionImageThatCannotBeReadIsRetriedFromThatRecord(LocalAws aws) {
        AnchoringFixture fixture = new AnchoringFixture(aws);
        AnchorBacklogStreamHandler handler = new AnchorBacklogStreamHandler(fixture.backlog);
        fixture.dynamo.putItem(b -> b.tableName(fixture.sessionsTable).item(Map.of(
                "pk", AttributeValue.fromS("S#acme#broken"), "record", AttributeValue.fromS("{}"))));
        List<Record> records = LambdaStreamEvents.read(fixture.dynamo, aws.streamsClient(), fixture.sessionsTable,
                r -> r.dynamodb().keys().get("pk").s().equals("S#acme#broken"));
        StreamsEventResponse response = handler.handleRequest(LambdaStreamEvents.event(records, ARN), null);
        assertEquals(1, response.getBatchItemFailures().size());
        assertEquals(records.get(0).dynamodb().sequenceNumber(), response.getBatchItemFailures().get(0).getItemIdentifier());
        assertEquals(0, fixture.chunks());
    }
}
