package dev.veriproof.anchoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.AnchorBatch;
import dev.veriproof.core.anchoring.AnchorChain;
import dev.veriproof.core.anchoring.AnchorLedger;
import dev.veriproof.core.anchoring.AnchoringRun;
import dev.veriproof.core.anchoring.AnchoringRun.Outcome;
import dev.veriproof.core.anchoring.TenantBatch;
import dev.veriproof.core.anchoring.TenantBatches.BatchSession;
import dev.veriproof.core.anchoring.TenantHeader;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.SessionView;
import dev.veriproof.core.merkle.MerkleTree;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.LocalChain;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Format-2 batches (issue 17, items 1 and 3): tenant header leaves, the per-tenant batch chain, the anchored audit head. */
@ExtendWith(LocalAwsExtension.class)
class TenantBatchChainTest {
    private static final String ZEROS = "0".repeat(64);
    private static LocalChain node;
    private static String contract;

    private AnchoringFixture fixture;
    private Web3jAnchorChain chain;
    private DynamoAuditLog audit;

    @BeforeAll
    static void startChain() {
        node = LocalChain.start();
        contract = Web3jAnchorChain.deploy(node.rpcUrl(), LocalChain.CHAIN_ID, org.web3j.crypto.Credentials.create(LocalChain.DEV_PRIVATE_KEY));
    }

    @AfterAll
    static void stopChain() {
        node.close();
    }

    @BeforeEach
    void fresh(LocalAws aws) {
        if (!node.isRunning()) node.restart();
        fixture = new AnchoringFixture(aws);
        chain = AnchoringFixture.chain(node, contract);
        audit = new DynamoAuditLog(fixture.dynamo, fixture.governanceTable, fixture.clock);
    }

    private String anchorOnce() {
        AnchoringRun.Result result = fixture.run(chain).run();
        assertEquals(Outcome.ANCHORED, result.outcome(), result.failure().orElse(""));
        fixture.clock.advance(Duration.ofMinutes(1));
        return result.batchIds().get(0);
    }

    @Test
    void eachTenantsSessionsFollowItsHeader_theHeadersChainFromBatchToBatch_andCommitTheAuditHead() {
        audit.append("acme", new AuditEvent("key-admin", "key.create", "k-1", Map.of()));
        audit.append("acme", new AuditEvent("key-admin", "key.revoke", "k-1", Map.of()));
        List<String> acme = fixture.ingest("acme", 3);
        List<String> demo = fixture.ingest("demo", 2);
        String first = anchorOnce();

        TenantBatch acme1 = fixture.ledger.tenantBatch("acme", first).orElseThrow();
        var head = audit.head("acme").orElseThrow();
        assertEquals(new TenantHeader("acme", 1, ZEROS, 3, 2, head.hash()), acme1.header());
        assertTrue(acme1.headerProof().verifies(acme1.header().leafHash()), "the header has a plain RFC 9162 proof in the batch root");
        assertEquals(first, acme1.anchor().batchId());
        List<BatchSession> sessions = fixture.ledger.sessions(acme1);
        assertEquals(acme, sessions.stream().map(BatchSession::sessionId).toList(), "every session of the tenant, in tree order");
        for (BatchSession s : sessions) {
            SessionView view = fixture.sessions.view("acme", s.sessionId()).orElseThrow();
            assertEquals(s.leafIndex(), view.proof().orElseThrow().leafIndex());
            assertEquals(acme1.headerProof().root(), view.proof().orElseThrow().root());
            assertEquals(view.session().leafHash(), s.leafHash());
        }
        assertEquals(List.of(1L, 2L, 3L), sessions.stream().map(BatchSession::leafIndex).toList(), "right after the header");

        TenantBatch demo1 = fixture.ledger.tenantBatch("demo", first).orElseThrow();
        assertEquals(new TenantHeader("demo", 1, ZEROS, 2, 0, ZEROS), demo1.header(), "no audit entries: seq 0 and 64 zeros");
        assertEquals(demo, fixture.ledger.sessions(demo1).stream().map(BatchSession::sessionId).toList());
        assertEquals(4, demo1.headerProof().leafIndex());
        assertEquals(7, demo1.headerProof().treeSize(), "5 sessions and 2 headers");

        audit.append("acme", new AuditEvent("key-admin", "key.create", "k-2", Map.of()));
        List<String> later = fixture.ingest("acme", 1);
        String second = anchorOnce();
        TenantBatch acme2 = fixture.ledger.tenantBatch("acme", second).orElseThrow();
        assertEquals(new TenantHeader("acme", 2, acme1.headerLeafHash(), 1, 3, audit.head("acme").orElseThrow().hash()), acme2.header());
        assertEquals(later, fixture.ledger.sessions(acme2).stream().map(BatchSession::sessionId).toList());
        assertEquals(Optional.empty(), fixture.ledger.tenantBatch("demo", second), "a tenant without sessions is not in the batch");
        assertEquals(List.of(acme1.header(), acme2.header()),
                fixture.ledger.tenantBatches("acme", 1, 100).stream().map(TenantBatch::header).toList());
        assertEquals(List.of(acme2.header()), fixture.ledger.tenantBatches("acme", 2, 2).stream().map(TenantBatch::header).toList());
    }

    @Test
    void aTenantsPartOfABatchNamesNoOtherTenant() {
        fixture.ingest("acme", 2);
        List<String> demo = fixture.ingest("demo-corp", 3);
        String batch = anchorOnce();
        TenantBatch acme = fixture.ledger.tenantBatch("acme", batch).orElseThrow();
        String visible = acme.header().toJson() + " " + acme.headerProof().toJson() + " " + fixture.ledger.sessions(acme);
        assertFalse(visible.contains("demo"), visible);
        for (String id : demo) assertFalse(visible.contains(id), visible);
        assertTrue(acme.headerProof().auditPath().stream().allMatch(Hashes::isSha256Hex), "only hashes on the audit path");
    }

    @Test
    void aCrashAfterThePointersBeforeTheTenantRecordsIsCompletedAndEachChainHeadMovesOnce() {
        fixture.ingest("acme", 2);
        AnchorLedger crashes = new ForwardingLedger(fixture.ledger) {
            @Override public void completeBatch(AnchorBatch batch, Anchor anchor, List<TenantBatch> tenants, Instant at) {
                throw new AnchoringRunTest.CrashInjected();
            }
        };
        assertThrows(AnchoringRunTest.CrashInjected.class,
                () -> new AnchoringRun(fixture.backlog, crashes, audit, chain, fixture.clock, AnchoringFixture.SETTINGS).run());
        assertTrue(fixture.ledger.openBatch().isPresent());
        assertEquals(0, fixture.chunks(), "the chunk is gone with its sessions placed: only the open batch says a run has work");
        assertEquals(Map.of(), fixture.ledger.tenantHeads(List.of("acme")), "the head moves only when the batch completes");
        fixture.clock.advance(Duration.ofMinutes(21));
        AnchoringRun.Result completed = fixture.run(chain).run();
        assertEquals(Outcome.ANCHORED, completed.outcome(), completed.failure().orElse(""));
        assertEquals(0, completed.sessions(), "the pointers were already placed");
        assertEquals(1, completed.batchIds().size());
        String batch = completed.batchIds().get(0);
        assertEquals(1, fixture.ledger.tenantHeads(List.of("acme")).get("acme").seq());
        assertEquals(1, fixture.ledger.tenantBatch("acme", batch).orElseThrow().header().seq());

        fixture.clock.advance(Duration.ofMinutes(1));
        fixture.ingest("acme", 1);
        String next = anchorOnce();
        assertEquals(2, fixture.ledger.tenantBatch("acme", next).orElseThrow().header().seq(), "no seq skipped or repeated");
    }

    @Test
    void aBatchLeftOpenByTheFormerFormatIsCompletedAsFormat1_itsProofsVerifyWithoutHeaders() {
        List<String> ids = fixture.ingest("acme", 3);
        List<byte[]> leaves = ids.stream().map(id -> Hashes.fromHex(fixture.item("acme", id).get("leafHash").s())).toList();
        byte[] root = MerkleTree.of(leaves).root();
        Instant prepared = fixture.clock.instant();
        String batchId = AnchorBatch.batchIdFor(AnchorBatch.SESSIONS_ONLY, root, prepared);
        long fromBlock = chain.latestBlock();
        AnchorChain.SignedAnchor signed = chain.sign(root, 3, Hashes.fromHex(batchId));
        // the ledger items exactly as the code before tenant headers wrote them
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) lines.append('\n');
            lines.append("S#acme#").append(ids.get(i)).append('\t').append("acme").append('\t').append(ids.get(i)).append('\t')
                    .append(Hashes.hex(leaves.get(i)));
        }
        String pk = "ANCHOR#BATCH#" + batchId;
        put(Map.of("pk", s(pk), "sk", s("LEAVES#00000"), "leaves", s(lines.toString())));
        Map<String, AttributeValue> meta = new HashMap<>(Map.of("pk", s(pk), "sk", s("META"), "batchId", s(batchId), "root", s(Hashes.hex(root)),
                "treeSize", n(3), "createdAt", s(prepared.toString()), "nonce", n(signed.nonce()), "txHash", s(signed.txHash()),
                "rawTransaction", s(signed.rawTransaction()), "fromBlock", n(fromBlock)));
        meta.put("status", s("OPEN"));
        meta.put("gsi1pk", s("ANCHORS"));
        meta.put("gsi1sk", s(prepared + "#" + batchId));
        put(meta);
        put(Map.of("pk", s("ANCHOR#RUN"), "sk", s("OPEN"), "batchId", s(batchId)));

        AnchoringRun.Result result = fixture.run(chain).run();
        assertEquals(Outcome.ANCHORED, result.outcome(), result.failure().orElse(""));
        assertEquals(List.of(batchId), result.batchIds());
        for (int i = 0; i < ids.size(); i++) {
            var proof = fixture.sessions.view("acme", ids.get(i)).orElseThrow().proof().orElseThrow();
            assertEquals(i, proof.leafIndex());
            assertEquals(3, proof.treeSize());
            assertTrue(proof.verifies(leaves.get(i)));
        }
        assertEquals(Optional.empty(), fixture.ledger.tenantBatch("acme", batchId), "a format-1 batch has no tenant part");
    }

    private void put(Map<String, AttributeValue> item) {
        fixture.dynamo.putItem(b -> b.tableName(fixture.governanceTable).item(item));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static class ForwardingLedger implements AnchorLedger {
        private final AnchorLedger delegate;

        ForwardingLedger(AnchorLedger delegate) {
            this.delegate = delegate;
        }

        @Override public boolean acquireLease(String owner, Instant now, Instant until) { return delegate.acquireLease(owner, now, until); }
        @Override public void releaseLease(String owner) { delegate.releaseLease(owner); }
        @Override public Optional<AnchorBatch> openBatch() { return delegate.openBatch(); }
        @Override public void saveOpenBatch(AnchorBatch batch) { delegate.saveOpenBatch(batch); }
        @Override public void completeBatch(AnchorBatch batch, Anchor anchor, List<TenantBatch> tenants, Instant at) {
            delegate.completeBatch(batch, anchor, tenants, at);
        }
        @Override public Map<String, TenantHeader.ChainHead> tenantHeads(java.util.Collection<String> tenants) { return delegate.tenantHeads(tenants); }
        @Override public void abandonBatch(AnchorBatch batch, String reason, Instant at) { delegate.abandonBatch(batch, reason, at); }
        @Override public RetryState retryState() { return delegate.retryState(); }
        @Override public RunState runState() { return delegate.runState(); }
        @Override public void recordFailure(Incident incident, RetryState next) { delegate.recordFailure(incident, next); }
        @Override public List<Incident> incidents() { return delegate.incidents(); }
        @Override public Optional<Instant> lastAnchoredAt() { return delegate.lastAnchoredAt(); }
        @Override public void clearFailures() { delegate.clearFailures(); }
    }
}
