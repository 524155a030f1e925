package dev.veriproof.core.anchoring;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where the anchoring run keeps its own records: the lease, the open batch, completed batches, tenants' batch chains, failures. */
public interface AnchorLedger {

    /** Takes the single run lease unless another owner holds one that has not expired at {@code now}. */
    boolean acquireLease(String owner, Instant now, Instant until);

    /** Releases the lease if {@code owner} still holds it. */
    void releaseLease(String owner);

    /** The batch prepared but not yet completed or abandoned; at most one exists. */
    Optional<AnchorBatch> openBatch();

    /** Records a prepared batch as the open one; fails if another batch is open. */
    void saveOpenBatch(AnchorBatch batch);

    /**
     * Records each tenant's part of the anchored batch, moves each tenant's chain head to the batch's header (exactly
     * once: a repeated completion finds the head already there), then marks the batch anchored and closes it.
     */
    void completeBatch(AnchorBatch batch, Anchor anchor, List<TenantBatch> tenants, Instant at);

    /** Where each tenant's batch chain stands; tenants never anchored in a format-2 batch are absent. */
    Map<String, TenantHeader.ChainHead> tenantHeads(Collection<String> tenants);

    /** Closes the open batch without an anchor: its sessions stay pending for a later batch. */
    void abandonBatch(AnchorBatch batch, String reason, Instant at);

    RetryState retryState();

    /**
     * What a run must know before it takes the lease, in one read: the retry state and whether a batch is open. Read
     * without the lease, so it may be stale by the time the lease is taken; a run that goes on reads both again under it.
     */
    RunState runState();

    /** Records a failed run as an incident and when the next attempt may start. */
    void recordFailure(Incident incident, RetryState next);

    /** Every recorded anchoring failure, oldest first (evidence for ISO/IEC 42001 10.2). */
    List<Incident> incidents();

    /** When the latest batch was anchored, if any was. */
    Optional<Instant> lastAnchoredAt();

    void clearFailures();

    /** Consecutive failed runs and the earliest instant of the next attempt. */
    record RetryState(int failures, Instant notBefore) {
        public static final RetryState NONE = new RetryState(0, Instant.EPOCH);
    }

    /** The retry state, and whether a batch is open (prepared, not yet completed or abandoned). */
    record RunState(RetryState retry, boolean batchOpen) {}

    /** An anchoring failure (ISO/IEC 42001 10.2 evidence). */
    record Incident(Instant at, String reason, int pendingSessions, Optional<String> batchId) {}
}
