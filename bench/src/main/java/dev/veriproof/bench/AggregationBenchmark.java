package dev.veriproof.bench;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.veriproof.adapters.dynamo.DynamoAlertStore;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoIncidentStore;
import dev.veriproof.adapters.dynamo.DynamoRiskStore;
import dev.veriproof.adapters.dynamo.DynamoRollupStore;
import dev.veriproof.adapters.dynamo.DynamoSdkTelemetryStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.scoring.Band;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.governance.SdkVersionStreamHandler;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalAws;
import dev.veriproof.scoring.Aggregation;
import dev.veriproof.scoring.AggregationStreamHandler;
import dev.veriproof.scoring.Notifications;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Aggregation benchmark (issue 3): 10,000 real DynamoDB Local stream records of sessions across 3
 * applications and 5 days, delivered to the aggregation stream handler in batches of the template's
 * {@code BatchSize} (1000), then replayed. Prints DynamoDB writes per record (rollup updates, and
 * every item written including the per-event dedup markers) and records per second against raw
 * single {@code UpdateItem} throughput measured in the same run. A benchmark, not a test.
 *
 * <pre>
 * mvn -q -pl bench -am -DskipTests install
 * mvn -q -pl bench dependency:build-classpath -Dmdep.outputFile=/tmp/bench.cp
 * java -Dveriproof.root=$PWD -cp bench/target/classes:$(cat /tmp/bench.cp) dev.veriproof.bench.AggregationBenchmark
 * </pre>
 * Options: {@code -Dbench.records=10000}, {@code -Dbench.batch=1000}, {@code -Dbench.updates=2000}.
 */
public final class AggregationBenchmark {
    private static final String TENANT = "bench";
    private static final List<String> APPS = List.of("loan-review", "support-bot", "claims-triage");
    private static final LocalDate LAST_DAY = LocalDate.parse("2026-11-26");
    private static final int DAYS = 5;
    /** SDK versions per application in the sessions: the SDK version consumer's distinct keys. */
    private static final int SDK_VERSIONS = 4;

    /** Counts write API calls and the items they write, on the benchmark's own client. */
    static final class WriteCounter implements ExecutionInterceptor {
        final AtomicLong calls = new AtomicLong();
        final AtomicLong items = new AtomicLong();
        final AtomicLong rollupUpdates = new AtomicLong();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            if (request instanceof TransactWriteItemsRequest t) {
                calls.incrementAndGet();
                items.addAndGet(t.transactItems().size());
                t.transactItems().forEach(i -> {
                    if (i.update() != null && i.update().key().get("sk").s().startsWith("ROLLUP#")) rollupUpdates.incrementAndGet();
                });
            } else if (request instanceof BatchWriteItemRequest b) {
                calls.incrementAndGet();
                b.requestItems().values().forEach(l -> items.addAndGet(l.size()));
            } else if (request instanceof PutItemRequest || request instanceof UpdateItemRequest || request instanceof DeleteItemRequest) {
                calls.incrementAndGet();
                items.incrementAndGet();
            }
        }

        void reset() {
            calls.set(0);
            items.set(0);
            rollupUpdates.set(0);
        }
    }

    public static void main(String[] args) {
        int records = Integer.getInteger("bench.records", 10_000);
        int batchSize = Integer.getInteger("bench.batch", 1000);
        int updates = Integer.getInteger("bench.updates", 2000);
        try (LocalAws aws = LocalAws.start(CloudFormationTemplate.load(CloudFormationTemplate.locate()), "")) {
            WriteCounter counter = new WriteCounter();
            DynamoDbClient client = DynamoDbClient.builder().endpointOverride(URI.create(aws.endpoint())).region(Region.US_EAST_1)
                    .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local"))
                    .httpClient(UrlConnectionHttpClient.create())
                    .overrideConfiguration(o -> o.addExecutionInterceptor(counter)).build();
            String sessionsTable = aws.tableName("SessionsTable");
            String governance = aws.tableName("GovernanceTable");
            DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(client).build();
            DynamoApplicationStore applications = new DynamoApplicationStore(enhanced, governance);
            Instant now = LAST_DAY.atTime(23, 0).toInstant(ZoneOffset.UTC);
            for (String app : APPS) {
                applications.create(new Application(TENANT, app, app, RiskLevel.MEDIUM, 75, "bench", RedactionPolicy.NONE, 1, now, now), "bench");
            }

            System.out.printf("storing %d sessions (%d applications x %d days) ...%n", records, APPS.size(), DAYS);
            store(new DynamoSessionStore(client, sessionsTable), records);
            List<DynamodbEvent> batches = batches(client, aws, sessionsTable, batchSize);
            int delivered = batches.stream().mapToInt(b -> b.getRecords().size()).sum();

            // no alert rules in this tenant, so nothing is ever queued
            AggregationStreamHandler handler = new AggregationStreamHandler(new Aggregation(new DynamoRollupStore(client, governance),
                    new DynamoRiskStore(client, governance), new DynamoAlertStore(client, governance), applications,
                    new Notifications((message, delay) -> { throw new IllegalStateException("no notification expected"); }),
                    new DynamoIncidentStore(client, governance), Clock.fixed(now, ZoneOffset.UTC)));
            for (int i = 0; i < 200; i++) update(client, governance, i); // warms DynamoDB Local and the SDK up for both sides
            counter.reset();
            long started = System.nanoTime();
            for (DynamodbEvent batch : batches) {
                StreamsEventResponse response = handler.handleRequest(batch, null);
                if (!response.getBatchItemFailures().isEmpty()) throw new IllegalStateException("batch item failures: " + response.getBatchItemFailures());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long calls = counter.calls.get();
            long items = counter.items.get();
            long rollupWrites = counter.rollupUpdates.get();
            long counted = totalSessions(client, governance);
            if (counted != records) throw new IllegalStateException("rollups hold " + counted + " sessions, expected " + records);

            counter.reset();
            long replayStarted = System.nanoTime();
            for (DynamodbEvent batch : batches) handler.handleRequest(batch, null);
            double replaySeconds = (System.nanoTime() - replayStarted) / 1e9;
            long afterReplay = totalSessions(client, governance);
            if (afterReplay != records) throw new IllegalStateException("a replay changed the rollups: " + afterReplay);

            // the SDK version history consumer on the same batches (issue 16 target 2)
            SdkVersionStreamHandler sdkHandler = new SdkVersionStreamHandler(new DynamoSdkTelemetryStore(client, governance));
            counter.reset();
            long sdkStarted = System.nanoTime();
            for (DynamodbEvent batch : batches) {
                StreamsEventResponse response = sdkHandler.handleRequest(batch, null);
                if (!response.getBatchItemFailures().isEmpty()) throw new IllegalStateException("SDK batch item failures: " + response.getBatchItemFailures());
            }
            double sdkSeconds = (System.nanoTime() - sdkStarted) / 1e9;
            long sdkWrites = counter.items.get();
            long distinctPerBatch = batches.stream().mapToLong(AggregationBenchmark::distinctSdkVersions).sum();
            counter.reset();
            long sdkReplayStarted = System.nanoTime();
            for (DynamodbEvent batch : batches) sdkHandler.handleRequest(batch, null);
            double sdkReplaySeconds = (System.nanoTime() - sdkReplayStarted) / 1e9;
            long sdkReplayWrites = counter.items.get();
            int versionsStored = APPS.stream().mapToInt(app -> new DynamoSdkTelemetryStore(client, governance).versions(TENANT, app).size()).sum();
            if (versionsStored != APPS.size() * SDK_VERSIONS) throw new IllegalStateException("SDK versions stored: " + versionsStored);

            double updatesPerSecond = rawUpdates(client, governance, updates);
            double recordsPerSecond = delivered / seconds;
            System.out.printf("%nstream records delivered:        %,d in %d batches of <= %d (%d applications x %d days)%n",
                    delivered, batches.size(), batchSize, APPS.size(), DAYS);
            System.out.printf("rollup updates per record:       %.4f  (%d rollup UpdateItems inside transactions)%n", (double) rollupWrites / delivered, rollupWrites);
            System.out.printf("items written per record:        %.4f  (%d: rollups + one dedup marker per record + risk changes)%n", (double) items / delivered, items);
            System.out.printf("write requests per record:       %.4f  (%d TransactWriteItems/PutItem/UpdateItem calls)%n", (double) calls / delivered, calls);
            System.out.printf("aggregation throughput:          %,.0f records/s (%.2f s)%n", recordsPerSecond, seconds);
            System.out.printf("raw UpdateItem throughput:       %,.0f UpdateItem/s (%d single ADD updates, same run)%n", updatesPerSecond, updates);
            System.out.printf("ratio records/s : UpdateItem/s:  %.2f%n", recordsPerSecond / updatesPerSecond);
            System.out.printf("replay of every batch:           %.2f s, rollups unchanged (%,d sessions counted)%n", replaySeconds, afterReplay);
            System.out.printf("%nSDK version history consumer:    %,.0f records/s (%.2f s), ratio to raw UpdateItem/s %.2f%n",
                    delivered / sdkSeconds, sdkSeconds, delivered / sdkSeconds / updatesPerSecond);
            System.out.printf("SDK writes per record:           %.4f  (%d UpdateItems for %d distinct (application, SDK, version) per batch, summed; before: 3 per session)%n",
                    (double) sdkWrites / delivered, sdkWrites, distinctPerBatch);
            System.out.printf("SDK replay of every batch:       %.2f s, %d writes (the history covered everything already)%n", sdkReplaySeconds, sdkReplayWrites);
        }
    }

    /** The distinct (application, SDK, version) of the batch's stored sessions. */
    private static long distinctSdkVersions(DynamodbEvent batch) {
        return batch.getRecords().stream().map(DynamoSessionStore::change).flatMap(java.util.Optional::stream)
                .filter(c -> c.kind() == DynamoSessionStore.Change.Kind.STORED)
                .map(c -> List.of(c.session().session().applicationId(), String.valueOf(c.session().session().session().sdkVersion())))
                .distinct().count();
    }

    private static void store(DynamoSessionStore sessions, int records) {
        Random random = new Random(42);
        String[] risk = {"MINIMAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
        String[] actions = {"ALLOWED", "ALLOWED", "ALLOWED", "FLAGGED", "BLOCKED"};
        List<StoredSession> batch = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            String app = APPS.get(i % APPS.size());
            LocalDate day = LAST_DAY.minusDays((i / APPS.size()) % DAYS);
            Instant startedAt = day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(random.nextInt(86_000));
            String id = "bench-" + i;
            String json = "{\"sessionId\":\"" + id + "\",\"applicationId\":\"" + app + "\",\"startedAt\":\"" + startedAt + "\",\"intent\":\"i\",\"model\":\"m\""
                    + ",\"riskLevel\":\"" + risk[random.nextInt(risk.length)] + "\",\"humanOversight\":{\"type\":\"HUMAN_IN_THE_LOOP\"}"
                    + ",\"guardrails\":[{\"name\":\"g\",\"action\":\"" + actions[random.nextInt(actions.length)] + "\"}]"
                    + ",\"sdk\":{\"name\":\"veriproof-python\",\"version\":\"1." + random.nextInt(SDK_VERSIONS) + ".0\"}}";
            String record = new String(Canonical.jcs(Json.parse(json)), StandardCharsets.UTF_8);
            int score = 60 + random.nextInt(41);
            batch.add(new StoredSession(TENANT, id, app, startedAt, record, "00".repeat(32), score, Band.of(score).name(), Map.of(), startedAt, "req-" + i, false));
            if (batch.size() == 100) {
                sessions.putAllIfAbsent(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) sessions.putAllIfAbsent(batch);
    }

    /** The sessions stream read from DynamoDB Local, shard by shard, as Lambda batches of {@code batchSize}. */
    private static List<DynamodbEvent> batches(DynamoDbClient client, LocalAws aws, String table, int batchSize) {
        String arn = client.describeTable(r -> r.tableName(table)).table().latestStreamArn();
        var streams = aws.streamsClient();
        List<DynamodbEvent> batches = new ArrayList<>();
        for (Shard shard : streams.describeStream(r -> r.streamArn(arn)).streamDescription().shards()) {
            String iterator = streams.getShardIterator(r -> r.streamArn(arn).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            List<DynamodbEvent.DynamodbStreamRecord> current = new ArrayList<>();
            while (iterator != null) {
                String it = iterator;
                var page = streams.getRecords(r -> r.shardIterator(it).limit(1000));
                if (page.records().isEmpty()) break;
                for (Record record : page.records()) {
                    current.add(lambdaRecord(record, arn));
                    if (current.size() == batchSize) {
                        batches.add(event(current));
                        current = new ArrayList<>();
                    }
                }
                iterator = page.nextShardIterator();
            }
            if (!current.isEmpty()) batches.add(event(current));
        }
        return batches;
    }

    private static DynamodbEvent event(List<DynamodbEvent.DynamodbStreamRecord> records) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(records);
        return event;
    }

    private static DynamodbEvent.DynamodbStreamRecord lambdaRecord(Record record, String arn) {
        DynamodbEvent.DynamodbStreamRecord r = new DynamodbEvent.DynamodbStreamRecord();
        r.setEventID(record.eventID());
        r.setEventName(record.eventNameAsString());
        r.setEventSource("aws:dynamodb");
        r.setEventSourceARN(arn);
        StreamRecord change = new StreamRecord();
        change.setSequenceNumber(record.dynamodb().sequenceNumber());
        change.setKeys(image(record.dynamodb().keys()));
        if (record.dynamodb().hasNewImage()) change.setNewImage(image(record.dynamodb().newImage()));
        if (record.dynamodb().hasOldImage()) change.setOldImage(image(record.dynamodb().oldImage()));
        r.setDynamodb(change);
        return r;
    }

    private static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image(Map<String, AttributeValue> item) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image = new HashMap<>();
        item.forEach((k, v) -> image.put(k, value(v)));
        return image;
    }

    private static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue value(AttributeValue v) {
        var out = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        switch (v.type()) {
            case S -> out.setS(v.s());
            case N -> out.setN(v.n());
            case BOOL -> out.setBOOL(v.bool());
            case NUL -> out.setNULL(true);
            case M -> out.setM(image(v.m()));
            case L -> out.setL(v.l().stream().map(AggregationBenchmark::value).toList());
            case SS -> out.setSS(v.ss());
            default -> throw new IllegalArgumentException("unexpected attribute type " + v.type());
        }
        return out;
    }

    private static long totalSessions(DynamoDbClient client, String governance) {
        long total = 0;
        for (String app : APPS) {
            for (var item : client.query(r -> r.tableName(governance).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.builder().s("TENANT#" + TENANT).build(),
                            ":p", AttributeValue.builder().s("ROLLUP#" + app + "#").build()))).items()) {
                total += Long.parseLong(item.get("sessions").n());
            }
        }
        return total;
    }

    /** Single-item UpdateItem ADDs on rollup-like items, one call at a time: the reference. */
    private static double rawUpdates(DynamoDbClient client, String governance, int updates) {
        long started = System.nanoTime();
        for (int i = 0; i < updates; i++) update(client, governance, i);
        return updates / ((System.nanoTime() - started) / 1e9);
    }

    private static void update(DynamoDbClient client, String governance, int i) {
        client.updateItem(r -> r.tableName(governance)
                .key(Map.of("pk", AttributeValue.builder().s("TENANT#raw").build(), "sk", AttributeValue.builder().s("ROLLUP#raw#" + (i % 15)).build()))
                .updateExpression("ADD sessions :one, scoreSum :s")
                .expressionAttributeValues(Map.of(":one", AttributeValue.builder().n("1").build(), ":s", AttributeValue.builder().n("80").build())));
    }
}
