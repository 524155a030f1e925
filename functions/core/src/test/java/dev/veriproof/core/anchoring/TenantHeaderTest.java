package dev.veriproof.core.anchoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TenantHeaderTest {
    private static final String ZEROS = "0".repeat(64);

    @Test
    void theLeafHashIsSha256OfZeroThenTheJcsOfTheHeaderWithKeysInOrder() throws Exception {
        TenantHeader header = new TenantHeader("acme", 2, "ab".repeat(32), 3, 7, "cd".repeat(32));
        String jcs = "{\"auditHead\":{\"hash\":\"" + "cd".repeat(32) + "\",\"seq\":7},\"count\":3,\"prev\":\"" + "ab".repeat(32)
                + "\",\"seq\":2,\"tenant\":\"acme\",\"type\":\"veriproof.tenant-batch\"}";
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update((byte) 0);
        assertArrayEquals(sha256.digest(jcs.getBytes(StandardCharsets.UTF_8)), header.leafHash());
        assertEquals(header, TenantHeader.fromJson(Json.parse(jcs)));
    }

    @Test
    void aTenantsFirstHeaderLinksTo64ZerosAndEachNextToThePreviousHeadersLeafHash() {
        TenantHeader first = TenantHeader.next("acme", TenantHeader.ChainHead.NONE, 2, 0, ZEROS);
        assertEquals(1, first.seq());
        assertEquals(ZEROS, first.prev());
        TenantHeader second = TenantHeader.next("acme", new TenantHeader.ChainHead(1, Hashes.hex(first.leafHash())), 5, 4, "ef".repeat(32));
        assertEquals(2, second.seq());
        assertEquals(Hashes.hex(first.leafHash()), second.prev());
    }

    @Test
    void aHeaderWithoutSessionsOrWithAMalformedHashIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TenantHeader("acme", 1, ZEROS, 0, 0, ZEROS));
        assertThrows(IllegalArgumentException.class, () -> new TenantHeader("acme", 0, ZEROS, 1, 0, ZEROS));
        assertThrows(IllegalArgumentException.class, () -> new TenantHeader("acme", 1, "xyz", 1, 0, ZEROS));
        assertThrows(IllegalArgumentException.class, () -> TenantHeader.fromJson(Json.parse("{\"type\":\"other\"}")));
    }

    @Test
    void aFormat2BatchPutsEachHeaderBeforeItsTenantsSessions_everyLeafHasAPlainInclusionProof() {
        PendingLeaf a1 = leaf("acme", "1");
        PendingLeaf a2 = leaf("acme", "2");
        PendingLeaf d1 = leaf("demo", "1");
        TenantHeader acme = new TenantHeader("acme", 1, ZEROS, 2, 0, ZEROS);
        TenantHeader demo = new TenantHeader("demo", 4, "11".repeat(32), 1, 9, "22".repeat(32));
        List<byte[]> leaves = List.of(acme.leafHash(), Hashes.fromHex(a1.leafHash()), Hashes.fromHex(a2.leafHash()), demo.leafHash(),
                Hashes.fromHex(d1.leafHash()));
        String root = Hashes.hex(MerkleTree.of(leaves).root());
        AnchorBatch batch = new AnchorBatch("id", AnchorBatch.TENANT_HEADERS, root, List.of(a1, a2, d1), List.of(acme, demo),
                Instant.EPOCH, 0, "0x", "0x", 0);

        assertEquals(5, batch.treeSize());
        assertArrayEquals(new int[] {1, 2, 4}, batch.sessionIndexes());
        assertArrayEquals(new int[] {0, 3}, batch.headerIndexes());
        MerkleTree tree = batch.tree();
        for (int i = 0; i < 5; i++) assertEquals(true, tree.proof(i).verifies(leaves.get(i)));
        assertThrows(IllegalArgumentException.class, () -> new AnchorBatch("id", AnchorBatch.TENANT_HEADERS, root, List.of(a1, d1, a2),
                List.of(acme, demo), Instant.EPOCH, 0, "0x", "0x", 0), "sessions not grouped as the headers say");
        assertThrows(IllegalArgumentException.class, () -> new AnchorBatch("id", AnchorBatch.SESSIONS_ONLY, root, List.of(a1),
                List.of(acme), Instant.EPOCH, 0, "0x", "0x", 0), "format 1 has no headers");
    }

    private static PendingLeaf leaf(String tenant, String id) {
        return new PendingLeaf(tenant, id, Hashes.hex(Hashes.leafHash((tenant + id).getBytes(StandardCharsets.UTF_8))));
    }
}
