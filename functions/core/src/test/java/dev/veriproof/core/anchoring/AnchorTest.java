package dev.veriproof.core.anchoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnchorTest {
    private static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void anchorRoundTripsThroughJson() {
        Anchor anchor = new Anchor(31337, "0xabc", "0xdef", 12, AT, "ff".repeat(32));
        assertEquals(anchor, Anchor.fromJson(anchor.toJson()));
    }

    @Test
    void anchorJsonNamesTheBadField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Anchor.fromJson(Json.parse("{\"chainId\":\"x\",\"contract\":\"0x\",\"txHash\":\"0x\",\"blockNumber\":1,\"blockTime\":\"2026-11-26T10:00:00Z\",\"batchId\":\"b\"}")));
        assertTrue(e.getMessage().contains("anchor.chainId"));
        assertThrows(IllegalArgumentException.class,
                () -> Anchor.fromJson(Json.parse("{\"chainId\":1,\"contract\":\"0x\",\"txHash\":\"0x\",\"blockNumber\":1,\"blockTime\":\"yesterday\",\"batchId\":\"b\"}")));
    }

    @Test
    void batchIdIsDeterministicAndDependsOnRootAndTime() {
        byte[] root = Hashes.sha256(new byte[] {1});
        for (int format : new int[] {AnchorBatch.SESSIONS_ONLY, AnchorBatch.TENANT_HEADERS}) {
            assertEquals(AnchorBatch.batchIdFor(format, root, AT), AnchorBatch.batchIdFor(format, root, AT));
            assertNotEquals(AnchorBatch.batchIdFor(format, root, AT), AnchorBatch.batchIdFor(format, root, AT.plusSeconds(1)));
            assertNotEquals(AnchorBatch.batchIdFor(format, root, AT), AnchorBatch.batchIdFor(format, Hashes.sha256(new byte[] {2}), AT));
            assertTrue(Hashes.isSha256Hex(AnchorBatch.batchIdFor(format, root, AT)), "a bytes32 on chain");
        }
        // the format is readable from the id alone, which the chain carries
        assertTrue(AnchorBatch.isFormat2Id(AnchorBatch.batchIdFor(AnchorBatch.TENANT_HEADERS, root, AT)));
        assertTrue(AnchorBatch.isFormat2Id("0x" + AnchorBatch.batchIdFor(AnchorBatch.TENANT_HEADERS, root, AT)));
        assertFalse(AnchorBatch.isFormat2Id(AnchorBatch.batchIdFor(AnchorBatch.SESSIONS_ONLY, root, AT)));
    }

    @Test
    void aBatchWhoseLeavesDoNotGiveItsRootIsRefused() {
        PendingLeaf leaf = new PendingLeaf("t", "1", Hashes.hex(Hashes.leafHash(new byte[] {1})));
        AnchorBatch batch = new AnchorBatch("id", AnchorBatch.SESSIONS_ONLY, "00".repeat(32), List.of(leaf), List.of(), AT, 0, "0x", "0x", 0);
        assertThrows(IllegalStateException.class, batch::tree);
        AnchorBatch good = new AnchorBatch("id", AnchorBatch.SESSIONS_ONLY, leaf.leafHash(), List.of(leaf), List.of(), AT, 0, "0x", "0x", 0);
        assertEquals(1, good.tree().size());
    }

    @Test
    void aPendingLeafNeedsAHashHex() {
        assertThrows(IllegalArgumentException.class, () -> new PendingLeaf("t", "s", "nothex"));
    }
}
