package dev.veriproof.core.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InclusionProofTest {

    private static String flipLastBit(String hex) {
        byte[] bytes = Hashes.fromHex(hex);
        bytes[bytes.length - 1] ^= 1;
        return Hashes.hex(bytes);
    }

    private static InclusionProof withPath(InclusionProof proof, List<String> auditPath) {
        return new InclusionProof(proof.leafIndex(), proof.treeSize(), auditPath, proof.root());
    }

    @Test
    void everyLeafOfEveryTreeUpTo300ProvesAndNothingElseDoes() {
        List<byte[]> all = MerkleTreeTest.leaves(301);
        for (int n = 1; n <= 300; n++) {
            MerkleTree tree = MerkleTree.of(all.subList(0, n));
            int maxPathLength = 32 - Integer.numberOfLeadingZeros(n - 1); // ceil(log2 n)
            for (int m = 0; m < n; m++) {
                InclusionProof proof = tree.proof(m);
                byte[] leaf = all.get(m);
                String at = "n=" + n + " m=" + m;

                assertTrue(proof.verifies(leaf), at);
                assertTrue(proof.auditPath().size() <= maxPathLength, at);
                assertEquals(m, proof.leafIndex());
                assertEquals(n, proof.treeSize());
                assertFalse(proof.verifies(all.get(300)), "wrong leaf " + at);
                assertFalse(new InclusionProof((m + 1) % Math.max(n, 2), n, proof.auditPath(), proof.root())
                        .verifies(leaf), "wrong index " + at);
                assertFalse(new InclusionProof(m, n, proof.auditPath(), flipLastBit(proof.root())).verifies(leaf),
                        "wrong root " + at);
                if (!proof.auditPath().isEmpty()) {
                    List<String> tampered = new ArrayList<>(proof.auditPath());
                    int element = m % tampered.size();
                    tampered.set(element, flipLastBit(tampered.get(element)));
                    assertFalse(withPath(proof, tampered).verifies(leaf), "tampered path " + at);
                    assertFalse(withPath(proof, proof.auditPath().subList(0, proof.auditPath().size() - 1))
                            .verifies(leaf), "short path " + at);
                }
                List<String> extended = new ArrayList<>(proof.auditPath());
                extended.add(proof.root());
                assertFalse(withPath(proof, extended).verifies(leaf), "long path " + at);
            }
        }
    }

    @Test
    void rejectsIndexOutsideTheTreeAndMalformedHashes() {
        List<byte[]> leaves = MerkleTreeTest.leaves(4);
        InclusionProof proof = MerkleTree.of(leaves).proof(3);

        assertTrue(proof.verifies(leaves.get(3)));
        assertFalse(new InclusionProof(4, 4, proof.auditPath(), proof.root()).verifies(leaves.get(3)));
        assertFalse(new InclusionProof(-1, 4, proof.auditPath(), proof.root()).verifies(leaves.get(3)));
        assertFalse(new InclusionProof(0, 0, List.of(), proof.root()).verifies(leaves.get(3)));
        assertFalse(new InclusionProof(3, 4, proof.auditPath(), "not hex").verifies(leaves.get(3)));
        assertFalse(withPath(proof, List.of(proof.auditPath().get(0), "zz")).verifies(leaves.get(3)));
        assertFalse(proof.verifies(new byte[31]));
    }

    @Test
    void sizeOneTreeProvesItsOnlyLeafWithAnEmptyPath() {
        byte[] leaf = MerkleTreeTest.leaves(1).get(0);
        InclusionProof proof = MerkleTree.of(List.of(leaf)).proof(0);

        assertEquals(List.of(), proof.auditPath());
        assertEquals(Hashes.hex(leaf), proof.root());
        assertTrue(proof.verifies(leaf));
    }

    @Test
    void roundTripsThroughJsonWithTheSpecFieldNames() {
        List<byte[]> leaves = MerkleTreeTest.leaves(5);
        InclusionProof proof = MerkleTree.of(leaves).proof(2);

        String json = Json.writeString(proof.toJson());

        assertEquals("{\"leafIndex\":2,\"treeSize\":5,\"auditPath\":[\"" + String.join("\",\"", proof.auditPath())
                + "\"],\"root\":\"" + proof.root() + "\"}", json);
        InclusionProof read = InclusionProof.fromJson(Json.parse(json));
        assertEquals(proof, read);
        assertTrue(read.verifies(leaves.get(2)));
    }

    @Test
    void fromJsonRejectsOtherShapes() {
        String path = "\"auditPath\":[],\"root\":\"" + "ab".repeat(32) + "\"";
        for (String json : List.of("[]", "{\"treeSize\":1," + path + "}", "{\"leafIndex\":\"0\",\"treeSize\":1," + path + "}",
                "{\"leafIndex\":0.5,\"treeSize\":1," + path + "}", "{\"leafIndex\":0,\"treeSize\":1,\"auditPath\":[1],\"root\":\"ab\"}",
                "{\"leafIndex\":0,\"treeSize\":1,\"auditPath\":\"x\",\"root\":\"ab\"}", "{\"leafIndex\":0,\"treeSize\":1,\"auditPath\":[]}")) {
            assertThrows(IllegalArgumentException.class, () -> InclusionProof.fromJson(Json.parse(json)), json);
        }
    }
}
