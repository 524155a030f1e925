package dev.veriproof.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.adapters.dynamo.DynamoAlertStore;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoIncidentStore;
import dev.veriproof.adapters.dynamo.DynamoRiskStore;
import dev.veriproof.adapters.dynamo.DynamoRollupStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.scoring.Band;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.local.LambdaStreamEvents;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.ThrottlingInterceptor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * The recount after a given-up stream batch, against DynamoDB Local's real stream: two tenants get
 * the same sessions; one loses a batch on purpose. Its metrics are wrong until the recount, right
 * after it, and stay right when ingest and late stream deliveries go on.
 */
@ExtendWith(LocalAwsExtension.class)
class RecountTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final LocalDate TODAY = LocalDate.parse("2026-11-26");

    private LocalAws aws;
    private DynamoSessionStore sessions;
    private RollupStore rollups;
    private AggregationStreamHandler handler;
    private RecountHandler recount;
    private String complete;
    private String lossy;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build();
        String governance = aws.tableName("GovernanceTable");
        sessions = new DynamoSessionStore(aws.client(), aws.tableName("SessionsTable"));
        DynamoApplicationStore applications = new DynamoApplicationStore(enhanced, governance);
        rollups = new DynamoRollupStore(aws.client(), governance);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        AlertStore alerts = new DynamoAlertStore(aws.client(), governance, new DynamoAuditLog(aws.client(), governance, clock));
        Aggregation aggregation = new Aggregation(rollups, new DynamoRiskStore(aws.client(), governance), alerts, applications,
                new Notifications((message, delay) -> { }), new DynamoIncidentStore(aws.client(), governance), clock);
        handler = new AggregationStreamHandler(aggregation);
        recount = new RecountHandler(new Recount(new DynamoSessionStore(aws.client(), aws.tableName("SessionsTable")), rollups, aggregation, alerts, clock));
        String run = UUID.randomUUID().toString().substring(0, 8);
        complete = "complete-" + run;
        lossy = "lossy-" + run;
        for (String tenant : List.of(complete, lossy)) {
            applications.create(new Application(tenant, "app", "app", RiskLevel.MEDIUM, 70, "owner", RedactionPolicy.NONE, 1, NOW, NOW), "test");
        }
    }

    private void store(String tenant, String sessionId, String startedAt, int score, String extra) {
        String record = new String(Canonical.jcs(Json.parse("{\"sessionId\":\"" + sessionId + "\",\"applicationId\":\"app\",\"startedAt\":\""
                + startedAt + "\"" + extra + "}")), StandardCharsets.UTF_8);
        sessions.putIfAbsent(new StoredSession(tenant, sessionId, "app", Instant.parse(startedAt), record, "00".repeat(32), score,
                Band.of(score).name(), Map.of(), Instant.parse(startedAt), "req-" + sessionId, false));
    }

    private void storeBoth(String sessionId, String startedAt, int score, String extra) {
        store(complete, sessionId, startedAt, score, extra);
        store(lossy, sessionId, startedAt, score, extra);
    }

    private List<Record> records(String tenant) {
        return LambdaStreamEvents.read(aws.client(), aws.streamsClient(), aws.tableName("SessionsTable"),
                r -> r.dynamodb().keys().get("pk").s().startsWith("S#" + tenant + "#") || r.dynamodb().keys().get("pk").s().startsWith("A#" + tenant + "#"));
    }

    private void deliver(List<Record> records) {
        assertEquals(List.of(), handler.handleRequest(LambdaStreamEvents.event(records,
                "arn:aws:dynamodb:us-east-1:000000000000:table/SessionsTable/stream/local"), null).getBatchItemFailures());
    }

    /** As anchoring does it: a run places the session in a batch and creates its anchored pointer. */
    private void markAnchored(String tenant, String sessionId) {
        byte[] leaf = new byte[32];
        var pointers = new dev.veriproof.adapters.dynamo.DynamoAnchorPointers(aws.client(), aws.tableName("SessionsTable"));
        pointers.recordAnchored(List.of(new dev.veriproof.core.anchoring.PendingSessions.AnchoredLeaf(
                        new dev.veriproof.core.anchoring.PendingLeaf(tenant, sessionId, "00".repeat(32)),
                        dev.veriproof.core.merkle.MerkleTree.of(List.of(leaf)).proof(0))),
                new dev.veriproof.core.anchoring.Anchor(31337, "0x" + "0".repeat(39) + "1", "0x" + "ab".repeat(32), 7, NOW,
                        dev.veriproof.core.hash.Hashes.hex(dev.veriproof.core.hash.Hashes.sha256((tenant + sessionId).getBytes()))));
    }

    /** The day rollups and the per-model rollups, by day and by day and model. */
    private Map<String, Map<String, Long>> rollupsOf(String tenant) {
        Map<String, Map<String, Long>> all = rollups.read(tenant, "app", TODAY.minusDays(29), TODAY).stream()
                .collect(Collectors.toMap(r -> r.day().toString(), r -> new TreeMap<>(r.counters()), (a, b) -> a, TreeMap::new));
        rollups.readModels(tenant, "app", TODAY.minusDays(29), TODAY)
                .forEach(m -> all.put(m.day() + " " + m.model(), new TreeMap<>(m.counters())));
        return all;
    }

    private Map<String, Object> recount(String tenant, String from, String to) {
        return recount.handleRequest(Map.of("tenantId", tenant, "applicationId", "app", "from", from, "to", to), null);
    }

    @Test
    void aDroppedBatchLeavesTheMetricsWrongUntilTheRecountWhichIsExactIdempotentAndSafeWithLateDeliveries() {
        storeBoth("s1", "2026-11-25T09:00:00Z", 90, ",\"riskLevel\":\"HIGH\",\"model\":\"m-large\",\"humanOversight\":{\"type\":\"HUMAN_IN_THE_LOOP\"}");
        storeBoth("s2", "2026-11-25T10:00:00Z", 40, ",\"model\":\"m-small\",\"guardrails\":[{\"name\":\"g\",\"action\":\"BLOCKED\"}]");
        storeBoth("s3", "2026-11-26T09:00:00Z", 71, ",\"model\":\"m-large\",\"decision\":{\"outcome\":\"DENIED\"}");
        storeBoth("s4", "2026-11-26T09:30:00Z", 100, ",\"grounding\":{\"status\":\"GROUNDED\"}");
        markAnchored(complete, "s1");
        markAnchored(lossy, "s1");
        deliver(records(complete));
        List<Record> lossyRecords = records(lossy);
        assertEquals(5, lossyRecords.size(), "four inserts, s1's anchored pointer inserted");
        List<Record> dropped = List.of(lossyRecords.get(1), lossyRecords.get(2), lossyRecords.get(4));
        deliver(lossyRecords.stream().filter(r -> !dropped.contains(r)).toList()); // the given-up batch never arrives

        assertNotEquals(rollupsOf(complete), rollupsOf(lossy), "the lost batch is missing from the metrics");

        Map<String, Object> first = recount(lossy, "2026-11-24", "2026-11-26");
        assertEquals(rollupsOf(complete), rollupsOf(lossy), "recounted from the sessions: " + first);
        assertEquals(2L, first.get("corrected"));
        assertEquals(List.of(Map.of("day", "2026-11-24", "sessions", 0L, "corrected", false),
                Map.of("day", "2026-11-25", "sessions", 2L, "corrected", true),
                Map.of("day", "2026-11-26", "sessions", 2L, "corrected", true)), first.get("days"));

        Map<String, Map<String, Long>> recounted = rollupsOf(lossy);
        assertEquals(0L, recount(lossy, "2026-11-25", "2026-11-26").get("corrected"), "run again: nothing to correct");
        assertEquals(recounted, rollupsOf(lossy));

        deliver(dropped); // the stream retries the batch after all: already counted, nothing doubles
        assertEquals(recounted, rollupsOf(lossy));

        // ingest goes on: a session stored and recounted before its stream record arrives counts once
        storeBoth("s5", "2026-11-26T11:00:00Z", 55, "");
        deliver(records(complete).stream().filter(r -> r.dynamodb().keys().get("pk").s().endsWith("#s5")).toList());
        recount(lossy, "2026-11-26", "2026-11-26");
        deliver(records(lossy).stream().filter(r -> r.dynamodb().keys().get("pk").s().endsWith("#s5")).toList());
        assertEquals(rollupsOf(complete), rollupsOf(lossy));
        assertEquals(3L, rollupsOf(lossy).get("2026-11-26").get("sessions"));
    }

    @Test
    void throttledRollupWritesAreRetriedWithBackoffAndCountEverySessionOnce() {
        storeBoth("s1", "2026-11-25T09:00:00Z", 90, ",\"riskLevel\":\"HIGH\"");
        storeBoth("s2", "2026-11-26T10:00:00Z", 40, ",\"guardrails\":[{\"name\":\"g\",\"action\":\"BLOCKED\"}]");
        storeBoth("s3", "2026-11-26T11:00:00Z", 71, "");
        markAnchored(complete, "s2");
        markAnchored(lossy, "s2");
        deliver(records(complete));
        ThrottlingInterceptor throttle = new ThrottlingInterceptor(
                java.util.Set.of("TransactWriteItems", "PutItem", "UpdateItem", "GetItem", "Query"), 2);
        try (software.amazon.awssdk.services.dynamodb.DynamoDbClient throttled = aws.client(throttle)) {
            String governance = aws.tableName("GovernanceTable");
            Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
            AggregationStreamHandler throttledHandler = new AggregationStreamHandler(new Aggregation(new DynamoRollupStore(throttled, governance),
                    new DynamoRiskStore(throttled, governance), new DynamoAlertStore(throttled, governance, new DynamoAuditLog(throttled, governance, clock)),
                    new DynamoApplicationStore(DynamoDbEnhancedClient.builder().dynamoDbClient(throttled).build(), governance),
                    new Notifications((message, delay) -> { }), new DynamoIncidentStore(throttled, governance), clock));
            List<Record> all = records(lossy);
            for (Record record : all) {
                assertEquals(List.of(), throttledHandler.handleRequest(LambdaStreamEvents.event(List.of(record),
                        "arn:aws:dynamodb:us-east-1:000000000000:table/SessionsTable/stream/local"), null).getBatchItemFailures());
            }
        }
        assertTrue(throttle.injected() >= 3, "throttled " + throttle.injected() + " times");
        assertEquals(rollupsOf(complete), rollupsOf(lossy), "nothing lost, nothing doubled");
    }

    @Test
    void badInputIsRefusedClearlyAndChangesNothing() {
        storeBoth("s1", "2026-11-25T09:00:00Z", 90, "");
        assertEquals("to 2026-11-24 is before from 2026-11-25",
                assertThrows(IllegalArgumentException.class, () -> recount(lossy, "2026-11-25", "2026-11-24")).getMessage());
        assertEquals("from must be a date YYYY-MM-DD, not yesterday",
                assertThrows(IllegalArgumentException.class, () -> recount(lossy, "yesterday", "2026-11-24")).getMessage());
        assertEquals(Map.of(), rollupsOf(lossy));
    }
}
