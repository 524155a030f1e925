package dev.veriproof.core.anchoring;

import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.merkle.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * One anchoring batch as recorded before its transaction is sent: the ordered leaves, the root,
 * and the signed transaction (nonce, hash and raw bytes), so that a later run can finish it
 * whatever happened to the run that prepared it.
 *
 * @param fromBlock the chain's latest block when the batch was prepared: its event cannot be older
 */
public record AnchorBatch(String batchId, String root, List<PendingLeaf> leaves, Instant createdAt,
                          long nonce, String txHash, String rawTransaction, long fromBlock) {

    public AnchorBatch {
        leaves = List.copyOf(leaves);
    }

    public int treeSize() {
        return leaves.size();
    }

    /** The tree over the leaves in batch order; its root must be {@link #root()}. */
    public MerkleTree tree() {
        MerkleTree tree = MerkleTree.of(leaves.stream().map(l -> Hashes.fromHex(l.leafHash())).toList());
        if (!Hashes.hex(tree.root()).equals(root)) {
            throw new IllegalStateException("batch " + batchId + ": the recorded leaves do not give the recorded root");
        }
        return tree;
    }

    /**
     * Deterministic: the same root prepared at the same instant gives the same id. The instant
     * makes two batches over equal leaves (re-anchoring after a revert) distinguishable on chain.
     */
    public static String batchIdFor(byte[] root, Instant preparedAt) {
        byte[] label = ("veriproof.anchor.batch|" + Hashes.hex(root) + "|" + preparedAt).getBytes(StandardCharsets.UTF_8);
        return Hashes.hex(Hashes.sha256(label));
    }
}
