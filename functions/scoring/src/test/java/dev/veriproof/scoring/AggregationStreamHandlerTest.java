package dev.veriproof.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.veriproof.adapters.dynamo.DynamoAlertStore;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoIncidentStore;
import dev.veriproof.adapters.dynamo.DynamoReviewStore;
import dev.veriproof.adapters.dynamo.DynamoRollupStore;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.governance.Review;
import dev.veriproof.core.governance.ReviewOutcome;
import dev.veriproof.core.posture.Incident;
import dev.veriproof.core.posture.SessionIncident;
import java.util.Optional;
import java.util.Set;
import static org.junit.jupiter.api.Assertions.assertNull;
import dev.veriproof.adapters.dynamo.DynamoRiskStore;
import dev.veriproof.adapters.dynamo.DynamoAnchorPointers;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.PendingLeaf;
import dev.veriproof.core.anchoring.PendingSessions;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.merkle.MerkleTree;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.core.aggregation.DailyRollup;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.core.alerts.Alert;
import dev.veriproof.core.alerts.AlertRule;
import dev.veriproof.core.alerts.AlertStatus;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.alerts.Rules;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.risk.RiskStore;
import dev.veriproof.core.scoring.Band;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.local.LambdaStreamEvents;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * The aggregation stream handler fed with real DynamoDB Local stream records of sessions stored by
 * the real session store: replays and overlapping batches change nothing, anchoring counts once,
 * a partial failure is reported per record and its retry is exact.
 */
@ExtendWith(LocalAwsExtension.class)
class AggregationStreamHandlerTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final LocalDate TODAY = LocalDate.parse("2026-11-26");

    private LocalAws aws;
    private DynamoSessionStore sessions;
    private DynamoApplicationStore applications;
    private RollupStore rollups;
    private RiskStore risks;
    private AlertStore alerts;
    private DynamoIncidentStore incidents;
    private final List<String> queued = Collections.synchronizedList(new ArrayList<>());
    private AggregationStreamHandler handler;
    private DynamoAuditLog audit;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build();
        String governance = aws.tableName("GovernanceTable");
        sessions = new DynamoSessionStore(aws.client(), aws.tableName("SessionsTable"));
        applications = new DynamoApplicationStore(enhanced, governance);
        rollups = new DynamoRollupStore(aws.client(), governance);
        risks = new DynamoRiskStore(aws.client(), governance);
        audit = new DynamoAuditLog(aws.client(), governance, Clock.fixed(NOW, ZoneOffset.UTC));
        alerts = new DynamoAlertStore(aws.client(), governance, audit);
        incidents = new DynamoIncidentStore(aws.client(), governance);
        handler = handler(risks);
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The notification queue port records what would go to SQS; delivery itself is tested end to end. */
    private AggregationStreamHandler handler(RiskStore riskStore) {
        return new AggregationStreamHandler(new Aggregation(rollups, riskStore, alerts, applications,
                new Notifications((message, delay) -> queued.add(message)), incidents, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private void register(String applicationId, RiskLevel declared, int target) {
        applications.create(new Application(tenant, applicationId, applicationId, declared, target, "owner", RedactionPolicy.NONE, 1, NOW, NOW), "test");
    }

    private void store(String sessionId, String applicationId, String startedAt, int score, String extra) {
        String record = new String(Canonical.jcs(Json.parse("{\"sessionId\":\"" + sessionId + "\",\"applicationId\":\"" + applicationId
                + "\",\"startedAt\":\"" + startedAt + "\"" + extra + "}")), StandardCharsets.UTF_8);
        sessions.putIfAbsent(new StoredSession(tenant, sessionId, applicationId, Instant.parse(startedAt), record, "00".repeat(32), score,
                Band.of(score).name(), Map.of(), Instant.parse(startedAt), "req-" + sessionId, false));
    }

    private List<Record> myRecords() {
        return LambdaStreamEvents.read(aws.client(), aws.streamsClient(), aws.tableName("SessionsTable"),
                r -> r.dynamodb().keys().get("pk").s().startsWith("S#" + tenant + "#") || r.dynamodb().keys().get("pk").s().startsWith("A#" + tenant + "#"));
    }

    private StreamsEventResponse deliver(AggregationStreamHandler h, List<Record> records) {
        return h.handleRequest(LambdaStreamEvents.event(records, "arn:aws:dynamodb:us-east-1:000000000000:table/SessionsTable/stream/local"), null);
    }

    private Map<String, Map<String, Long>> rollupsOf(String applicationId) {
        return rollups.read(tenant, applicationId, TODAY.minusDays(29), TODAY).stream()
                .collect(Collectors.toMap(r -> r.day().toString(), r -> new TreeMap<>(r.counters()), (a, b) -> a, TreeMap::new));
    }

    /** As anchoring does it: a run places the session in a batch and creates its anchored pointer. */
    private void markAnchored(String sessionId) {
        DynamoAnchorPointers pointers = new DynamoAnchorPointers(aws.client(), aws.tableName("SessionsTable"));
        StoredSession stored = sessions.find(tenant, sessionId).orElseThrow();
        pointers.recordAnchored(List.of(new PendingSessions.AnchoredLeaf(new PendingLeaf(tenant, sessionId, stored.leafHash()),
                        MerkleTree.of(List.of(new byte[32])).proof(0))),
                new Anchor(31337, "0x" + "0".repeat(39) + "1", "0x" + "ab".repeat(32), 7, Instant.parse("2026-11-26T10:00:00Z"),
                        Hashes.hex(Hashes.sha256((tenant + sessionId).getBytes(StandardCharsets.UTF_8)))));
    }

    @Test
    void replayedAndOverlappingBatchesLeaveEveryAggregateUnchanged() {
        store("s1", "app", "2026-11-26T09:00:00Z", 90, ",\"riskLevel\":\"HIGH\",\"humanOversight\":{\"type\":\"HUMAN_IN_THE_LOOP\"}");
        store("s2", "app", "2026-11-26T09:01:00Z", 60, ",\"guardrails\":[{\"name\":\"g\",\"action\":\"FLAGGED\"}]");
        store("s3", "app", "2026-11-26T09:02:00Z", 71, ",\"decision\":{\"outcome\":\"DENIED\"}");
        store("s4", "app", "2026-11-25T09:00:00Z", 40, ",\"grounding\":{\"status\":\"GROUNDED\"}");
        store("s5", "app", "2026-11-25T09:01:00Z", 100, ",\"contentSafety\":{\"flags\":[\"PII\"]}");
        store("s6", "other", "2026-11-26T09:00:00Z", 80, "");
        List<Record> records = myRecords();
        assertEquals(6, records.size());

        assertTrue(deliver(handler, records.subList(0, 4)).getBatchItemFailures().isEmpty());
        Map<String, Map<String, Long>> afterFirst = rollupsOf("app");
        deliver(handler, records.subList(0, 4)); // the same batch again
        assertEquals(afterFirst, rollupsOf("app"));

        deliver(handler, records.subList(2, 6)); // overlaps the first batch by two records
        Map<String, Map<String, Long>> all = rollupsOf("app");
        deliver(handler, records);
        deliver(handler, records.subList(3, 6));
        assertEquals(all, rollupsOf("app"));

        Map<String, Long> today = all.get("2026-11-26");
        assertEquals(3, today.get("sessions"));
        assertEquals(221, today.get("scoreSum"));
        assertEquals(1, today.get("band_EXCELLENT"));
        assertEquals(2, today.get("band_FAIR"));
        assertEquals(1, today.get("risk_HIGH"));
        assertEquals(1, today.get("oversightRequired"));
        assertEquals(1, today.get("oversightHad"));
        assertEquals(1, today.get("guardrailFailures"));
        assertEquals(1, today.get("guardrail_FLAGGED"));
        assertEquals(1, today.get("outcome_DENIED"));
        Map<String, Long> yesterday = all.get("2026-11-25");
        assertEquals(2, yesterday.get("sessions"));
        assertEquals(140, yesterday.get("scoreSum"));
        assertEquals(1, yesterday.get("grounded"));
        assertEquals(1, yesterday.get("safetyFlagged"));
        assertEquals(Map.of("2026-11-26", 1L), rollupsOf("other").entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get("sessions"))));
    }

    @Test
    void modelAndContentSafetyFiguresCountExactlyOnceUnderReplays() {
        store("m1", "app", "2026-11-26T09:00:00Z", 90, ",\"model\":\"gpt-4.1\",\"contentSafety\":{\"flags\":[\"PII\",\"HATE\"]}");
        store("m2", "app", "2026-11-26T09:01:00Z", 60, ",\"model\":\"gpt-4.1\",\"guardrails\":[{\"name\":\"g\",\"action\":\"BLOCKED\"}]");
        store("m3", "app", "2026-11-26T09:02:00Z", 70, ",\"model\":\"claude\",\"contentSafety\":{\"flags\":[\"PII\"]}");
        store("m4", "app", "2026-11-25T09:00:00Z", 80, ",\"model\":\"gpt-4.1\"");
        store("m5", "app", "2026-11-26T09:03:00Z", 40, "");
        List<Record> records = myRecords();
        deliver(handler, records.subList(0, 3));
        deliver(handler, records.subList(1, 5)); // overlaps
        deliver(handler, records);                // replayed whole
        deliver(handler, records.subList(2, 4));
        Map<String, Map<String, Long>> models = new TreeMap<>();
        rollups.readModels(tenant, "app", TODAY.minusDays(29), TODAY)
                .forEach(m -> models.put(m.day() + " " + m.model(), new TreeMap<>(m.counters())));
        assertEquals(Map.of(
                "2026-11-25 gpt-4.1", Map.of("sessions", 1L, "scoreSum", 80L),
                "2026-11-26 claude", Map.of("sessions", 1L, "scoreSum", 70L),
                "2026-11-26 gpt-4.1", Map.of("sessions", 2L, "scoreSum", 150L, "guardrailFailures", 1L)), models);
        Map<String, Long> today = rollupsOf("app").get("2026-11-26");
        assertEquals(4, today.get("sessions"));
        assertEquals(2, today.get("safetyFlagged"));
        assertEquals(2, today.get("safety_PII"));
        assertEquals(1, today.get("safety_HATE"));
    }

    @Test
    void aBatchWithManyModelsSplitsIntoTransactionsThatStillCountOnce() {
        for (int i = 0; i < 70; i++) {
            store("many" + i, "app", "2026-11-26T09:00:00Z", 50 + (i % 2), ",\"model\":\"model-" + (i % 60) + "\"");
        }
        List<Record> records = myRecords();
        assertTrue(deliver(handler, records).getBatchItemFailures().isEmpty());
        deliver(handler, records.subList(10, 70));
        var models = rollups.readModels(tenant, "app", TODAY, TODAY);
        assertEquals(60, models.size());
        assertEquals(70, models.stream().mapToLong(m -> m.get("sessions")).sum());
        assertEquals(2, models.stream().filter(m -> m.model().equals("model-5")).findFirst().orElseThrow().get("sessions"));
        assertEquals(70, rollupsOf("app").get("2026-11-26").get("sessions"));
    }

    @Test
    void anchoringCountsOnceFromTheAnchoredPointersInsert_evenBesideRecordsOfTheAnchoringBeforeChunksAndBeforePointers() {
        store("a1", "app", "2026-11-26T09:00:00Z", 90, "");
        store("a2", "app", "2026-11-26T09:01:00Z", 90, "");
        markAnchored("a1");
        aws.client().updateItem(r -> r.tableName(aws.tableName("SessionsTable")) // a change that is not anchoring
                .key(Map.of("pk", AttributeValue.builder().s("S#" + tenant + "#a2").build()))
                .updateExpression("SET reviewed = :t").expressionAttributeValues(Map.of(":t", AttributeValue.builder().bool(true).build())));
        List<Record> records = myRecords();
        assertEquals(4, records.size(), "two sessions, a1's anchored pointer inserted, a2 changed");
        deliver(handler, records);
        deliver(handler, records.subList(2, 4));
        deliver(handler, records);
        Map<String, Long> today = rollupsOf("app").get("2026-11-26");
        assertEquals(2, today.get("sessions"));
        assertEquals(1, today.get("anchored"));

        // a record left in the stream by the anchoring before pointers (it removed anchorPending from the session item)
        aws.client().updateItem(r -> r.tableName(aws.tableName("SessionsTable"))
                .key(Map.of("pk", AttributeValue.builder().s("S#" + tenant + "#a1").build())).updateExpression("REMOVE anchorPending"));
        deliver(handler, myRecords());
        assertEquals(1, rollupsOf("app").get("2026-11-26").get("anchored"), "the same session counts once");

        // records of the anchoring before pending chunks: a pending pointer inserted (no change), then rewritten anchored
        Map<String, AttributeValue> pending = new java.util.HashMap<>(Map.of("pk", AttributeValue.fromS("A#" + tenant + "#a2"),
                "applicationId", AttributeValue.fromS("app"), "day", AttributeValue.fromS("2026-11-26"), "leafHash", AttributeValue.fromS("00".repeat(32)),
                "anchorPending", AttributeValue.fromS("P#01"), "pendingKey", AttributeValue.fromS("2026-11-26T09:01:00Z#" + tenant + "#a2")));
        aws.client().putItem(r -> r.tableName(aws.tableName("SessionsTable")).item(pending));
        deliver(handler, myRecords());
        assertEquals(1, rollupsOf("app").get("2026-11-26").get("anchored"), "a pending pointer is no anchoring");
        pending.remove("anchorPending");
        pending.remove("pendingKey");
        pending.put("batchId", AttributeValue.fromS("ab".repeat(32)));
        aws.client().putItem(r -> r.tableName(aws.tableName("SessionsTable")).item(pending));
        deliver(handler, myRecords());
        deliver(handler, myRecords());
        assertEquals(2, rollupsOf("app").get("2026-11-26").get("anchored"), "its MODIFY counts a2 once");
    }

    @Test
    void aPartialFailureIsReportedPerRecordAndItsRetryCountsNothingTwice() {
        register("registered", RiskLevel.LOW, 80);
        store("p1", "unregistered", "2026-11-26T09:00:00Z", 90, "");
        store("p2", "registered", "2026-11-26T09:01:00Z", 30, "");
        store("p3", "unregistered", "2026-11-26T09:02:00Z", 90, "");
        List<Record> records = myRecords();
        // the risk store's table does not exist: evaluating the registered application fails
        AggregationStreamHandler failing = handler(new DynamoRiskStore(aws.client(), "no-such-table"));
        StreamsEventResponse response = deliver(failing, records);
        assertEquals(List.of(records.get(1).dynamodb().sequenceNumber()),
                response.getBatchItemFailures().stream().map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList());
        assertTrue(risks.find(tenant, "registered").isEmpty());

        deliver(handler, records.subList(1, 3)); // Lambda retries from the first failed record
        assertEquals(1, rollupsOf("registered").get("2026-11-26").get("sessions"));
        assertEquals(2, rollupsOf("unregistered").get("2026-11-26").get("sessions"));
        RiskStore.Classification risk = risks.find(tenant, "registered").orElseThrow();
        assertEquals(RiskLevel.CRITICAL, risk.observed());
        assertEquals(RiskLevel.CRITICAL, risk.effective());
    }

    @Test
    void riskChangesAreRecordedOnceWithTimeOldNewAndReason() {
        register("app", RiskLevel.MEDIUM, 80);
        store("r1", "app", "2026-11-26T09:00:00Z", 95, "");
        deliver(handler, myRecords());
        assertEquals(RiskLevel.LOW, risks.find(tenant, "app").orElseThrow().observed());
        assertEquals(RiskLevel.MEDIUM, risks.find(tenant, "app").orElseThrow().effective());
        store("r2", "app", "2026-11-26T09:01:00Z", 95, ",\"guardrails\":[{\"name\":\"g\",\"action\":\"BYPASSED\"}]");
        List<Record> records = myRecords();
        deliver(handler, records);
        deliver(handler, records);
        List<RiskStore.Change> history = risks.history(tenant, "app");
        assertEquals(2, history.size());
        assertNull(history.get(0).oldEffective());
        assertEquals(RiskLevel.MEDIUM, history.get(0).newEffective());
        assertEquals(RiskLevel.MEDIUM, history.get(1).oldEffective());
        assertEquals(RiskLevel.CRITICAL, history.get(1).newEffective());
        assertTrue(history.get(1).reason().contains("BYPASSED"), history.get(1).reason());
        assertEquals(NOW, history.get(1).at());
    }

    private AlertRule rule(String json) {
        AlertRule rule = Rules.parse(Json.parse(json), tenant, AlertStore.newId("rule_"), NOW, NOW, true);
        assertTrue(alerts.createRule(rule, new AuditEvent("key-admin", "alert_rule.create", "alert-rule/" + rule.ruleId(), Map.of())));
        return rule;
    }

    @Test
    void aSessionRuleOpensOneAlertAndCountsEachSessionOnce() {
        AlertRule rule = rule("""
                {"name":"critical sessions","applicationId":"app","kind":"SESSION_CONDITION","severity":"HIGH",
                 "condition":{"any":[{"field":"riskLevel","op":"in","value":["CRITICAL"]}]},
                 "notify":{"webhookUrl":"https://hooks.example.com/x","webhookSecret":"0123456789abcdef"}}""");
        store("c1", "app", "2026-11-26T09:00:00Z", 50, ",\"riskLevel\":\"CRITICAL\"");
        store("c2", "app", "2026-11-26T09:01:00Z", 90, "");
        store("c3", "app", "2026-11-26T09:02:00Z", 50, ",\"riskLevel\":\"CRITICAL\"");
        store("c4", "other", "2026-11-26T09:02:00Z", 50, ",\"riskLevel\":\"CRITICAL\"");
        List<Record> records = myRecords();
        deliver(handler, records.subList(0, 2));
        deliver(handler, records);
        deliver(handler, records);
        List<Alert> open = alerts.alerts(tenant);
        assertEquals(1, open.size());
        assertEquals(rule.ruleId(), open.get(0).ruleId());
        assertEquals(2, open.get(0).occurrences());
        assertEquals(AlertStatus.OPEN, open.get(0).status());
        assertEquals(List.of("alert.opened", "alert.updated"), queued.stream()
                .map(m -> Json.parse(Json.parse(m).get("body").asText()).get("type").asText()).toList());
    }

    @Test
    void aMetricAlertOpensOnceAndResolvesItselfWhenTheMetricRecovers() {
        register("app", RiskLevel.LOW, 50);
        rule("{\"name\":\"low score\",\"applicationId\":\"*\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":60,\"severity\":\"MEDIUM\",\"notify\":{\"eventBridge\":true}}");
        store("m1", "app", "2026-11-26T09:00:00Z", 40, "");
        deliver(handler, myRecords());
        store("m2", "app", "2026-11-26T09:01:00Z", 50, "");
        deliver(handler, myRecords());
        Alert alert = alerts.alerts(tenant).get(0);
        assertEquals(AlertStatus.OPEN, alert.status());
        assertEquals(2, alert.occurrences());
        assertEquals(45.0, alert.value());
        store("m3", "app", "2026-11-26T09:02:00Z", 100, "");
        deliver(handler, myRecords());
        Alert resolved = alerts.findAlert(tenant, alert.alertId()).orElseThrow();
        assertEquals(AlertStatus.RESOLVED, resolved.status());
        assertTrue(resolved.resolution().startsWith("Resolved automatically"), resolved.resolution());
        assertEquals(List.of("alert.opened", "alert.resolved"), queued.stream()
                .map(m -> Json.parse(Json.parse(m).get("body").asText()).get("type").asText()).toList());
        assertEquals("eventBridge", Json.parse(queued.get(0)).get("channel").asText());
        assertTrue(alerts.alerts("someone-else").isEmpty());
        assertTrue(rollups.read("someone-else", "app", TODAY.minusDays(29), TODAY).isEmpty());
    }

    @Test
    void anAlertMovesOpenAcknowledgedResolvedAndANewOccurrenceOpensANewOne() {
        AlertRule rule = rule("{\"name\":\"n\",\"applicationId\":\"app\",\"kind\":\"SESSION_CONDITION\",\"severity\":\"LOW\",\"condition\":{\"all\":[{\"field\":\"governanceScore\",\"op\":\"<\",\"value\":50}]}}");
        AlertStore.Occurrence first = alerts.occur(rule, "app", 10.0, null, "COUNTED#" + tenant + "#x1", NOW);
        assertTrue(first.opened());
        String target = "alert/" + first.alert().alertId();
        Alert acknowledged = alerts.acknowledge(tenant, first.alert().alertId(), "key-1", NOW,
                new AuditEvent("key-1", "alert.acknowledge", target, Map.of())).orElseThrow();
        assertEquals(AlertStatus.ACKNOWLEDGED, acknowledged.status());
        Alert again = alerts.acknowledge(tenant, first.alert().alertId(), "key-2", NOW,
                new AuditEvent("key-2", "alert.acknowledge", target, Map.of())).orElseThrow();
        assertEquals("key-1", again.acknowledgedBy(), "the second acknowledgement changes nothing");
        AlertStore.Occurrence second = alerts.occur(rule, "app", 10.0, null, "COUNTED#" + tenant + "#x2", NOW);
        assertEquals(first.alert().alertId(), second.alert().alertId());
        assertEquals(2, second.alert().occurrences());
        Alert resolved = alerts.resolve(tenant, first.alert().alertId(), "key-1", "retrained the model", NOW,
                Optional.of(new AuditEvent("key-1", "alert.resolve", target, Map.of("note", "retrained the model")))).orElseThrow();
        assertEquals("retrained the model", resolved.resolution());
        alerts.resolve(tenant, first.alert().alertId(), "key-2", "again", NOW, Optional.of(new AuditEvent("key-2", "alert.resolve", target, Map.of())));
        assertEquals(List.of("alert_rule.create key-admin", "alert.acknowledge key-1", "alert.resolve key-1"),
                audit.list(tenant, 0, 10).stream().map(e -> e.action() + " " + e.actor()).toList(),
                "each change with its entry, and a refused one with none");
        AlertStore.Occurrence third = alerts.occur(rule, "app", 10.0, null, "COUNTED#" + tenant + "#x3", NOW);
        assertTrue(third.opened());
        assertEquals(1, third.alert().occurrences());
        assertEquals(2, alerts.alerts(tenant).size());
        List<DailyRollup> none = rollups.read(tenant, "app", TODAY, TODAY);
        assertTrue(none.isEmpty());
    }

    @Test
    void everyMetricKindOpensItsAlertOnceAndAnchoringResolvesTheCoverageAlert() {
        register("app", RiskLevel.LOW, 90);
        for (String kind : List.of("\"ROLLING_SCORE_BELOW\",\"threshold\":60", "\"GUARDRAIL_FAILURE_RATE_ABOVE\",\"threshold\":0.2",
                "\"ANCHOR_COVERAGE_BELOW\",\"threshold\":0.5", "\"HUMAN_OVERSIGHT_COVERAGE_BELOW\",\"threshold\":0.9",
                "\"RISK_LEVEL_AT_LEAST\",\"threshold\":\"HIGH\"", "\"SCORE_TARGET_MISSED\"")) {
            rule("{\"name\":\"n\",\"applicationId\":\"app\",\"severity\":\"HIGH\",\"kind\":" + kind + "}");
        }
        store("k1", "app", "2026-11-26T09:00:00Z", 30, ",\"riskLevel\":\"CRITICAL\",\"guardrails\":[{\"name\":\"g\",\"action\":\"BYPASSED\"}]");
        List<Record> records = myRecords();
        deliver(handler, records);
        deliver(handler, records);
        List<Alert> opened = alerts.alerts(tenant);
        assertEquals(6, opened.size(), opened.toString());
        assertTrue(opened.stream().allMatch(a -> a.status() == AlertStatus.OPEN && a.occurrences() == 1), opened.toString());

        markAnchored("k1");
        deliver(handler, myRecords());
        Map<String, Alert> byKind = alerts.alerts(tenant).stream().collect(Collectors.toMap(a -> a.kind().name(), a -> a));
        assertEquals(AlertStatus.RESOLVED, byKind.get("ANCHOR_COVERAGE_BELOW").status());
        assertEquals(AlertStatus.OPEN, byKind.get("RISK_LEVEL_AT_LEAST").status());
        assertEquals("CRITICAL", byKind.get("RISK_LEVEL_AT_LEAST").value());
        assertEquals(2, byKind.get("SCORE_TARGET_MISSED").occurrences());
    }

    @Test
    void aReviewOfAWaitingSessionCountsAsOversightOnceAndCorrectsItsIncident() {
        String record = new String(Canonical.jcs(Json.parse("{\"sessionId\":\"r1\",\"applicationId\":\"app\",\"startedAt\":\"2026-11-26T09:00:00Z\","
                + "\"riskLevel\":\"CRITICAL\",\"guardrails\":[{\"name\":\"g\",\"action\":\"BYPASSED\"}]}")), StandardCharsets.UTF_8);
        sessions.putIfAbsent(new StoredSession(tenant, "r1", "app", Instant.parse("2026-11-26T09:00:00Z"), record, "00".repeat(32), 20,
                Band.of(20).name(), Map.of(), Instant.parse("2026-11-26T09:00:00Z"), "req-r1", true));
        deliver(handler, myRecords());
        Map<String, Long> before = rollupsOf("app").get("2026-11-26");
        assertEquals(1, before.get("oversightRequired"));
        assertEquals(null, before.get("oversightHad"));
        SessionIncident incident = incidents.list(tenant, TODAY.minusDays(1), TODAY).get(0);
        assertEquals(Set.of(Incident.Type.GUARDRAIL_BYPASS, Incident.Type.HIGH_RISK_WITHOUT_OVERSIGHT), incident.types());
        assertNull(incident.review());

        DynamoReviewStore reviews = new DynamoReviewStore(aws.client(), aws.tableName("GovernanceTable"), aws.tableName("SessionsTable"), audit);
        Review review = new Review(tenant, "rev_1", "r1", "app", ReviewOutcome.APPROVED, "bypass was a test account", "u-17", NOW, "key-admin");
        reviews.addIfAbsent(review, Optional.of(incident), new AuditEvent("key-admin", "review.create", "session/r1", Map.of()));
        List<Record> records = myRecords();
        assertEquals(2, records.size(), "the insert and the review's removal of the queue marker");
        deliver(handler, records);
        deliver(handler, records.subList(1, 2)); // a replay
        Map<String, Long> after = rollupsOf("app").get("2026-11-26");
        assertEquals(1, after.get("oversightHad"), "the review gave the session the oversight it required, counted once");
        assertEquals(1, after.get("sessions"));
        SessionIncident reviewed = incidents.list(tenant, TODAY.minusDays(1), TODAY).get(0);
        assertEquals("rev_1", reviewed.review().reviewId());
        assertEquals("bypass was a test account", reviewed.review().note());
    }
}
