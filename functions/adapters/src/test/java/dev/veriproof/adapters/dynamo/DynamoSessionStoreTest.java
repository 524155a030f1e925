package dev.veriproof.adapters.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.PendingLeaf;
import dev.veriproof.core.anchoring.PendingSessions.AnchoredLeaf;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.explorer.SessionFacets;
import dev.veriproof.core.governance.Review;
import dev.veriproof.core.governance.ReviewOutcome;
import dev.veriproof.core.ingest.SessionView;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.InclusionProof;
import dev.veriproof.local.LambdaStreamEvents;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/** The sessions table's item layout, through DynamoDB Local: what goes in as a StoredSession comes out as the same typed session. */
@ExtendWith(LocalAwsExtension.class)
class DynamoSessionStoreTest {
    private static final Instant RECEIVED = Instant.parse("2026-11-20T12:00:00.123456Z");
    private static final Anchor ANCHOR = new Anchor(31337, "0x" + "ab".repeat(20), "0x" + "cd".repeat(32), 42,
            Instant.parse("2026-11-20T12:05:00Z"), "e5".repeat(32));
    private static final InclusionProof PROOF = new InclusionProof(1, 3, List.of("11".repeat(32), "22".repeat(32)), "33".repeat(32));

    private LocalAws aws;
    private DynamoSessionStore sessions;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        sessions = new DynamoSessionStore(aws.client(), aws.tableName("SessionsTable"));
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private StoredSession session(String id, String startedAt, String requestId, boolean needsReview) {
        String record = "{\"applicationId\":\"app\",\"sessionId\":\"" + id + "\",\"startedAt\":\"" + startedAt + "\"}";
        return new StoredSession(tenant, id, "app", Instant.parse(startedAt), record, "0" + id.length() + "ab".repeat(31), 73, "FAIR",
                Map.of("guardrails", 100, "transparency", 33, "oversight", 100, "safety", 100), RECEIVED, requestId, needsReview);
    }

    @Test
    void aStoredSessionReadsBackAsTheSameTypedSessionWithoutAnchorOrProof() {
        StoredSession stored = session("s-1", "2026-11-20T10:00:00.5Z", "req-1", true);
        StoredSession withoutRequest = session("s-2", "2026-11-20T10:00:01Z", null, false);
        assertEquals(Optional.empty(), sessions.putIfAbsent(stored));
        assertEquals(Optional.empty(), sessions.putIfAbsent(withoutRequest));

        SessionView view = sessions.view(tenant, "s-1").orElseThrow();
        assertEquals(stored, view.session());
        assertEquals(Optional.empty(), view.anchor());
        assertEquals(Optional.empty(), view.proof());
        assertEquals(withoutRequest, sessions.find(tenant, "s-2").orElseThrow());
        assertEquals(Optional.empty(), sessions.view(tenant, "s-3"));
        assertEquals(Optional.empty(), sessions.view("other-tenant", "s-1"), "the key is per tenant");
    }

    @Test
    void theFacetsStoredBesideTheRecordAreTheOnesGivenAndReadBackEqual() {
        String record = "{\"applicationId\":\"app\",\"contentSafety\":{\"flags\":[\"PII\",\"HATE\",\"PII\"]},\"decision\":{\"outcome\":\"DENIED\"},"
                + "\"model\":\"m-1\",\"riskLevel\":\"HIGH\",\"sessionId\":\"f-1\",\"startedAt\":\"2026-11-20T10:00:00Z\"}";
        StoredSession stored = new StoredSession(tenant, "f-1", "app", Instant.parse("2026-11-20T10:00:00Z"), record, "ab".repeat(32), 73, "FAIR",
                Map.of(), RECEIVED, "req-1", false, SessionFacets.of(Json.parse(record)));
        assertEquals(new SessionFacets("HIGH", "DENIED", "m-1", List.of("HATE", "PII")), stored.facets(), "a set: sorted, once each");
        assertEquals(stored.facets(), new StoredSession(tenant, "f-1", "app", stored.startedAt(), record, stored.leafHash(), 73, "FAIR",
                Map.of(), RECEIVED, "req-1", false).facets(), "read from the record when not given");
        sessions.putIfAbsent(stored);

        Map<String, AttributeValue> item = item("S#" + tenant + "#f-1");
        assertEquals("HIGH", item.get("riskLevel").s());
        assertEquals("DENIED", item.get("outcome").s());
        assertEquals("m-1", item.get("model").s());
        assertEquals(Set.of("HATE", "PII"), Set.copyOf(item.get("safetyFlags").ss()));
        assertEquals(stored, sessions.find(tenant, "f-1").orElseThrow());
    }

    @Test
    void primingsWriteIsSentAndRefusedWhetherOrNotTheSessionExists_soItNeverWritesOrOverwrites() {
        StoredSession stored = session("s-1", "2026-11-20T10:00:00Z", "req-1", false);
        sessions.putIfAbsent(stored);
        StoredSession other = new StoredSession(tenant, "s-1", "app", stored.startedAt(), "{\"other\":true}", stored.leafHash(), 10,
                "CRITICAL", Map.of(), RECEIVED.plusSeconds(5), "req-2", true);
        List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        DynamoSessionStore counted = new DynamoSessionStore(aws.client(new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
            @Override
            public void beforeTransmission(software.amazon.awssdk.core.interceptor.Context.BeforeTransmission context,
                                           software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                sent.add(context.request().getClass().getSimpleName());
            }
        }), aws.tableName("SessionsTable"));

        counted.primeWrite(other);
        counted.primeWrite(session("s-new", "2026-11-20T10:00:00Z", "req-3", false));

        assertEquals(List.of("PutItemRequest", "PutItemRequest"), sent, "both writes went to DynamoDB");
        assertEquals(stored, sessions.find(tenant, "s-1").orElseThrow(), "the existing session is unchanged");
        assertEquals(Optional.empty(), sessions.find(tenant, "s-new"), "nothing new was stored");
    }

    @Test
    void aSecondWriteOfTheSameSessionChangesNothingAndAnswersTheFirst() {
        StoredSession first = session("s-1", "2026-11-20T10:00:00Z", "req-1", false);
        sessions.putIfAbsent(first);
        StoredSession other = new StoredSession(tenant, "s-1", "app", first.startedAt(), "{\"other\":true}", first.leafHash(), 10,
                "CRITICAL", Map.of(), RECEIVED.plusSeconds(5), "req-2", true);

        assertEquals(Optional.of(first), sessions.putIfAbsent(other));
        assertEquals(Map.of(0, first), sessions.putAllIfAbsent(List.of(other, session("s-new", "2026-11-20T10:00:00Z", "req-2", false))));
        assertEquals(first, sessions.find(tenant, "s-1").orElseThrow());
        assertEquals(Optional.empty(), sessions.find(tenant, "s-new"), "a batch with an existing session stores none of it");
    }

    @Test
    void aSessionAnchoredThroughItsPointerReadsBackWithProofAndAnchor_itsItemUnchanged_andSoDoesItsDay() {
        StoredSession stored = session("s-1", "2026-11-20T10:00:00Z", "req-1", false);
        sessions.putIfAbsent(stored);
        sessions.putIfAbsent(session("s-2", "2026-11-20T11:00:00Z", "req-2", false));
        Map<String, AttributeValue> before = item("S#" + tenant + "#s-1");
        DynamoAnchorPointers pointers = new DynamoAnchorPointers(aws.client(), aws.tableName("SessionsTable"));
        assertEquals(Optional.empty(), sessions.view(tenant, "s-1").orElseThrow().anchor(), "pending: no anchor yet");

        pointers.recordAnchored(List.of(new AnchoredLeaf(new PendingLeaf(tenant, "s-1", stored.leafHash()), PROOF)), ANCHOR);
        assertEquals(new SessionView(stored, Optional.of(ANCHOR), Optional.of(PROOF)), sessions.view(tenant, "s-1").orElseThrow());
        assertEquals(before, item("S#" + tenant + "#s-1"), "anchoring never rewrites the session item");
        List<SessionView> day = new ArrayList<>();
        sessions.forEachOnDay(tenant, LocalDate.parse("2026-11-20"), day::add);
        assertEquals(List.of(Optional.of(PROOF), Optional.empty()), day.stream().map(SessionView::proof).toList());
    }

    private Map<String, AttributeValue> item(String pk) {
        return aws.client().getItem(b -> b.tableName(aws.tableName("SessionsTable")).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk)))).item();
    }

    @Test
    void aTenantsDayComesBackInStartOrderAndNothingOfOtherDays() {
        sessions.putIfAbsent(session("late", "2026-11-20T23:59:59Z", "r", false));
        sessions.putIfAbsent(session("early", "2026-11-20T00:00:00Z", "r", false));
        sessions.putIfAbsent(session("next-day", "2026-11-21T00:00:00Z", "r", false));

        List<SessionView> day = new ArrayList<>();
        sessions.forEachOnDay(tenant, LocalDate.parse("2026-11-20"), day::add);
        assertEquals(List.of("early", "late"), day.stream().map(v -> v.session().sessionId()).toList());
        assertEquals(sessions.find(tenant, "late").orElseThrow(), day.get(1).session());
        assertTrue(sessions.anyOnDays(tenant, LocalDate.parse("2026-11-21"), LocalDate.parse("2026-11-30")));
        assertFalse(sessions.anyOnDays(tenant, LocalDate.parse("2026-11-22"), LocalDate.parse("2026-11-30")));
    }

    @Test
    void aDayOfMoreThanOneBatchReadComesBackWholeAndAnchoredFromTheThinIndex() {
        List<StoredSession> stored = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            stored.add(session(String.format("d-%03d", i), String.format("2026-11-19T10:%02d:%02dZ", i / 60, i % 60), "r", false));
        }
        for (int from = 0; from < stored.size(); from += 100) sessions.putAllIfAbsent(stored.subList(from, Math.min(from + 100, stored.size())));
        DynamoAnchorPointers pointers = new DynamoAnchorPointers(aws.client(), aws.tableName("SessionsTable"));
        pointers.recordAnchored(List.of(new AnchoredLeaf(new PendingLeaf(tenant, "d-150", stored.get(150).leafHash()), PROOF)), ANCHOR);

        Map<String, AttributeValue> indexEntry = aws.client().query(q -> q.tableName(aws.tableName("SessionsTable")).indexName(DynamoSessionStore.DAY_INDEX)
                .keyConditionExpression("tenantDay = :d").expressionAttributeValues(Map.of(":d", AttributeValue.fromS(tenant + "#2026-11-19")))
                .limit(1)).items().get(0);
        assertFalse(indexEntry.containsKey("record"), "the tenant-day index holds no copy of the record");
        assertTrue(indexEntry.containsKey("governanceScore"), "but the explorer's row");

        List<SessionView> day = new ArrayList<>();
        sessions.forEachOnDay(tenant, LocalDate.parse("2026-11-19"), day::add);
        assertEquals(stored, day.stream().map(SessionView::session).toList(), "every session, whole, in startedAt order");
        assertEquals(Optional.of(ANCHOR), day.get(150).anchor());
        assertEquals(Optional.of(PROOF), day.get(150).proof());
    }

    @Test
    void sessionsLookedUpByIdComeBackWholeWithTheirProof_absentOnesLeftOut_atMostAHundredACall() {
        StoredSession anchored = session("v-1", "2026-11-18T10:00:00Z", "r", false);
        StoredSession waiting = session("v-2", "2026-11-18T11:00:00Z", "r", false);
        sessions.putAllIfAbsent(List.of(anchored, waiting));
        DynamoAnchorPointers pointers = new DynamoAnchorPointers(aws.client(), aws.tableName("SessionsTable"));
        pointers.recordAnchored(List.of(new AnchoredLeaf(new PendingLeaf(tenant, "v-1", anchored.leafHash()), PROOF)), ANCHOR);

        Map<String, SessionView> found = sessions.views(tenant, List.of("v-2", "never-stored", "v-1", "v-2"));
        assertEquals(List.of("v-2", "v-1"), List.copyOf(found.keySet()));
        assertEquals(new SessionView(anchored, Optional.of(ANCHOR), Optional.of(PROOF)), found.get("v-1"));
        assertEquals(new SessionView(waiting, Optional.empty(), Optional.empty()), found.get("v-2"));
        assertEquals(Map.of(), sessions.views("another-tenant", List.of("v-1")), "another tenant's ids find nothing");

        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 101; i++) tooMany.add("x-" + i);
        assertThrows(IllegalArgumentException.class, () -> sessions.views(tenant, tooMany));
    }

    @Test
    void streamImagesMapToTheSameTypedSessionAndOnlyStoringAnchoringAndReviewAreChanges() {
        StoredSession first = session("s-1", "2026-11-20T10:00:00Z", "req-1", true);
        StoredSession second = session("s-2", "2026-11-20T11:00:00Z", "req-2", false);
        sessions.putIfAbsent(first);
        sessions.putIfAbsent(second);
        DynamoAnchorPointers pointers = new DynamoAnchorPointers(aws.client(), aws.tableName("SessionsTable"));
        pointers.recordAnchored(List.of(new AnchoredLeaf(new PendingLeaf(tenant, "s-2", second.leafHash()), PROOF)), ANCHOR);
        DynamoAuditLog audit = new DynamoAuditLog(aws.client(), aws.tableName("GovernanceTable"), Clock.systemUTC());
        new DynamoReviewStore(aws.client(), aws.tableName("GovernanceTable"), aws.tableName("SessionsTable"), audit)
                .addIfAbsent(new Review(tenant, "rev-1", "s-1", "app", ReviewOutcome.APPROVED, null, "u-1", RECEIVED, "k"),
                        new AuditEvent("k", "review.create", "s-1", Map.of()));

        List<Record> records = LambdaStreamEvents.read(aws.client(), aws.streamsClient(), aws.tableName("SessionsTable"),
                r -> r.dynamodb().keys().get("pk").s().startsWith("S#" + tenant + "#") || r.dynamodb().keys().get("pk").s().startsWith("A#" + tenant + "#"));
        DynamodbEvent event = LambdaStreamEvents.event(records, "arn:aws:dynamodb:us-east-1:000000000000:table/SessionsTable/stream/local");
        assertEquals(4, event.getRecords().size(), "two inserts, the anchored pointer's insert, one review");
        List<DynamoSessionStore.Change> changes = event.getRecords().stream().map(DynamoSessionStore::change)
                .flatMap(Optional::stream).toList();

        assertEquals(4, changes.size());
        assertEquals(DynamoSessionStore.Change.Kind.STORED, changes.get(0).kind());
        assertEquals(new SessionView(first, Optional.empty(), Optional.empty()), changes.get(0).session());
        assertEquals(event.getRecords().get(0).getDynamodb().getSequenceNumber(), changes.get(0).sequenceNumber());
        assertEquals(DynamoSessionStore.Change.Kind.STORED, changes.get(1).kind());
        assertEquals(second, changes.get(1).session().session());
        DynamoSessionStore.Change anchored = changes.get(2);
        assertEquals(DynamoSessionStore.Change.Kind.ANCHORED, anchored.kind());
        assertEquals(List.of(tenant, "s-2", "app", LocalDate.parse("2026-11-20")),
                List.of(anchored.tenantId(), anchored.sessionId(), anchored.applicationId(), anchored.day()));
        assertEquals(Optional.empty(), anchored.view(), "a pointer carries no session record");
        assertEquals(DynamoSessionStore.Change.Kind.REVIEWED, changes.get(3).kind(), "the review took s-1 off the queue");
        assertEquals("s-1", changes.get(3).session().session().sessionId());
    }

    @Test
    void aSessionImageThatCannotBeReadIsAnErrorNotASkip() {
        aws.client().putItem(r -> r.tableName(aws.tableName("SessionsTable")).item(Map.of(
                "pk", AttributeValue.fromS("S#" + tenant + "#broken"), "record", AttributeValue.fromS("{}"))));
        List<Record> records = LambdaStreamEvents.read(aws.client(), aws.streamsClient(), aws.tableName("SessionsTable"),
                r -> r.dynamodb().keys().get("pk").s().startsWith("S#" + tenant + "#"));
        DynamodbEvent event = LambdaStreamEvents.event(records, "arn:aws:dynamodb:us-east-1:000000000000:table/SessionsTable/stream/local");

        IllegalStateException error = assertThrows(IllegalStateException.class, () -> DynamoSessionStore.change(event.getRecords().get(0)));
        assertTrue(error.getMessage().contains("has no tenantId"), error.getMessage());
    }
}
