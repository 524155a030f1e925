package dev.veriproof.core.audit;

/**
 * How far a tenant's audit log has been verified, so that a live read walks only what came since and one slice of
 * what came before (docs/compliance-center.md, "The audit log's walk").
 *
 * @param seq and {@code hash}: the last entry verified; the next one must link to {@code hash}
 * @param keyAssignments {@code key.*} entries up to {@code seq}
 * @param downloads {@code exports.download} entries up to {@code seq}
 * @param sweepSeq and {@code sweepHash}: how far the current re-verification of entries 1..{@code seq} has come
 *     (0 and the genesis hash at its start); it starts again when it reaches {@code seq}
 * @param brokenAt the seq at which a walk found the chain broken; 0 while it holds. A broken chain stays broken.
 */
public record AuditCheckpoint(long seq, String hash, long keyAssignments, long downloads, long sweepSeq, String sweepHash, long brokenAt) {
    /** Before any walk: nothing verified. */
    public static final AuditCheckpoint NONE = new AuditCheckpoint(0, AuditChain.GENESIS_HASH, 0, 0, 0, AuditChain.GENESIS_HASH, 0);
}
