package dev.veriproof.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.merkle.InclusionProof;
import dev.veriproof.core.merkle.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A walk that reuses the previous one's upper part answers exactly as {@link InclusionProof#verifies}, forgeries included. */
class ProofWalkTest {

    private static List<byte[]> leaves(int n, String salt) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) leaves.add(Hashes.leafHash((salt + i).getBytes(StandardCharsets.UTF_8)));
        return leaves;
    }

    private static InclusionProof withPath(InclusionProof proof, List<String> path) {
        return new InclusionProof(proof.leafIndex(), proof.treeSize(), path, proof.root());
    }

    @Test
    void everyLeafOfEveryTreeSizeVerifiesInOrderAndShuffled() {
        ProofWalk walk = new ProofWalk();
        Random random = new Random(9162);
        for (int n = 1; n <= 70; n++) {
            List<byte[]> leaves = leaves(n, "t" + n);
            MerkleTree tree = MerkleTree.of(leaves);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) order.add(i);
            for (int round = 0; round < 2; round++) {
                for (int i : order) assertTrue(walk.verifies(tree.proof(i), leaves.get(i)), "leaf " + i + " of " + n);
                Collections.shuffle(order, random);
            }
        }
    }

    @Test
    void aForgedProofFailsRightAfterAValidOneOfTheSameTreeWhateverPartItChanges() {
        Random random = new Random(42);
        for (int n : new int[] {2, 3, 7, 8, 33, 64, 100}) {
            List<byte[]> leaves = leaves(n, "f" + n);
            MerkleTree tree = MerkleTree.of(leaves);
            for (int i = 0; i < n; i++) {
                ProofWalk walk = new ProofWalk();
                int previous = random.nextInt(n);
                assertTrue(walk.verifies(tree.proof(previous), leaves.get(previous)));
                InclusionProof proof = tree.proof(i);
                List<InclusionProof> forgeries = new ArrayList<>();
                for (int k = 0; k < proof.auditPath().size(); k++) {
                    List<String> path = new ArrayList<>(proof.auditPath());
                    path.set(k, Hashes.hex(Hashes.sha256(path.get(k).getBytes(StandardCharsets.UTF_8))));
                    forgeries.add(withPath(proof, path));
                    List<String> cut = new ArrayList<>(proof.auditPath().subList(0, k));
                    forgeries.add(withPath(proof, cut));
                    List<String> longer = new ArrayList<>(proof.auditPath());
                    longer.add(k, proof.auditPath().get(k));
                    forgeries.add(withPath(proof, longer));
                }
                forgeries.add(new InclusionProof((i + 1) % n, n, proof.auditPath(), proof.root()));
                forgeries.add(new InclusionProof(i, n + 1, proof.auditPath(), proof.root()));
                forgeries.add(new InclusionProof(i, n, proof.auditPath(), Hashes.hex(leaves.get(i))));
                forgeries.add(new InclusionProof(i, n, proof.auditPath(), proof.root().toUpperCase()));
                forgeries.add(new InclusionProof(-1, n, proof.auditPath(), proof.root()));
                for (InclusionProof forged : forgeries) {
                    assertEquals(forged.verifies(leaves.get(i)), walk.verifies(forged, leaves.get(i)), forged.toString());
                    // and the honest proof right after it still holds
                    assertTrue(walk.verifies(proof, leaves.get(i)));
                }
                // another leaf under the honest path
                byte[] other = leaves.get((i + 1) % n);
                assertEquals(proof.verifies(other), walk.verifies(proof, other));
                assertTrue(walk.verifies(proof, leaves.get(i)));
            }
        }
    }

    @Test
    void theSamePathUnderAnotherRootIsWalkedAgain() {
        List<byte[]> leaves = leaves(16, "r");
        MerkleTree tree = MerkleTree.of(leaves);
        ProofWalk walk = new ProofWalk();
        assertTrue(walk.verifies(tree.proof(4), leaves.get(4)));
        InclusionProof sibling = tree.proof(5);
        String otherRoot = Hashes.hex(Hashes.sha256("another tree".getBytes(StandardCharsets.UTF_8)));
        assertFalse(walk.verifies(new InclusionProof(5, 16, sibling.auditPath(), otherRoot), leaves.get(5)));
        assertTrue(walk.verifies(sibling, leaves.get(5)));
    }
}
