package dev.veriproof.core.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MerkleTreeTest {

    /** The eight entries of the RFC 6962 / RFC 9162 reference test data. */
    private static final List<byte[]> REFERENCE_ENTRIES = List.of("", "00", "10", "2021", "3031", "40414243",
            "5051525354555657", "606162636465666768696a6b6c6d6e6f").stream().map(Hashes::fromHex).toList();

    static List<byte[]> leaves(int n) {
        return IntStream.range(0, n).mapToObj(i -> Hashes.leafHash(("leaf " + i).getBytes(StandardCharsets.UTF_8))).toList();
    }

    /** RFC 9162 §2.1.1 MTH, written from the definition: split at the largest power of two smaller than n. */
    static byte[] referenceRoot(List<byte[]> leafHashes) {
        int n = leafHashes.size();
        if (n == 0) {
            return Hashes.sha256(new byte[0]);
        }
        if (n == 1) {
            return leafHashes.get(0);
        }
        int k = largestPowerOfTwoBelow(n);
        return Hashes.nodeHash(referenceRoot(leafHashes.subList(0, k)), referenceRoot(leafHashes.subList(k, n)));
    }

    /** RFC 9162 §2.1.3.1 PATH(m, D[n]), from the definition. */
    static List<String> referencePath(int m, List<byte[]> leafHashes) {
        int n = leafHashes.size();
        if (n == 1) {
            return new ArrayList<>();
        }
        int k = largestPowerOfTwoBelow(n);
        List<String> path;
        if (m < k) {
            path = referencePath(m, leafHashes.subList(0, k));
            path.add(Hashes.hex(referenceRoot(leafHashes.subList(k, n))));
        } else {
            path = referencePath(m - k, leafHashes.subList(k, n));
            path.add(Hashes.hex(referenceRoot(leafHashes.subList(0, k))));
        }
        return path;
    }

    private static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }

    /** The vectors the console's JavaScript proof verification is tested against too. */
    private static final JsonNode VECTORS = Vectors.load("rfc9162.json");

    @Test
    void sharedVectorsUseTheRfcReferenceEntries() {
        List<String> entries = new ArrayList<>();
        VECTORS.get("entries").forEach(e -> entries.add(e.asText()));
        assertEquals(REFERENCE_ENTRIES.stream().map(Hashes::hex).toList(), entries);
    }

    static Stream<Arguments> referenceRoots() {
        return StreamSupport.stream(VECTORS.get("roots").spliterator(), false)
                .map(v -> Arguments.of(v.get("treeSize").asInt(), v.get("root").asText()));
    }

    @ParameterizedTest
    @MethodSource("referenceRoots")
    void matchesRfcReferenceTreeRoots(int n, String expectedRoot) {
        List<byte[]> leafHashes = REFERENCE_ENTRIES.subList(0, n).stream().map(Hashes::leafHash).toList();

        assertEquals(expectedRoot, Hashes.hex(MerkleTree.of(leafHashes).root()));
    }

    @Test
    void producesTheSharedVectorsProofs() {
        List<byte[]> leafHashes = REFERENCE_ENTRIES.stream().map(Hashes::leafHash).toList();
        for (JsonNode vector : VECTORS.get("proofs")) {
            int m = vector.get("leafIndex").asInt();
            MerkleTree tree = MerkleTree.of(leafHashes.subList(0, vector.get("treeSize").asInt()));

            assertEquals(vector.get("leafHash").asText(), Hashes.hex(leafHashes.get(m)));
            assertEquals(InclusionProof.fromJson(vector), tree.proof(m), vector.toString());
        }
    }

    @Test
    void handComputedSmallTrees() {
        List<byte[]> l = leaves(5);

        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hashes.hex(MerkleTree.rootOf(List.of())));
        assertArrayEquals(l.get(0), MerkleTree.rootOf(l.subList(0, 1)));
        assertArrayEquals(Hashes.nodeHash(l.get(0), l.get(1)), MerkleTree.rootOf(l.subList(0, 2)));
        // three leaves: the third is not paired with a copy of itself
        assertArrayEquals(Hashes.nodeHash(Hashes.nodeHash(l.get(0), l.get(1)), l.get(2)), MerkleTree.rootOf(l.subList(0, 3)));
        assertArrayEquals(Hashes.nodeHash(
                        Hashes.nodeHash(Hashes.nodeHash(l.get(0), l.get(1)), Hashes.nodeHash(l.get(2), l.get(3))),
                        l.get(4)),
                MerkleTree.rootOf(l));
    }

    @Test
    void rootEqualsRecursiveDefinitionForEverySizeUpTo70() {
        List<byte[]> all = leaves(70);
        for (int n = 0; n <= 70; n++) {
            MerkleTree tree = MerkleTree.of(all.subList(0, n));
            assertEquals(n, tree.size());
            assertArrayEquals(referenceRoot(all.subList(0, n)), tree.root(), "n=" + n);
        }
    }

    @Test
    void auditPathsEqualRecursiveDefinitionForEverySizeUpTo70() {
        List<byte[]> all = leaves(70);
        for (int n = 1; n <= 70; n++) {
            MerkleTree tree = MerkleTree.of(all.subList(0, n));
            for (int m = 0; m < n; m++) {
                assertEquals(referencePath(m, all.subList(0, n)), tree.proof(m).auditPath(), "n=" + n + " m=" + m);
            }
        }
    }

    @Test
    void largeOddTreeMatchesDefinition() {
        List<byte[]> all = leaves((1 << 16) + 3);
        MerkleTree tree = MerkleTree.of(all);

        assertArrayEquals(referenceRoot(all), tree.root());
        assertTrue(tree.proof(0).verifies(all.get(0)));
        assertTrue(tree.proof(all.size() - 1).verifies(all.get(all.size() - 1)));
        assertEquals(17, tree.proof(0).auditPath().size());
        assertEquals(2, tree.proof(all.size() - 1).auditPath().size());
    }

    @Test
    void rejectsLeavesThatAreNotSha256Hashes() {
        List<byte[]> leafHashes = new ArrayList<>(leaves(2));
        leafHashes.add(new byte[31]);

        assertThrows(IllegalArgumentException.class, () -> MerkleTree.of(leafHashes));
    }

    @Test
    void proofIndexMustBeInsideTheTree() {
        MerkleTree tree = MerkleTree.of(leaves(3));

        assertThrows(IndexOutOfBoundsException.class, () -> tree.proof(3));
        assertThrows(IndexOutOfBoundsException.class, () -> tree.proof(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> MerkleTree.of(List.of()).proof(0));
    }

    @Test
    void rootIsACopy() {
        MerkleTree tree = MerkleTree.of(leaves(4));
        tree.root()[0] ^= 1;

        assertArrayEquals(referenceRoot(leaves(4)), tree.root());
    }
}
