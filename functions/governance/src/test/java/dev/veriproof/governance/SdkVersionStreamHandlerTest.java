package dev.veriproof.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.veriproof.adapters.dynamo.DynamoSdkTelemetryStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.governance.SdkVersion;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.EmfOutput;
import dev.veriproof.local.LambdaStreamEvents;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Record;

/** The SDK version history from the sessions stream, fed with real DynamoDB Local stream records. */
@ExtendWith(LocalAwsExtension.class)
class SdkVersionStreamHandlerTest {
    private LocalAws aws;
    private DynamoSessionStore sessions;
    private DynamoSdkTelemetryStore store;
    private SdkVersionStreamHandler handler;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        sessions = new DynamoSessionStore(aws.client(), aws.tableName("SessionsTable"));
        store = new DynamoSdkTelemetryStore(aws.client(), aws.tableName("GovernanceTable"));
        handler = new SdkVersionStreamHandler(store);
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void store(String sessionId, String startedAt, String sdkVersion) {
        String sdk = sdkVersion == null ? "" : ",\"sdk\":{\"name\":\"veriproof-python\",\"version\":\"" + sdkVersion + "\"}";
        String record = new String(Canonical.jcs(Json.parse("{\"sessionId\":\"" + sessionId + "\",\"applicationId\":\"app\",\"startedAt\":\""
                + startedAt + "\"" + sdk + "}")), StandardCharsets.UTF_8);
        sessions.putIfAbsent(new StoredSession(tenant, sessionId, "app", Instant.parse(startedAt), record, "00".repeat(32), 50, "POOR",
                Map.of(), Instant.parse(startedAt), "req-" + sessionId, false));
    }

    private List<Record> myRecords() {
        return LambdaStreamEvents.read(aws.client(), aws.streamsClient(), aws.tableName("SessionsTable"),
                r -> r.dynamodb().keys().get("pk").s().startsWith("S#" + tenant + "#"));
    }

    private StreamsEventResponse deliver(List<Record> records) {
        return handler.handleRequest(LambdaStreamEvents.event(records, "arn:aws:dynamodb:us-east-1:000000000000:table/SessionsTable/stream/local"), null);
    }

    @Test
    void firstAndLastSeenComeFromSessionsAndReplaysChangeNothing() {
        store("s1", "2026-11-20T10:00:00Z", "1.4.2");
        store("s2", "2026-11-22T10:00:00.500Z", "1.4.2");
        store("s3", "2026-11-21T09:00:00Z", "1.4.2");
        store("s4", "2026-11-23T08:00:00Z", "1.5.0");
        store("s5", "2026-11-23T08:00:00Z", null);
        List<Record> records = myRecords();
        assertEquals(5, records.size());

        assertTrue(deliver(records).getBatchItemFailures().isEmpty());
        List<SdkVersion> once = store.versions(tenant, "app");
        assertEquals(2, once.size());
        SdkVersion v142 = once.get(0);
        assertEquals("1.4.2", v142.sdkVersion());
        assertEquals(Instant.parse("2026-11-20T10:00:00Z"), v142.firstSeen());
        assertEquals(Instant.parse("2026-11-22T10:00:00.500Z"), v142.lastSeen());
        assertEquals(Set.of("session"), v142.sources());
        assertEquals(Instant.parse("2026-11-23T08:00:00Z"), once.get(1).firstSeen());

        List<Record> shuffled = new ArrayList<>(records);
        Collections.reverse(shuffled);
        deliver(shuffled);
        deliver(records.subList(1, 3));
        assertEquals(once, store.versions(tenant, "app"), "replays in any order change nothing");
    }

    /** Counts the governance table's write requests made through the store's client. */
    private static final class Writes implements ExecutionInterceptor {
        final List<UpdateItemRequest> updates = new CopyOnWriteArrayList<>();
        final AtomicInteger otherWrites = new AtomicInteger();
        Runnable beforeFirstUpdate = () -> { };

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof UpdateItemRequest u) {
                if (updates.isEmpty()) beforeFirstUpdate.run();
                updates.add(u);
            } else if (context.request() instanceof PutItemRequest || context.request() instanceof BatchWriteItemRequest
                    || context.request() instanceof TransactWriteItemsRequest || context.request() instanceof DeleteItemRequest) {
                otherWrites.incrementAndGet();
            }
        }
    }

    @Test
    void aBatchWritesOncePerDistinctVersionAndItsReplayWritesNothing() {
        for (int i = 0; i < 30; i++) store("m" + i, "2026-11-" + (10 + i % 10) + "T10:00:0" + (i % 10) + "Z", i % 3 == 0 ? "3.0.0" : "3.1.0");
        List<Record> records = myRecords();
        Writes writes = new Writes();
        SdkVersionStreamHandler counted = new SdkVersionStreamHandler(new DynamoSdkTelemetryStore(aws.client(writes), aws.tableName("GovernanceTable")));
        var event = LambdaStreamEvents.event(records, "arn:aws:dynamodb:us-east-1:000000000000:table/SessionsTable/stream/local");

        assertTrue(counted.handleRequest(event, null).getBatchItemFailures().isEmpty());
        assertEquals(2, writes.updates.size(), "30 sessions of 2 SDK versions: one write per version");
        assertEquals(0, writes.otherWrites.get());
        List<SdkVersion> versions = store.versions(tenant, "app");
        assertEquals(List.of("3.0.0", "3.1.0"), versions.stream().map(SdkVersion::sdkVersion).toList());
        assertEquals(Instant.parse("2026-11-10T10:00:00Z"), versions.get(0).firstSeen());
        assertEquals(Instant.parse("2026-11-19T10:00:09Z"), versions.get(1).lastSeen());

        writes.updates.clear();
        assertTrue(counted.handleRequest(event, null).getBatchItemFailures().isEmpty());
        assertEquals(0, writes.updates.size(), "a replayed batch adds nothing, so it writes nothing");
        assertEquals(versions, store.versions(tenant, "app"));
    }

    @Test
    void aWriterThatWidensTheHistoryBetweenTheReadAndTheWriteIsNotOverwritten() {
        store("r1", "2026-11-20T10:00:00Z", "4.0.0");
        store("r2", "2026-11-21T10:00:00Z", "4.0.0");
        Writes writes = new Writes();
        // another stream shard records a later and an earlier sighting after this batch's read, before its write
        DynamoSdkTelemetryStore other = new DynamoSdkTelemetryStore(aws.client(), aws.tableName("GovernanceTable"));
        writes.beforeFirstUpdate = () -> {
            other.sawSdk(tenant, "app", "veriproof-python", "4.0.0", Instant.parse("2026-11-25T10:00:00Z"), "health");
            other.sawSdk(tenant, "app", "veriproof-python", "4.0.0", Instant.parse("2026-11-01T10:00:00Z"), "session");
        };
        SdkVersionStreamHandler racing = new SdkVersionStreamHandler(new DynamoSdkTelemetryStore(aws.client(writes), aws.tableName("GovernanceTable")));

        assertTrue(racing.handleRequest(LambdaStreamEvents.event(myRecords(), "arn:aws:dynamodb:us-east-1:000000000000:table/SessionsTable/stream/local"), null)
                .getBatchItemFailures().isEmpty());
        SdkVersion v = store.versions(tenant, "app").get(0);
        assertEquals(Instant.parse("2026-11-01T10:00:00Z"), v.firstSeen());
        assertEquals(Instant.parse("2026-11-25T10:00:00Z"), v.lastSeen());
        assertEquals(Set.of("session", "health"), v.sources());
        assertEquals(1, writes.updates.size(), "the lost write was read again and found covered: nothing more to write");
    }

    @Test
    void aRecordThatCannotBeProcessedIsReportedAndTheOnesBeforeItAreKept() {
        store("ok-1", "2026-11-20T10:00:00Z", "2.0.0");
        Map<String, AttributeValue> broken = Map.of("pk", AttributeValue.fromS("S#" + tenant + "#broken"),
                "tenantId", AttributeValue.fromS(tenant), "applicationId", AttributeValue.fromS("app"),
                "startedAt", AttributeValue.fromS("2026-11-20T11:00:00Z"), "record", AttributeValue.fromS("{not json"));
        aws.client().putItem(r -> r.tableName(aws.tableName("SessionsTable")).item(broken));
        store("ok-2", "2026-11-20T12:00:00Z", "2.0.0");
        List<Record> records = myRecords();

        StreamsEventResponse[] delivered = new StreamsEventResponse[1];
        EmfOutput emf = EmfOutput.capture(() -> delivered[0] = deliver(records));
        StreamsEventResponse response = delivered[0];
        assertEquals(1, response.getBatchItemFailures().size());
        assertEquals(1, emf.sum("StreamRecordsRetried", Map.of("Service", "veriproof")));
        assertEquals(EmfOutput.declarations(EmfOutput.powertoolsDocument("StreamRecordsRetried")),
                EmfOutput.declarations(emf.documentsWith("StreamRecordsRetried").get(0)), "the names, units and dimension sets the dashboard reads");
        assertEquals(records.get(1).dynamodb().sequenceNumber(), response.getBatchItemFailures().get(0).getItemIdentifier());
        SdkVersion seen = store.versions(tenant, "app").get(0);
        assertEquals(Instant.parse("2026-11-20T10:00:00Z"), seen.lastSeen(), "processing stopped at the failed record");
    }
}
