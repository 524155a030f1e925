package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.veriproof.local.CloudFormationTemplate.StreamSubscription;
import dev.veriproof.local.LocalDynamoDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The local event source mapping against DynamoDB Local's real stream. */
class LocalStreamsTest {
    private static LocalDynamoDb dynamoDb;
    private int tableCounter;

    /** Records every batch it sees; fails the records the test chooses, as a stream handler would. */
    static final class RecordingHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
        final List<List<String>> batches = new ArrayList<>();
        final Set<String> failedOnce = new HashSet<>();
        Predicate<String> failOnce = id -> false;
        boolean alwaysThrow;

        @Override
        public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
            List<String> ids = event.getRecords().stream().map(r -> r.getDynamodb().getNewImage().get("pk").getS()).toList();
            batches.add(ids);
            if (alwaysThrow) throw new IllegalStateException("handler down");
            List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
            for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
                String id = record.getDynamodb().getNewImage().get("pk").getS();
                if (failOnce.test(id) && failedOnce.add(id)) {
                    failures.add(StreamsEventResponse.BatchItemFailure.builder()
                            .withItemIdentifier(record.getDynamodb().getSequenceNumber()).build());
                }
            }
            return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
        }

        List<String> delivered() {
            return batches.stream().flatMap(List::stream).toList();
        }
    }

    @BeforeAll
    static void start() {
        dynamoDb = LocalDynamoDb.start();
    }

    @AfterAll
    static void stop() {
        dynamoDb.close();
    }

    private LocalStreams streamsFor(RecordingHandler handler, int batchSize, int maxRetries, boolean bisect, Path failures) {
        // a fresh table per test, so that each test reads only its own stream
        String table = "t" + (tableCounter++) + "-" + System.nanoTime();
        Map<String, String> own = Map.of("SessionsTable", table);
        dynamoDb.client().createTable(r -> r.tableName(table)
                .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType("S")).billingMode("PAY_PER_REQUEST")
                .streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_AND_OLD_IMAGES")));
        StreamSubscription settings = new StreamSubscription("TestFunction", RecordingHandler.class.getName(), "SessionsTable",
                batchSize, maxRetries, bisect, true);
        return new LocalStreams(List.of(settings), own, dynamoDb.client(), dynamoDb.streamsClient(), name -> handler, failures);
    }

    private static void put(String table, String pk) {
        dynamoDb.client().putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS(pk))));
    }

    private static String tableOf(LocalStreams streams) {
        return streams.tableNames().get(0);
    }

    @Test
    void deliversEveryRecordInOrderAsADynamodbEvent() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        LocalStreams streams = streamsFor(handler, 100, 2, false, Files.createTempFile("failures", ".jsonl"));
        for (int i = 0; i < 5; i++) put(tableOf(streams), "item-" + i);
        streams.drain();
        assertEquals(List.of("item-0", "item-1", "item-2", "item-3", "item-4"), handler.delivered());
        assertEquals(5, streams.delivered());
    }

    @Test
    void aReportedItemFailureIsRetriedFromThatRecordOn() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        handler.failOnce = id -> id.equals("item-2");
        LocalStreams streams = streamsFor(handler, 100, 2, false, Files.createTempFile("failures", ".jsonl"));
        for (int i = 0; i < 4; i++) put(tableOf(streams), "item-" + i);
        streams.drain();
        assertEquals(List.of(List.of("item-0", "item-1", "item-2", "item-3"), List.of("item-2", "item-3")), handler.batches);
    }

    @Test
    void aHandlerThatKeepsThrowingIsBisectedThenSentToTheFailureDestination() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        handler.alwaysThrow = true;
        Path failures = Files.createTempFile("failures", ".jsonl");
        LocalStreams streams = streamsFor(handler, 100, 1, true, failures);
        for (int i = 0; i < 2; i++) put(tableOf(streams), "item-" + i);
        streams.drain();
        // the pair is bisected; each single record is tried, retried once, then given up
        assertEquals(List.of(List.of("item-0", "item-1"), List.of("item-0"), List.of("item-0"), List.of("item-1"), List.of("item-1")), handler.batches);
        List<String> lines = Files.readAllLines(failures);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).contains("\"function\":\"TestFunction\""), lines.get(0));
        assertEquals(2, streams.delivered());
    }
}
