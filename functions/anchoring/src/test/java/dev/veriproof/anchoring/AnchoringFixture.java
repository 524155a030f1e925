package dev.veriproof.anchoring;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.dynamo.DynamoAnchorBacklog;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.dynamo.DynamoAnchorLedger;
import dev.veriproof.core.anchoring.AnchorChain;
import dev.veriproof.core.anchoring.AnchoringRun;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalChain;
import dev.veriproof.local.TemplateTables;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.web3j.crypto.Credentials;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Fresh tables (the template's, under a new prefix) on the shared DynamoDB Local, so that each
 * test has its own backlog, and a run wired to the test JVM's local chain.
 */
final class AnchoringFixture {
    static final AtomicInteger TABLES = new AtomicInteger();
    static final AnchoringRun.Settings SETTINGS = new AnchoringRun.Settings(10_000, 1, Duration.ofSeconds(20),
            Duration.ofMinutes(20), Duration.ofMinutes(5), Duration.ofHours(1));

    final DynamoDbClient dynamo;
    final String sessionsTable;
    final String governanceTable;
    final TestClock clock = new TestClock(Instant.parse("2026-11-26T10:00:00Z"));
    final DynamoSessionStore sessions;
    final DynamoAnchorBacklog backlog;
    final DynamoAnchorLedger ledger;
    final DynamoAuditLog audit;
    private int received;

    AnchoringFixture(LocalAws aws) {
        this(aws.client());
    }

    /** With a client of the test's own (one that logs its requests, say). */
    AnchoringFixture(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
        Map<String, String> tables = TemplateTables.createAll(dynamo,
                CloudFormationTemplate.load(CloudFormationTemplate.locate()), "anchoring" + TABLES.incrementAndGet() + "-");
        this.sessionsTable = tables.get("SessionsTable");
        this.governanceTable = tables.get("GovernanceTable");
        this.sessions = new DynamoSessionStore(dynamo, sessionsTable);
        this.backlog = new DynamoAnchorBacklog(dynamo, sessionsTable, governanceTable);
        this.ledger = new DynamoAnchorLedger(dynamo, governanceTable);
        this.audit = new DynamoAuditLog(dynamo, governanceTable, clock);
    }

    static Web3jAnchorChain chain(LocalChain node, String contract) {
        return new Web3jAnchorChain(node.rpcUrl(), LocalChain.CHAIN_ID, contract, Credentials.create(LocalChain.DEV_PRIVATE_KEY));
    }

    AnchoringRun run(AnchorChain chain) {
        return new AnchoringRun(backlog, ledger, audit, chain, clock, SETTINGS);
    }

    /**
     * Writes sessions the way ingest stores them (the attributes anchoring relies on), each received later than the last,
     * and puts them into the backlog as the sessions stream's consumer does ({@link AnchorBacklogStreamHandler}): one
     * pending chunk for the call, as for one stream batch.
     */
    List<String> ingest(String tenantId, int count) {
        List<StoredSession> batch = store(tenantId, count);
        backlog.enqueueAll(batch);
        return batch.stream().map(StoredSession::sessionId).toList();
    }

    /** Writes sessions as {@link #ingest} does, without putting them into the backlog. */
    List<StoredSession> store(String tenantId, int count) {
        List<StoredSession> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String sessionId = "s-" + tenantId + "-" + (++received);
            ObjectNode record = Json.mapper().createObjectNode();
            record.put("sessionId", sessionId);
            record.put("applicationId", "loan-review");
            record.put("startedAt", "2026-11-26T09:00:00Z");
            ArrayNode steps = record.putArray("steps");
            steps.addObject().put("type", "llm_call").put("output", "decision " + received);
            String canonical = new String(Canonical.jcs(record), java.nio.charset.StandardCharsets.UTF_8);
            Instant receivedAt = Instant.parse("2026-11-26T09:00:00Z").plusMillis(received);
            StoredSession stored = new StoredSession(tenantId, sessionId, "loan-review", Instant.parse("2026-11-26T09:00:00Z"), canonical,
                    Hashes.hex(Hashes.leafHash(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8))), 50, "POOR", Map.of(),
                    receivedAt, "req-" + sessionId, false);
            sessions.putIfAbsent(stored);
            batch.add(stored);
        }
        return batch;
    }

    /**
     * The session as a reader sees it, in the item's terms: the session item's attributes, {@code anchorPending} while
     * it has no anchored pointer, and {@code proof} and {@code anchor} (JSON) once anchored.
     */
    Map<String, AttributeValue> item(String tenantId, String sessionId) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(dynamo.getItem(b -> b.tableName(sessionsTable).consistentRead(true)
                .key(Map.of("pk", s("S#" + tenantId + "#" + sessionId)))).item());
        item.remove("anchorPending");
        Map<String, AttributeValue> pointer = pointer(tenantId, sessionId);
        if (pointer == null || !pointer.containsKey("batchId")) item.put("anchorPending", s("PENDING"));
        sessions.view(tenantId, sessionId).ifPresent(view -> {
            view.proof().ifPresent(proof -> item.put("proof", s(proof.toJson().toString())));
            view.anchor().ifPresent(anchor -> item.put("anchor", s(anchor.toJson().toString())));
        });
        return item;
    }

    /** The session's anchoring pointer item. */
    Map<String, AttributeValue> pointer(String tenantId, String sessionId) {
        return dynamo.getItem(b -> b.tableName(sessionsTable).consistentRead(true)
                .key(Map.of("pk", s("A#" + tenantId + "#" + sessionId)))).item();
    }

    /** How many pending chunks wait in the backlog. */
    int chunks() {
        return dynamo.scan(b -> b.tableName(governanceTable).filterExpression("begins_with(pk, :p)")
                .expressionAttributeValues(Map.of(":p", s("ANCHOR#PENDING#")))).items().size();
    }

    /** The verifier's input for a stored session: {sessionId, record, leafHash, proof, anchor}. */
    ObjectNode evidence(String tenantId, String sessionId) {
        Map<String, AttributeValue> item = item(tenantId, sessionId);
        ObjectNode evidence = Json.mapper().createObjectNode();
        evidence.put("sessionId", sessionId);
        evidence.set("record", Json.parse(item.get("record").s()));
        evidence.put("leafHash", item.get("leafHash").s());
        evidence.set("proof", Json.parse(item.get("proof").s()));
        evidence.set("anchor", Json.parse(item.get("anchor").s()));
        return evidence;
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static final class TestClock extends Clock {
        private Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
