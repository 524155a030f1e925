package dev.veriproof.verifier;

import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.merkle.InclusionProof;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 9162 §2.1.3.2 inclusion proof checks (VERIFY.md §4.2), the same answer as {@link InclusionProof#verifies} but
 * without hashing again what the previous proof of the same tree already hashed. The check is a walk whose state after
 * each audit path element is {@code (fn, sn, r)}; from equal states with equal remaining elements and the same root, two
 * walks end the same way. Consecutive leaves of a batch share the upper part of their paths, so once the walk reaches
 * the state the previous walk had at the same distance from the end, with the same elements left, its answer is the
 * previous one: on average two nodes are hashed per proof instead of log2(tree size). One instance per thread.
 */
final class ProofWalk {
    private final MessageDigest sha256;
    private final byte[] node = new byte[1 + 2 * Hashes.SHA256_BYTES];
    // the previous walk: its root, elements, and the state after each element (states[k] is after element k-1)
    private String previousRoot;
    private List<String> previousPath = List.of();
    private long[] previousFn = new long[0];
    private long[] previousSn = new long[0];
    private byte[][] previousR = new byte[0][];
    private boolean previousAnswer;

    ProofWalk() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        node[0] = 0x01;
    }

    boolean verifies(InclusionProof proof, byte[] leafHash) {
        List<String> path = proof.auditPath();
        if (proof.leafIndex() < 0 || proof.leafIndex() >= proof.treeSize() || leafHash == null || leafHash.length != Hashes.SHA256_BYTES
                || !Hashes.isSha256Hex(proof.root())) {
            return false;
        }
        int m = path.size();
        long[] fns = new long[m + 1];
        long[] sns = new long[m + 1];
        byte[][] rs = new byte[m + 1][];
        long fn = proof.leafIndex();
        long sn = proof.treeSize() - 1;
        byte[] r = leafHash;
        boolean sameRoot = proof.root().equals(previousRoot);
        int shift = previousPath.size() - m; // the previous walk's step with as many elements left as this one's step k is k + shift
        for (int k = 0; k <= m; k++) {
            fns[k] = fn;
            sns[k] = sn;
            rs[k] = r;
            int j = k + shift;
            if (sameRoot && k > 0 && j > 0 && j <= previousPath.size() && previousFn[j] == fn && previousSn[j] == sn
                    && Arrays.equals(previousR[j], r) && path.subList(k, m).equals(previousPath.subList(j, previousPath.size()))) {
                return previousAnswer; // the rest of this walk is the rest of the previous one
            }
            if (k == m) break;
            if (sn == 0) return remember(proof, fns, sns, rs, k, false);
            // an element that is not a hash fails the proof; the ones left when a walk joins the previous one are that
            // walk's, which were checked, and a walk that stops early fails whatever its later elements are
            if (!Hashes.isSha256Hex(path.get(k))) return false;
            byte[] p = Hashes.fromHex(path.get(k));
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        boolean holds = sn == 0 && Arrays.equals(r, Hashes.fromHex(proof.root()));
        return remember(proof, fns, sns, rs, m, holds);
    }

    /** Keeps the walk's states up to step {@code last} (where it ended) for the next proof. */
    private boolean remember(InclusionProof proof, long[] fns, long[] sns, byte[][] rs, int last, boolean answer) {
        // a walk that stopped early (sn reached 0 with elements left) is remembered only up to there: its later states do not exist
        List<String> path = proof.auditPath();
        previousRoot = proof.root();
        previousPath = last == path.size() ? path : List.of();
        previousFn = fns;
        previousSn = sns;
        previousR = rs;
        previousAnswer = answer;
        return answer;
    }

    private byte[] nodeHash(byte[] left, byte[] right) {
        System.arraycopy(left, 0, node, 1, Hashes.SHA256_BYTES);
        System.arraycopy(right, 0, node, 1 + Hashes.SHA256_BYTES, Hashes.SHA256_BYTES);
        return sha256.digest(node);
    }
}
