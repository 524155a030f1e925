package dev.veriproof.core.anchoring;

import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.merkle.InclusionProof;

/**
 * One tenant's part of an anchored format-2 batch: its header, the header's RFC 9162 inclusion proof in the batch root,
 * and the anchor. The tenant's sessions are the {@code header.count()} leaves right after the header (tree indexes
 * {@code headerProof.leafIndex() + 1} onward). Nothing in it names another tenant: the audit path holds hashes only.
 *
 * @param sessionOffset where the tenant's sessions start in the batch's session list ({@link AnchorBatch#leaves()})
 */
public record TenantBatch(String batchId, TenantHeader header, InclusionProof headerProof, Anchor anchor, int sessionOffset) {

    public String headerLeafHash() {
        return Hashes.hex(header.leafHash());
    }

    /** The tree index of the tenant's first session. */
    public long firstSessionIndex() {
        return headerProof.leafIndex() + 1;
    }
}
