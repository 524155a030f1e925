package dev.veriproof.anchoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.veriproof.core.anchoring.AnchoringRun;
import dev.veriproof.core.anchoring.PendingLeaf;
import dev.veriproof.local.LambdaStreamEvents;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.LocalChain;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/** The backlog consumer on DynamoDB Local's real stream: one pointer per stored session, replays change nothing. */
@ExtendWith(LocalAwsExtension.class)
class AnchorBacklogStreamHandlerTest {
    private static final String ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/SessionsTable/stream/local";

    @Test
    void everyStoredSessionEntersTheBacklogOnce_aReplayEvenAfterAnchoringChangesNothing(LocalAws aws) {
        AnchoringFixture fixture = new AnchoringFixture(aws);
        AnchorBacklogStreamHandler handler = new AnchorBacklogStreamHandler(fixture.pointers);
        List<String> ids = fixture.ingest("acme", 3);
        // the fixture enqueues as it stores; start from sessions without pointers, as the stream sees them
        for (String id : ids) fixture.dynamo.deleteItem(b -> b.tableName(fixture.sessionsTable).key(Map.of("pk", AttributeValue.fromS("A#acme#" + id))));
        List<Record> inserts = LambdaStreamEvents.read(fixture.dynamo, aws.streamsClient(), fixture.sessionsTable,
                r -> r.dynamodb().keys().get("pk").s().startsWith("S#acme#"));
        DynamodbEvent batch = LambdaStreamEvents.event(inserts, ARN);

        assertEquals(List.of(), handler.handleRequest(batch, null).getBatchItemFailures());
        assertEquals(ids, fixture.pointers.oldestPending(100).stream().map(PendingLeaf::sessionId).toList());
        assertEquals(List.of(), handler.handleRequest(batch, null).getBatchItemFailures(), "a replayed batch");
        assertEquals(3, fixture.pointers.oldestPending(100).size());

        try (LocalChain node = LocalChain.start()) {
            String contract = Web3jAnchorChain.deploy(node.rpcUrl(), LocalChain.CHAIN_ID, Credentials.create(LocalChain.DEV_PRIVATE_KEY));
            assertEquals(AnchoringRun.Outcome.ANCHORED, fixture.run(AnchoringFixture.chain(node, contract)).run().outcome());
        }
        handler.handleRequest(batch, null);
        assertEquals(List.of(), fixture.pointers.oldestPending(100), "replayed after anchoring: still anchored, not pending again");
        for (String id : ids) assertTrue(fixture.sessions.view("acme", id).orElseThrow().proof().isPresent());
    }

    @Test
    void aSessionImageThatCannotBeReadIsRetriedFromThatRecord(LocalAws aws) {
        AnchoringFixture fixture = new AnchoringFixture(aws);
        AnchorBacklogStreamHandler handler = new AnchorBacklogStreamHandler(fixture.pointers);
        fixture.dynamo.putItem(b -> b.tableName(fixture.sessionsTable).item(Map.of(
                "pk", AttributeValue.fromS("S#acme#broken"), "record", AttributeValue.fromS("{}"))));
        List<Record> records = LambdaStreamEvents.read(fixture.dynamo, aws.streamsClient(), fixture.sessionsTable,
                r -> r.dynamodb().keys().get("pk").s().equals("S#acme#broken"));
        StreamsEventResponse response = handler.handleRequest(LambdaStreamEvents.event(records, ARN), null);
        assertEquals(1, response.getBatchItemFailures().size());
        assertEquals(records.get(0).dynamodb().sequenceNumber(), response.getBatchItemFailures().get(0).getItemIdentifier());
        assertFalse(fixture.pointers.oldestPending(100).stream().anyMatch(l -> l.sessionId().equals("broken")));
    }
}
