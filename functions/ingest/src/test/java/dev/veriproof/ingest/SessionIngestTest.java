package dev.veriproof.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.MerkleTree;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;

/** The ingest use case against DynamoDB Local: what is answered, and what is (not) stored. */
@ExtendWith(LocalAwsExtension.class)
class SessionIngestTest {
    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    private DynamoSessionStore sessions;
    private DynamoApplicationStore applications;
    private SessionIngest ingest;
    private Principal caller;

    @BeforeEach
    void setUp(LocalAws aws) {
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build();
        sessions = new DynamoSessionStore(aws.client(), aws.tableName("SessionsTable"));
        applications = new DynamoApplicationStore(enhanced, aws.tableName("GovernanceTable"));
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        caller = new Principal(tenant, Role.INGEST, "key_test", Set.of());
        applications.create(new Application(tenant, "loan-review", "Loans", RiskLevel.HIGH, 80, "risk",
                RedactionPolicy.NONE, 1, NOW, NOW), "test");
        applications.create(new Application(tenant, "redacted-app", "Redacted", RiskLevel.LOW, 70, "ops",
                new RedactionPolicy(false, List.of("attributes.customerId")), 1, NOW, NOW), "test");
        ingest = new SessionIngest(sessions, applications, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static ObjectNode session(String id) {
        return (ObjectNode) Json.parse("""
                {"sessionId":"%s","applicationId":"loan-review","startedAt":"2026-11-20T10:15:00Z",
                 "intent":"credit_decision","model":"gpt-4.1","reasoning":"DTI 0.31",
                 "decision":{"outcome":"APPROVED","confidence":0.82},"riskLevel":"HIGH",
                 "humanOversight":{"required":true,"type":"HUMAN_IN_THE_LOOP"},
                 "guardrails":[{"name":"pii","action":"ALLOWED"}],"grounding":{"status":"GROUNDED"}}""".formatted(id));
    }

    private static JsonNode batch(JsonNode... items) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.putArray("sessions").addAll(List.of(items));
        return body;
    }

    private static String rootOf(JsonNode... items) {
        List<byte[]> leaves = new ArrayList<>();
        for (JsonNode item : items) leaves.add(Hashes.leafHash(Canonical.jcs(item)));
        return Hashes.hex(MerkleTree.rootOf(leaves));
    }

    private static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    private boolean stored(String sessionId) {
        return sessions.find(caller.tenantId(), sessionId).isPresent();
    }

    @Test
    void storesAValidSessionWithItsScoreAndTheLeafHashAClientCanCompute() {
        ObjectNode body = session("s-1");
        SessionIngest.Result result = ingest.ingest(caller, body, Optional.empty(), newRequestId());

        assertEquals(201, result.status());
        assertEquals("stored", result.body().get("status").asText());
        assertFalse(result.body().get("duplicate").asBoolean());
        assertEquals(Hashes.hex(Hashes.leafHash(Canonical.jcs(body))), result.body().get("leafHash").asText());
        assertEquals(100, result.body().get("governanceScore").asInt());
        assertEquals("EXCELLENT", result.body().get("band").asText());
        var saved = sessions.find(caller.tenantId(), "s-1").orElseThrow();
        assertEquals(new String(Canonical.jcs(body)), saved.canonicalRecord());
        assertEquals(NOW, saved.receivedAt());
    }

    @Test
    void theSameSessionAgainReturnsTheOriginalReceiptAndChangesNothing() {
        JsonNode first = ingest.ingest(caller, session("s-2"), Optional.empty(), newRequestId()).body();
        SessionIngest later = new SessionIngest(sessions, applications, Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC));

        SessionIngest.Result again = later.ingest(caller, session("s-2"), Optional.empty(), newRequestId());

        assertEquals(200, again.status());
        assertEquals("duplicate", again.body().get("status").asText());
        assertTrue(again.body().get("duplicate").asBoolean());
        assertEquals(first.get("receivedAt"), again.body().get("receivedAt"));
        assertEquals(NOW, sessions.find(caller.tenantId(), "s-2").orElseThrow().receivedAt());
    }

    @Test
    void aRetryOfTheRequestThatStoredTheSessionIsNotCalledADuplicate() {
        // an SDK retry after a lost response re-sends the write with the same request id
        ingest.ingest(caller, session("s-retry"), Optional.empty(), "request-1");
        SessionIngest.Result retried = ingest.ingest(caller, session("s-retry"), Optional.empty(), "request-1");
        assertEquals(201, retried.status());
        assertFalse(retried.body().get("duplicate").asBoolean());
        assertEquals("request-1", sessions.find(caller.tenantId(), "s-retry").orElseThrow().requestId());
    }

    @Test
    void aDifferentBodyUnderAStoredIdIsAConflictAndTheStoredOneStays() {
        ingest.ingest(caller, session("s-3"), Optional.empty(), newRequestId());
        String before = sessions.find(caller.tenantId(), "s-3").orElseThrow().canonicalRecord();
        ObjectNode changed = session("s-3");
        changed.put("intent", "something_else");

        SessionIngest.Result result = ingest.ingest(caller, changed, Optional.empty(), newRequestId());

        assertEquals(409, result.status());
        assertEquals("session_conflict", result.body().get("error").get("code").asText());
        assertEquals(before, sessions.find(caller.tenantId(), "s-3").orElseThrow().canonicalRecord());
    }

    @Test
    void anInvalidSessionNamesTheFieldAndStoresNothing() {
        ObjectNode body = session("s-4");
        ((ObjectNode) body.get("decision")).put("outcome", "approved");

        SessionIngest.Result result = ingest.ingest(caller, body, Optional.empty(), newRequestId());

        assertEquals(400, result.status());
        assertEquals("$.decision.outcome", result.body().get("error").get("field").asText());
        assertFalse(stored("s-4"));
    }

    @Test
    void anUnknownApplicationIs422AndStoresNothing() {
        ObjectNode body = session("s-5");
        body.put("applicationId", "not-registered");

        SessionIngest.Result result = ingest.ingest(caller, body, Optional.empty(), newRequestId());

        assertEquals(422, result.status());
        assertEquals("unknown_application", result.body().get("error").get("code").asText());
        assertEquals("$.applicationId", result.body().get("error").get("field").asText());
        assertFalse(stored("s-5"));
    }

    @Test
    void anotherTenantsApplicationIsUnknownToo() {
        Principal other = new Principal("other-tenant", Role.INGEST, "k", Set.of());
        SessionIngest.Result result = ingest.ingest(other, session("s-6"), Optional.empty(), newRequestId());
        assertEquals(422, result.status());
        assertTrue(sessions.find("other-tenant", "s-6").isEmpty());
    }

    @Test
    void aBatchAnswers207InRequestOrderAndInvalidItemsDoNotBlockValidOnes() {
        ObjectNode bad = session("b-2");
        bad.put("startedAt", "yesterday");
        SessionIngest.Result result = ingest.ingest(caller, batch(session("b-1"), bad, session("b-3")), Optional.empty(), newRequestId());

        assertEquals(207, result.status());
        JsonNode results = result.body().get("results");
        assertEquals(3, results.size());
        assertEquals("stored", results.get(0).get("status").asText());
        assertEquals("rejected", results.get(1).get("status").asText());
        assertEquals("$.sessions[1].startedAt", results.get(1).get("error").get("field").asText());
        assertEquals("b-3", results.get(2).get("sessionId").asText());
        assertTrue(stored("b-1") && stored("b-3"));
        assertFalse(stored("b-2"));
    }

    @Test
    void aBatchWhereEveryItemIsInvalidIsStill207() {
        ObjectNode bad = session("b-4");
        bad.remove("applicationId");
        SessionIngest.Result result = ingest.ingest(caller, batch(bad), Optional.empty(), newRequestId());
        assertEquals(207, result.status());
        assertEquals("missing_field", result.body().get("results").get(0).get("error").get("code").asText());
        assertFalse(stored("b-4"));
    }

    @Test
    void batchShapeErrorsAre400() {
        ApiException empty = assertThrows(ApiException.class, () -> ingest.ingest(caller, Json.parse("{\"sessions\":[]}"), Optional.empty(), newRequestId()));
        assertEquals("$.sessions", empty.field());
        JsonNode[] tooMany = new JsonNode[101];
        for (int i = 0; i < tooMany.length; i++) tooMany[i] = session("many-" + i);
        ApiException over = assertThrows(ApiException.class, () -> ingest.ingest(caller, batch(tooMany), Optional.empty(), newRequestId()));
        assertEquals("invalid_batch", over.code());
        assertFalse(stored("many-0"));
    }

    @Test
    void aMatchingBatchRootStoresTheWholeBatch() {
        JsonNode a = session("r-1"), b = session("r-2"), c = session("r-3");
        SessionIngest.Result result = ingest.ingest(caller, batch(a, b, c), Optional.of(rootOf(a, b, c)), newRequestId());
        assertEquals(207, result.status());
        assertTrue(stored("r-1") && stored("r-2") && stored("r-3"));
    }

    @Test
    void aWrongBatchRootIs422AndStoresNothing() {
        JsonNode a = session("w-1"), b = session("w-2");
        ApiException e = assertThrows(ApiException.class, () -> ingest.ingest(caller, batch(a, b), Optional.of(rootOf(b, a)), newRequestId()));
        assertEquals(422, e.status());
        assertEquals("batch_root_mismatch", e.code());
        assertFalse(stored("w-1") || stored("w-2"));
    }

    @Test
    void theSameSessionTwiceInABatchIsStoredOnceWithOneReceipt() {
        SessionIngest.Result result = ingest.ingest(caller, batch(session("d-1"), session("d-2"), session("d-1")), Optional.empty(), newRequestId());

        assertEquals(207, result.status());
        JsonNode results = result.body().get("results");
        assertEquals("stored", results.get(0).get("status").asText());
        assertEquals("stored", results.get(1).get("status").asText());
        assertEquals("rejected", results.get(2).get("status").asText());
        assertEquals("duplicate_in_batch", results.get(2).get("error").get("code").asText());
        assertEquals("$.sessions[2].sessionId", results.get(2).get("error").get("field").asText());
        assertTrue(stored("d-1"));
    }

    @Test
    void withABatchRootTheSameSessionTwiceRefusesTheWholeBatch() {
        JsonNode a = session("dr-1"), b = session("dr-2");
        ApiException e = assertThrows(ApiException.class, () -> ingest.ingest(caller, batch(a, b, a), Optional.of(rootOf(a, b, a)), newRequestId()));

        assertEquals(400, e.status());
        assertEquals("duplicate_in_batch", e.code());
        assertEquals("$.sessions[2].sessionId", e.field());
        assertFalse(stored("dr-1") || stored("dr-2"));
    }

    @Test
    void aMalformedBatchRootIs400() {
        ApiException e = assertThrows(ApiException.class, () -> ingest.ingest(caller, session("m-1"), Optional.of("abc"), newRequestId()));
        assertEquals("invalid_batch_root", e.code());
        assertFalse(stored("m-1"));
    }

    @Test
    void withABatchRootOneInvalidItemStopsTheWholeBatch() {
        ObjectNode bad = session("n-2");
        bad.put("riskLevel", "EXTREME");
        JsonNode good = session("n-1");
        SessionIngest.Result result = ingest.ingest(caller, batch(good, bad), Optional.of(rootOf(good, bad)), newRequestId());

        assertEquals(207, result.status());
        assertEquals("batch_aborted", result.body().get("results").get(0).get("error").get("code").asText());
        assertEquals("invalid_value", result.body().get("results").get(1).get("error").get("code").asText());
        assertFalse(stored("n-1") || stored("n-2"));
    }

    @Test
    void withABatchRootAConflictStopsTheWholeBatchButDuplicatesDoNot() {
        ingest.ingest(caller, session("c-1"), Optional.empty(), newRequestId());
        ingest.ingest(caller, session("c-2"), Optional.empty(), newRequestId());
        ObjectNode conflicting = session("c-2");
        conflicting.put("model", "other-model");
        JsonNode fresh = session("c-3"), duplicate = session("c-1");

        SessionIngest.Result aborted = ingest.ingest(caller, batch(fresh, conflicting), Optional.of(rootOf(fresh, conflicting)), newRequestId());
        assertEquals("batch_aborted", aborted.body().get("results").get(0).get("error").get("code").asText());
        assertEquals("session_conflict", aborted.body().get("results").get(1).get("error").get("code").asText());
        assertFalse(stored("c-3"));

        SessionIngest.Result withDuplicate = ingest.ingest(caller, batch(duplicate, fresh), Optional.of(rootOf(duplicate, fresh)), newRequestId());
        assertEquals("duplicate", withDuplicate.body().get("results").get(0).get("status").asText());
        assertEquals("stored", withDuplicate.body().get("results").get(1).get("status").asText());
        assertTrue(stored("c-3"));
    }

    @Test
    void redactionIsAppliedBeforeHashingSoTheLeafCoversTheStoredRecord() {
        ObjectNode body = session("red-1");
        body.put("applicationId", "redacted-app");
        body.putObject("content").put("input", "raw customer text");
        body.putObject("attributes").put("customerId", "C-991").put("region", "eu");

        JsonNode receipt = ingest.ingest(caller, body, Optional.empty(), newRequestId()).body();

        var saved = sessions.find(caller.tenantId(), "red-1").orElseThrow();
        JsonNode record = Json.parse(saved.canonicalRecord());
        assertFalse(record.has("content"), "content capture is off for this application");
        assertEquals("sha256:" + Hashes.hex(Hashes.sha256("C-991".getBytes())), record.get("attributes").get("customerId").asText());
        assertEquals("eu", record.get("attributes").get("region").asText());
        assertFalse(saved.canonicalRecord().contains("raw customer text") || saved.canonicalRecord().contains("C-991"));
        assertEquals(Hashes.hex(Hashes.leafHash(saved.canonicalRecord().getBytes())), receipt.get("leafHash").asText());
        assertNotEquals(Hashes.hex(Hashes.leafHash(Canonical.jcs(body))), receipt.get("leafHash").asText());
    }

    @Test
    void snapStartPrimingTakesAMadeUpSessionThroughTheHandlerToTheApplicationReadAndStoresNothing() {
        APIGatewayV2HTTPResponse answer = new IngestHandler(ingest).prime();
        // validated, then refused after looking the application up: routing, authorization, JSON and the read all ran
        assertEquals(422, answer.getStatusCode());
        assertEquals("unknown_application", Json.parse(answer.getBody()).path("error").path("code").asText());
        assertTrue(sessions.find("priming", "warm-up").isEmpty());
        assertTrue(applications.find("priming", "warm-up").isEmpty());
    }

    @Test
    void concurrentPostsOfTheSameNewSessionStoreItOnce() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<SessionIngest.Result>> posts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                // each request gets its own receive time, as separate Lambda invocations would
                Instant at = NOW.plusMillis(i);
                SessionIngest own = new SessionIngest(sessions, applications, Clock.fixed(at, ZoneOffset.UTC));
                posts.add(() -> own.ingest(caller, session("race-1"), Optional.empty(), newRequestId()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<SessionIngest.Result> f : pool.invokeAll(posts)) statuses.add(f.get().status());
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(threads - 1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
    }

}
