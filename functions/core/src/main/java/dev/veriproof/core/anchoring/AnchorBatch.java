package dev.veriproof.core.anchoring;

import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.merkle.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One anchoring batch as recorded before its transaction is sent: the ordered sessions, the tenant headers, the root,
 * and the signed transaction (nonce, hash and raw bytes), so that a later run can finish it whatever happened to the run
 * that prepared it.
 *
 * <p>Format 1 (batches anchored before tenant headers): the tree's leaves are the sessions' leaf hashes in batch order.
 * Format 2: the sessions are grouped by tenant (tenants in id order) and each group is opened by the tenant's header
 * leaf ({@link TenantHeader}, whose {@code count} is the group's size): header, its sessions, next header, ...
 *
 * @param leaves    the sessions, in tree order (format 2: grouped as the headers say)
 * @param fromBlock the chain's latest block when the batch was prepared: its event cannot be older
 */
public record AnchorBatch(String batchId, int format, String root, List<PendingLeaf> leaves, List<TenantHeader> headers,
                          Instant createdAt, long nonce, String txHash, String rawTransaction, long fromBlock) {
    public static final int SESSIONS_ONLY = 1;
    public static final int TENANT_HEADERS = 2;

    public AnchorBatch {
        leaves = List.copyOf(leaves);
        headers = List.copyOf(headers);
        if (format == SESSIONS_ONLY && !headers.isEmpty()) throw new IllegalArgumentException("a format-1 batch has no tenant headers");
        if (format == TENANT_HEADERS) {
            int next = 0;
            for (TenantHeader header : headers) {
                for (long k = 0; k < header.count(); k++, next++) {
                    if (next >= leaves.size() || !leaves.get(next).tenantId().equals(header.tenant())) {
                        throw new IllegalArgumentException("batch " + batchId + ": the sessions are not grouped as the tenant headers say");
                    }
                }
            }
            if (next != leaves.size()) throw new IllegalArgumentException("batch " + batchId + ": sessions without a tenant header");
        } else if (format != SESSIONS_ONLY) {
            throw new IllegalArgumentException("unknown batch format " + format);
        }
    }

    public int treeSize() {
        return leaves.size() + headers.size();
    }

    /** The leaf hashes in tree order: format 2 puts each header before its sessions. */
    public List<byte[]> treeLeaves() {
        List<byte[]> tree = new ArrayList<>(treeSize());
        int next = 0;
        for (TenantHeader header : headers) {
            tree.add(header.leafHash());
            for (long k = 0; k < header.count(); k++) tree.add(Hashes.fromHex(leaves.get(next++).leafHash()));
        }
        while (next < leaves.size()) tree.add(Hashes.fromHex(leaves.get(next++).leafHash()));
        return tree;
    }

    /** The tree index of each session of {@link #leaves()}. */
    public int[] sessionIndexes() {
        int[] indexes = new int[leaves.size()];
        int position = 0;
        int next = 0;
        for (TenantHeader header : headers) {
            position++; // the header's own leaf
            for (long k = 0; k < header.count(); k++) indexes[next++] = position++;
        }
        while (next < leaves.size()) indexes[next++] = position++;
        return indexes;
    }

    /** The tree index of each header of {@link #headers()}. */
    public int[] headerIndexes() {
        int[] indexes = new int[headers.size()];
        int position = 0;
        for (int h = 0; h < headers.size(); h++) {
            indexes[h] = position;
            position += 1 + (int) headers.get(h).count();
        }
        return indexes;
    }

    /** The tree over {@link #treeLeaves()}; its root must be {@link #root()}. */
    public MerkleTree tree() {
        MerkleTree tree = MerkleTree.of(treeLeaves());
        if (!Hashes.hex(tree.root()).equals(root)) {
            throw new IllegalStateException("batch " + batchId + ": the recorded leaves do not give the recorded root");
        }
        return tree;
    }

    /**
     * The first 4 bytes of a format-2 batch id, "vp" and the format as two bytes: the batch id is in the chain's
     * {@code Anchored} event, so a verifier knows from the chain alone that the batch must come with tenant headers, and
     * an operator cannot pass a format-2 batch off as one of format 1 to hide a session (VERIFY.md §6). A format-1 id is
     * a plain SHA-256: it starts so by chance once in 2^32.
     */
    public static final String FORMAT_2_ID_PREFIX = "76700002";

    /**
     * Deterministic: the same root prepared at the same instant gives the same id. The instant
     * makes two batches over equal leaves (re-anchoring after a revert) distinguishable on chain.
     * Format 1: SHA-256 of the label; format 2: {@link #FORMAT_2_ID_PREFIX} and the label's SHA-256 cut to 28 bytes.
     */
    public static String batchIdFor(int format, byte[] root, Instant preparedAt) {
        byte[] label = ("veriproof.anchor.batch|" + Hashes.hex(root) + "|" + preparedAt).getBytes(StandardCharsets.UTF_8);
        String digest = Hashes.hex(Hashes.sha256(label));
        return switch (format) {
            case SESSIONS_ONLY -> digest;
            case TENANT_HEADERS -> FORMAT_2_ID_PREFIX + digest.substring(0, 56);
            default -> throw new IllegalArgumentException("unknown batch format " + format);
        };
    }

    /** Whether the batch id says format 2 (see {@link #FORMAT_2_ID_PREFIX}). */
    public static boolean isFormat2Id(String batchId) {
        return batchId != null && batchId.toLowerCase(java.util.Locale.ROOT).replaceFirst("^0x", "").startsWith(FORMAT_2_ID_PREFIX);
    }
}
