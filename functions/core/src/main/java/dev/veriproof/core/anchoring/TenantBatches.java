package dev.veriproof.core.anchoring;

import java.util.List;
import java.util.Optional;

/**
 * A tenant's chain of anchored batches (format 2), for evidence packages and their verifier: for each batch the tenant
 * was in, its header with the header's inclusion proof, and the ordered list of the tenant's sessions in that batch.
 */
public interface TenantBatches {

    /** The tenant's batches with {@code fromSeq <= seq <= toSeq}, in seq order. */
    List<TenantBatch> tenantBatches(String tenantId, long fromSeq, long toSeq);

    /** The tenant's part of one batch, if the tenant is in it. */
    Optional<TenantBatch> tenantBatch(String tenantId, String batchId);

    /** The tenant's sessions in the batch, in tree order ({@code header.count()} of them). */
    List<BatchSession> sessions(TenantBatch batch);

    /** A session of a tenant batch: its id, leaf hash and index in the batch tree. */
    record BatchSession(String sessionId, String leafHash, long leafIndex) {}
}
