package dev.veriproof.core.audit;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A tenant's append-only audit log. Appends are atomic and gap-free under concurrency: each entry
 * links to the one before it, whoever wrote that.
 */
public interface AuditLog {
    /** Appends the event as the tenant's next entry and returns it. */
    AuditEntry append(String tenantId, AuditEvent event);

    /** Entries with {@code seq > afterSeq}, in seq order, at most {@code limit}. */
    List<AuditEntry> list(String tenantId, long afterSeq, int limit);

    /** Every entry, in seq order, without holding them all: for a walk over the whole log. */
    default void forEach(String tenantId, Consumer<AuditEntry> entry) {
        forEachAfter(tenantId, 0, entry);
    }

    /** Every entry with {@code seq > afterSeq}, in seq order, without holding them all. */
    void forEachAfter(String tenantId, long afterSeq, Consumer<AuditEntry> entry);

    /** What the last walk that saved one had verified (see {@link AuditCheckpoint}); empty before the first. */
    Optional<AuditCheckpoint> checkpoint(String tenantId);

    /**
     * Saves {@code next} unless another walk saved since {@code previous} was read (then the other one stands).
     *
     * @return whether it was saved
     */
    boolean saveCheckpoint(String tenantId, AuditCheckpoint next, Optional<AuditCheckpoint> previous);

    /** The last entry's seq and hash, as recorded with the last append; empty before the first. */
    Optional<AuditChain.Head> head(String tenantId);
}
