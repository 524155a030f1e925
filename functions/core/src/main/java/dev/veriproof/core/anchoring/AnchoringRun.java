package dev.veriproof.core.anchoring;

import dev.veriproof.core.anchoring.AnchorChain.ChainException;
import dev.veriproof.core.anchoring.AnchorChain.Receipt;
import dev.veriproof.core.anchoring.AnchorChain.SignedAnchor;
import dev.veriproof.core.anchoring.AnchorLedger.Incident;
import dev.veriproof.core.anchoring.AnchorLedger.RetryState;
import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.merkle.MerkleTree;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.UUID;

/**
 * One scheduled anchoring run (SPEC §6.3).
 *
 * <ol>
 * <li>Reads the run state and the backlog's age, and stops there, having written nothing, when there is nothing to do
 *     (nothing pending, no open batch, no failure to clear) or while backing off.</li>
 * <li>Takes the run lease (one run at a time: the account's nonces depend on it).</li>
 * <li>Finishes the batch a previous run left open: its signed transaction was recorded before it
 *     was sent, so the receipt is looked up by hash; a transaction the node never saw is sent again
 *     (same nonce, same hash); one whose nonce was used by something else is searched on chain by
 *     batch id, and abandoned if absent.</li>
 * <li>Otherwise takes the oldest pending sessions (at most {@code maxBatch}), builds one RFC 9162
 *     tree (format 2: grouped by tenant, each group opened by the tenant's header leaf), records the batch with its
 *     headers and signed transaction, sends it, waits for the receipt, records the batch's root and anchor once and
 *     each session's place in it, then each tenant's part and chain head.</li>
 * </ol>
 * A chain failure leaves the sessions pending, records an incident and delays the next attempt
 * with exponential backoff.
 */
public final class AnchoringRun {

    private final PendingSessions sessions;
    private final AnchorLedger ledger;
    private final AuditHeads auditHeads;
    private final AnchorChain chain;
    private final Clock clock;
    private final Settings settings;

    public AnchoringRun(PendingSessions sessions, AnchorLedger ledger, AuditHeads auditHeads, AnchorChain chain, Clock clock, Settings settings) {
        this.sessions = sessions;
        this.ledger = ledger;
        this.auditHeads = auditHeads;
        this.chain = chain;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * @param maxBatch      sessions in one tree (bounds a run's duration)
     * @param confirmations blocks a receipt must be buried under (1 = mined)
     * @param receiptWait   how long a run waits for its receipt before leaving the batch to the next run
     * @param lease         how long a run may hold the lease (longer than the function's timeout)
     * @param retryBase     delay after the first failure; doubles with each further one, up to {@code retryMax}
     */
    public record Settings(int maxBatch, int confirmations, Duration receiptWait, Duration lease, Duration retryBase, Duration retryMax) {
        public Settings {
            if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1");
            if (confirmations < 1) throw new IllegalArgumentException("confirmations must be at least 1");
        }
    }

    public enum Outcome { ANCHORED, NOTHING_PENDING, BUSY, BACKING_OFF, FAILED }

    /**
     * What a run did: {@code sessions} counts the sessions anchored by it, reconciled batch included; {@code oldestPending}
     * is when the oldest session still waiting after the run was received (the backlog's age), empty with none.
     */
    public record Result(Outcome outcome, int sessions, List<String> batchIds, Optional<String> failure, Optional<Instant> oldestPending) {
        Result withOldestPending(Optional<Instant> oldest) {
            return new Result(outcome, sessions, batchIds, failure, oldest);
        }
    }

    /**
     * A run with nothing to do (nothing pending, no open batch, no failure to clear) finds it out with reads alone and
     * writes nothing, not even the lease: the run state, then the backlog's age, which it reports. Anything else takes
     * the lease and reads all it uses again under it.
     */
    public Result run() {
        Instant started = clock.instant();
        AnchorLedger.RunState state = ledger.runState();
        Optional<Instant> oldest = sessions.oldestPendingSince();
        if (started.isBefore(state.retry().notBefore())) return new Result(Outcome.BACKING_OFF, 0, List.of(), Optional.empty(), oldest);
        if (oldest.isEmpty() && !state.batchOpen() && state.retry().failures() == 0) {
            return new Result(Outcome.NOTHING_PENDING, 0, List.of(), Optional.empty(), oldest);
        }
        String owner = UUID.randomUUID().toString();
        if (!ledger.acquireLease(owner, started, started.plus(settings.lease()))) {
            return new Result(Outcome.BUSY, 0, List.of(), Optional.empty(), oldest);
        }
        Result result;
        try {
            RetryState retry = ledger.retryState();
            result = started.isBefore(retry.notBefore())
                    ? new Result(Outcome.BACKING_OFF, 0, List.of(), Optional.empty(), oldest)
                    : anchor(retry);
        } catch (RuntimeException e) {
            ledger.releaseLease(owner);
            throw e;
        }
        // Not in a finally: after an Error the runtime is as good as dead, and like a crashed run it
        // leaves the lease to expire rather than let a run start while this one may still write.
        ledger.releaseLease(owner);
        return result.withOldestPending(sessions.oldestPendingSince());
    }

    /**
     * For SnapStart priming: the reads and the pure work of a run, with no lease taken and nothing written or sent: the
     * run state and the backlog's age (what a run with nothing to do makes), the ledger's and the backlog's other reads,
     * a batch of one made-up session prepared (tenant header, tree, proof, batch id), and the chain's code offline (a
     * transaction encoded and signed with a made-up nonce, a made-up receipt read). Then the chain's reads, if it answers:
     * a chain that cannot be reached now is not asked again by later rounds, so it never holds up or fails the snapshot.
     */
    public void warmUp() {
        ledger.runState();
        ledger.retryState();
        ledger.openBatch();
        ledger.tenantHeads(List.of("priming"));
        auditHeads.heads(List.of("priming"));
        sessions.warmUp();
        PendingLeaf leaf = new PendingLeaf("priming", "priming", Hashes.hex(Hashes.leafHash(new byte[0])));
        TenantHeader header = TenantHeader.next("priming", TenantHeader.ChainHead.NONE, 1, 0, AuditChain.Head.EMPTY.hash());
        AnchorBatch sample = new AnchorBatch("", AnchorBatch.TENANT_HEADERS, "", List.of(leaf), List.of(header), Instant.EPOCH, 0, "", "", 0);
        MerkleTree tree = MerkleTree.of(sample.treeLeaves());
        tree.proof(sample.sessionIndexes()[0]).toJson();
        String batchId = AnchorBatch.batchIdFor(AnchorBatch.TENANT_HEADERS, tree.root(), clock.instant());
        chain.warmUp(tree.root(), sample.treeSize(), Hashes.fromHex(batchId));
        if (chainUnreachable) return;
        try {
            chain.latestBlock();
            chain.minedNonce();
            chain.receipt("0x" + "00".repeat(32));
        } catch (RuntimeException e) {
            // not reachable from where the snapshot is taken (or not at all now): the first run with work warms the rest
            chainUnreachable = true;
        }
    }

    /** Set by a warm-up whose chain reads failed: later rounds skip them (a chain that times out would hold up the snapshot). */
    private boolean chainUnreachable;

    private Result anchor(RetryState retry) {
        Progress progress = new Progress();
        try {
            Optional<AnchorBatch> open = ledger.openBatch();
            if (open.isPresent()) {
                progress.batch = open.get();
                reconcile(open.get(), progress);
                progress.batch = null;
            }
            List<PendingLeaf> pending = sessions.oldestPending(settings.maxBatch());
            progress.pendingSeen = pending.size();
            if (!pending.isEmpty()) {
                AnchorBatch batch = prepare(pending);
                progress.batch = batch;
                ledger.saveOpenBatch(batch);
                chain.broadcast(batch.rawTransaction());
                complete(batch, awaitReceipt(batch, batch.txHash()), progress);
                progress.batch = null;
            }
            if (retry.failures() > 0) ledger.clearFailures();
            // a batch completed by this run is ANCHORED even when a crashed run had already placed all its sessions
            Outcome outcome = progress.batchIds.isEmpty() ? Outcome.NOTHING_PENDING : Outcome.ANCHORED;
            return new Result(outcome, progress.anchored, progress.batchIds, Optional.empty(), Optional.empty());
        } catch (ChainException | AnchoringFailure e) {
            Instant now = clock.instant();
            int failures = retry.failures() + 1;
            Incident incident = new Incident(now, e.getMessage(),
                    progress.batch == null ? progress.pendingSeen : progress.batch.leaves().size(),
                    Optional.ofNullable(progress.batch).map(AnchorBatch::batchId));
            ledger.recordFailure(incident, new RetryState(failures, now.plus(backoff(failures))));
            return new Result(Outcome.FAILED, progress.anchored, progress.batchIds, Optional.of(e.getMessage()), Optional.empty());
        }
    }

    private Duration backoff(int failures) {
        Duration delay = settings.retryBase().multipliedBy(1L << Math.min(failures - 1, 20));
        return delay.compareTo(settings.retryMax()) > 0 ? settings.retryMax() : delay;
    }

    /**
     * Format 2: the sessions grouped by tenant (tenant ids in order, each tenant's in backlog order), each group opened
     * by the tenant's header, whose seq, prev and audit head are decided here and recorded with the open batch.
     */
    private AnchorBatch prepare(List<PendingLeaf> pending) {
        Map<String, List<PendingLeaf>> byTenant = new TreeMap<>();
        for (PendingLeaf leaf : pending) byTenant.computeIfAbsent(leaf.tenantId(), t -> new ArrayList<>()).add(leaf);
        Map<String, TenantHeader.ChainHead> heads = ledger.tenantHeads(byTenant.keySet());
        Map<String, AuditChain.Head> audits = auditHeads.heads(byTenant.keySet());
        List<PendingLeaf> grouped = new ArrayList<>(pending.size());
        List<TenantHeader> headers = new ArrayList<>(byTenant.size());
        byTenant.forEach((tenant, leaves) -> {
            AuditChain.Head audit = audits.getOrDefault(tenant, AuditChain.Head.EMPTY);
            headers.add(TenantHeader.next(tenant, heads.getOrDefault(tenant, TenantHeader.ChainHead.NONE), leaves.size(), audit.seq(), audit.hash()));
            grouped.addAll(leaves);
        });
        AnchorBatch unsigned = new AnchorBatch("", AnchorBatch.TENANT_HEADERS, "", grouped, headers, Instant.EPOCH, 0, "", "", 0);
        byte[] root = MerkleTree.of(unsigned.treeLeaves()).root();
        Instant preparedAt = clock.instant();
        String batchId = AnchorBatch.batchIdFor(AnchorBatch.TENANT_HEADERS, root, preparedAt);
        long fromBlock = chain.latestBlock();
        SignedAnchor signed = chain.sign(root, unsigned.treeSize(), Hashes.fromHex(batchId));
        return new AnchorBatch(batchId, AnchorBatch.TENANT_HEADERS, Hashes.hex(root), grouped, headers, preparedAt, signed.nonce(),
                signed.txHash(), signed.rawTransaction(), fromBlock);
    }

    private void reconcile(AnchorBatch batch, Progress progress) {
        String txHash = batch.txHash();
        if (chain.receipt(txHash).isEmpty()) {
            if (chain.minedNonce() > batch.nonce()) {
                // Our nonce was used and not by our transaction: the event is on chain only if another
                // transaction carried this batch id.
                Optional<Receipt> found = chain.findAnchored(Hashes.fromHex(batch.batchId()), batch.fromBlock());
                if (found.isEmpty()) {
                    ledger.abandonBatch(batch, "transaction dropped: nonce " + batch.nonce() + " used by another transaction", clock.instant());
                    throw new AnchoringFailure("batch " + batch.batchId() + ": transaction " + txHash + " was dropped; its sessions stay pending");
                }
                txHash = found.get().txHash();
            } else {
                chain.broadcast(batch.rawTransaction());
            }
        }
        complete(batch, awaitReceipt(batch, txHash), progress);
    }

    /** The receipt once buried under the configured confirmations; a failure (left to the next run) if not in time. */
    private Receipt awaitReceipt(AnchorBatch batch, String txHash) {
        return chain.awaitReceipt(txHash, settings.confirmations(), settings.receiptWait())
                .orElseThrow(() -> new AnchoringFailure("batch " + batch.batchId() + ": transaction " + txHash
                        + " not confirmed within " + settings.receiptWait() + "; the next run continues it"));
    }

    private void complete(AnchorBatch batch, Receipt receipt, Progress progress) {
        if (!receipt.succeeded() || !receipt.anchoredRoot().map(batch.root()::equalsIgnoreCase).orElse(false)) {
            ledger.abandonBatch(batch, "transaction " + receipt.txHash() + " reverted or carries no Anchored event for the root", clock.instant());
            throw new AnchoringFailure("batch " + batch.batchId() + ": transaction " + receipt.txHash()
                    + " reverted in block " + receipt.blockNumber() + "; its sessions stay pending");
        }
        Anchor anchor = new Anchor(chain.chainId(), chain.contract(), receipt.txHash(), receipt.blockNumber(), receipt.blockTime(), batch.batchId());
        MerkleTree tree = batch.tree();
        List<PendingLeaf> leaves = batch.leaves();
        int[] sessionIndexes = batch.sessionIndexes();
        List<PendingSessions.AnchoredLeaf> anchored = new ArrayList<>(leaves.size());
        for (int i = 0; i < leaves.size(); i++) anchored.add(new PendingSessions.AnchoredLeaf(leaves.get(i), tree.proof(sessionIndexes[i])));
        progress.anchored += sessions.recordAnchored(anchored, anchor);
        int[] headerIndexes = batch.headerIndexes();
        List<TenantBatch> tenants = new ArrayList<>(headerIndexes.length);
        int offset = 0;
        for (int h = 0; h < headerIndexes.length; h++) {
            TenantHeader header = batch.headers().get(h);
            tenants.add(new TenantBatch(batch.batchId(), header, tree.proof(headerIndexes[h]), anchor, offset));
            offset += (int) header.count();
        }
        ledger.completeBatch(batch, anchor, tenants, clock.instant());
        progress.batchIds.add(batch.batchId());
    }

    private static final class Progress {
        AnchorBatch batch;
        int pendingSeen;
        int anchored;
        final List<String> batchIds = new ArrayList<>();
    }

    /** A batch that cannot be completed now; the run records it as an incident. */
    static final class AnchoringFailure extends RuntimeException {
        AnchoringFailure(String message) {
            super(message);
        }
    }
}
