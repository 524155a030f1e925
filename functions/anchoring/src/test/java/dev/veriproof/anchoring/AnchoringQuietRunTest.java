package dev.veriproof.anchoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.anchoring.AnchorLedger;
import dev.veriproof.core.anchoring.AnchoringRun;
import dev.veriproof.core.anchoring.AnchoringRun.Outcome;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.local.EmfOutput;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.LocalChain;
import dev.veriproof.local.LocalLambdaContext;
import dev.veriproof.local.RequestLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;

/**
 * What a run costs when there is little or nothing to do (issue 16 target 6: the scheduled run's first request after
 * priming within 50 ms): the requests it sends, counted, and what it still guarantees. The chain is a closed port: a run
 * with nothing to do never asks it, and one with work fails on it.
 */
@ExtendWith(LocalAwsExtension.class)
class AnchoringQuietRunTest {
    /**
     * The run state (one Query), the 16 chunk shards (one key each) and one key of the old forms' index. Before: 36 (the
     * lease written and deleted, the retry state and the open batch read apart, the old forms' 17 partitions every run).
     */
    static final int EMPTY_RUN_REQUESTS = 18;
    static final Set<String> READS = Set.of("QueryRequest", "ScanRequest", "GetItemRequest", "BatchGetItemRequest");

    private final RequestLog calls = new RequestLog();
    private AnchoringFixture fixture;
    private Web3jAnchorChain unreachable;

    @BeforeEach
    void fresh(LocalAws aws) {
        fixture = new AnchoringFixture(aws.client(calls));
        unreachable = new Web3jAnchorChain("http://127.0.0.1:9", LocalChain.CHAIN_ID, "0x5FbDB2315678afecb367f032d93F642f64180aa3",
                Credentials.create(LocalChain.DEV_PRIVATE_KEY));
    }

    /** The requests sent since {@code from} (an earlier {@code calls.names().size()}). */
    private List<String> since(int from) {
        List<String> names = calls.names();
        return names.subList(from, names.size());
    }

    @Test
    void aRunWithNothingPendingOnlyReads_atMost18Requests_andReportsAnEmptyBacklog() {
        AnchoringHandler handler = new AnchoringHandler(fixture.run(unreachable), fixture.clock);
        for (int run = 0; run < 2; run++) {
            int from = calls.names().size();
            Map<String, Object>[] summary = new Map[1];
            EmfOutput emf = EmfOutput.capture(() -> summary[0] = handler.handleRequest(Map.of(), new LocalLambdaContext("AnchoringFunction")));
            List<String> sent = since(from);
            assertEquals("NOTHING_PENDING", summary[0].get("outcome"));
            assertTrue(sent.size() <= EMPTY_RUN_REQUESTS, sent.size() + " requests: " + sent);
            assertTrue(READS.containsAll(sent), "reads only, no lease written: " + sent);
            assertEquals(16, sent.stream().filter("QueryRequest"::equals).count() - 1, "the run state and the 16 shards: " + sent);
            assertEquals(0, emf.sum("OldestPendingSessionAge"));
            assertEquals(0, emf.sum("ChainFailures"));
            assertEquals(1, emf.sum("AnchoringRuns", Map.of("outcome", "NOTHING_PENDING")));
        }
        assertNull(lease(), "no lease item left or written");
    }

    @Test
    void theOldFormsAreReadOnlyWhileTheirIndexHoldsAnEntry_andTheirAgeCounts() {
        int from = calls.names().size();
        assertEquals(Optional.empty(), fixture.backlog.oldestPendingSince());
        assertEquals(17, since(from).size(), "16 shards and one key of the old forms' index: " + since(from));

        // a pending pointer written by the backlog consumer before chunks (an old writer's), and a newer chunk
        StoredSession old = fixture.store("acme", 1).get(0);
        fixture.dynamo.putItem(b -> b.tableName(fixture.sessionsTable).item(Map.of(
                "pk", AnchoringFixture.s("A#acme#" + old.sessionId()), "applicationId", AnchoringFixture.s("loan-review"),
                "day", AnchoringFixture.s("2026-11-26"), "leafHash", AnchoringFixture.s(old.leafHash()),
                "anchorPending", AnchoringFixture.s("P#05"), "pendingKey", AnchoringFixture.s(old.receivedAt() + "#acme#" + old.sessionId()))));
        fixture.ingest("acme", 1);
        from = calls.names().size();
        assertEquals(Optional.of(old.receivedAt()), fixture.backlog.oldestPendingSince(), "the old form's session is the oldest");
        assertEquals(17 + 17, since(from).size(), "and the old forms' 17 partitions, since they hold something: " + since(from));
    }

    @Test
    void aRunWithWorkTakesTheLease_whileBackingOffItWritesNothing_andBothReportTheBacklogsAge() {
        List<StoredSession> stored = fixture.store("acme", 2);
        fixture.backlog.enqueueAll(stored);
        Instant oldest = stored.get(0).receivedAt();

        AnchoringRun.Result failed = fixture.run(unreachable).run();
        assertEquals(Outcome.FAILED, failed.outcome());
        assertEquals(Optional.of(oldest), failed.oldestPending());
        assertEquals(1, fixture.ledger.retryState().failures());

        fixture.clock.advance(Duration.ofMinutes(1));
        int from = calls.names().size();
        AnchoringRun.Result waiting = fixture.run(unreachable).run();
        assertEquals(Outcome.BACKING_OFF, waiting.outcome());
        assertEquals(Optional.of(oldest), waiting.oldestPending(), "the age is still reported");
        assertTrue(READS.containsAll(since(from)), "no lease while backing off: " + since(from));
        assertEquals(1, fixture.chunks(), "the backlog as it was");
    }

    @Test
    void aFailureLeftToClearTakesTheLeaseEvenWithNothingPending() {
        fixture.ledger.recordFailure(new AnchorLedger.Incident(fixture.clock.instant(), "chain unreachable", 0, Optional.empty()),
                new AnchorLedger.RetryState(1, fixture.clock.instant().plus(Duration.ofMinutes(5))));
        fixture.clock.advance(Duration.ofMinutes(6));
        int from = calls.names().size();
        AnchoringRun.Result result = fixture.run(unreachable).run();
        assertEquals(Outcome.NOTHING_PENDING, result.outcome());
        assertTrue(since(from).contains("PutItemRequest"), "the lease: " + since(from));
        assertEquals(AnchorLedger.RetryState.NONE, fixture.ledger.retryState(), "the failures are cleared: the next attempt is not delayed");
        assertNull(lease());
    }

    private Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> lease() {
        var item = fixture.dynamo.getItem(b -> b.tableName(fixture.governanceTable).consistentRead(true)
                .key(Map.of("pk", AnchoringFixture.s("ANCHOR#RUN"), "sk", AnchoringFixture.s("LEASE")))).item();
        return item == null || item.isEmpty() ? null : item;
    }
}
