package dev.veriproof.core.merkle;

import static dev.veriproof.core.hash.Hashes.SHA256_BYTES;

import dev.veriproof.core.hash.Hashes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An RFC 9162 §2.1 Merkle tree over leaf hashes (each already SHA-256(0x00 ‖ data)).
 *
 * <p>Built bottom-up: each level pairs neighbours left to right and promotes a lone last node
 * unchanged, which gives exactly the tree of RFC 9162's recursive split at the largest power of
 * two smaller than n. Every level is kept in one contiguous array of 32-byte hashes, so proofs
 * are read off without recomputation.
 */
public final class MerkleTree {

    private static final byte[] EMPTY_TREE_ROOT = Hashes.sha256(new byte[0]);

    /** levels.get(0) holds the leaves; the last level holds the root alone. Empty for an empty tree. */
    private final List<byte[]> levels;
    private final int size;

    private MerkleTree(List<byte[]> levels, int size) {
        this.levels = levels;
        this.size = size;
    }

    public static MerkleTree of(List<byte[]> leafHashes) {
        int size = leafHashes.size();
        List<byte[]> levels = new ArrayList<>();
        if (size == 0) {
            return new MerkleTree(levels, 0);
        }
        byte[] level = new byte[size * SHA256_BYTES];
        for (int i = 0; i < size; i++) {
            byte[] leaf = leafHashes.get(i);
            if (leaf == null || leaf.length != SHA256_BYTES) {
                throw new IllegalArgumentException("Leaf hash " + i + " is not a 32-byte SHA-256 hash");
            }
            System.arraycopy(leaf, 0, level, i * SHA256_BYTES, SHA256_BYTES);
        }
        levels.add(level);
        for (int width = size; width > 1; width = (width + 1) / 2) {
            level = parentLevel(level, width);
            levels.add(level);
        }
        return new MerkleTree(levels, size);
    }

    /** The Merkle Tree Hash of the leaves; SHA-256 of the empty string for no leaves. */
    public static byte[] rootOf(List<byte[]> leafHashes) {
        return of(leafHashes).root();
    }

    public byte[] root() {
        return size == 0 ? EMPTY_TREE_ROOT.clone() : levels.get(levels.size() - 1).clone();
    }

    public int size() {
        return size;
    }

    /** The RFC 9162 §2.1.3.1 inclusion proof of the leaf at {@code leafIndex}. */
    public InclusionProof proof(int leafIndex) {
        Objects.checkIndex(leafIndex, size);
        List<String> auditPath = new ArrayList<>();
        int index = leafIndex;
        for (int height = 0; height < levels.size() - 1; height++) {
            byte[] level = levels.get(height);
            int sibling = index ^ 1;
            // A lone last node has no sibling at this level: it was promoted unchanged.
            if (sibling < level.length / SHA256_BYTES) {
                auditPath.add(Hashes.hex(hashAt(level, sibling)));
            }
            index /= 2;
        }
        return new InclusionProof(leafIndex, size, auditPath, Hashes.hex(root()));
    }

    private static byte[] parentLevel(byte[] level, int width) {
        int parentWidth = (width + 1) / 2;
        byte[] parent = new byte[parentWidth * SHA256_BYTES];
        for (int i = 0; i + 1 < width; i += 2) {
            Hashes.nodeHashInto(level, i * SHA256_BYTES, parent, i / 2 * SHA256_BYTES);
        }
        if (width % 2 == 1) {
            System.arraycopy(level, (width - 1) * SHA256_BYTES, parent, (parentWidth - 1) * SHA256_BYTES, SHA256_BYTES);
        }
        return parent;
    }

    private static byte[] hashAt(byte[] level, int index) {
        return Arrays.copyOfRange(level, index * SHA256_BYTES, (index + 1) * SHA256_BYTES);
    }
}
