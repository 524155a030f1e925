package dev.veriproof.core.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.signing.Signer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignedReceiptsTest {
    /** Stands in for the deployment's key: "signs" by hashing, and counts its signing operations. */
    private static final class CountingSigner implements Signer {
        final List<byte[]> signed = new ArrayList<>();

        @Override
        public String address() {
            return "0x00000000000000000000000000000000000000aa";
        }

        @Override
        public String signPersonalMessage(byte[] message) {
            signed.add(message);
            return "0x" + Hashes.hex(Hashes.sha256(message));
        }
    }

    private static ObjectNode receipt(SignedReceipts.Binding b, ObjectNode signature) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("sessionId", b.sessionId());
        r.put("status", "stored");
        r.put("leafHash", b.leafHash());
        r.put("receivedAt", b.receivedAt());
        r.set("signature", signature);
        return r;
    }

    private static List<SignedReceipts.Binding> bindings(int n) {
        List<SignedReceipts.Binding> list = new ArrayList<>();
        for (int i = 0; i < n; i++) list.add(new SignedReceipts.Binding("acme", "s-" + i, String.format("%064x", i + 1), "2026-11-30T07:00:00.12345" + i + "Z"));
        return list;
    }

    @Test
    void oneSigningOperationCoversEveryReceiptAndEachChecksOnItsOwn() {
        for (int n : new int[] {1, 2, 3, 7, 100}) {
            CountingSigner signer = new CountingSigner();
            List<SignedReceipts.Binding> bindings = bindings(n);
            List<ObjectNode> signatures = SignedReceipts.sign(bindings, signer);
            assertEquals(1, signer.signed.size(), "one signature for " + n + " receipts");
            for (int i = 0; i < n; i++) {
                SignedReceipts.Checked checked = SignedReceipts.check(receipt(bindings.get(i), signatures.get(i)));
                assertFalse(checked.failed(), checked.failure());
                assertArrayEquals(signer.signed.get(0), checked.statement(), "the statement a receipt leads to is the one signed");
                assertEquals(bindings.get(i), checked.binding());
                assertEquals(signer.address(), checked.claimedSigner());
            }
        }
    }

    @Test
    void theSignedStatementIsTheCanonicalJsonOfTheRootAndSize() {
        CountingSigner signer = new CountingSigner();
        SignedReceipts.Binding only = bindings(1).get(0);
        SignedReceipts.sign(List.of(only), signer);
        String root = Hashes.hex(only.leaf());
        assertEquals("{\"root\":\"" + root + "\",\"treeSize\":1,\"type\":\"veriproof.receipts\"}", new String(signer.signed.get(0), StandardCharsets.UTF_8));
        assertEquals(Hashes.hex(Hashes.leafHash(("{\"leafHash\":\"" + only.leafHash() + "\",\"receivedAt\":\"" + only.receivedAt()
                + "\",\"sessionId\":\"s-0\",\"tenantId\":\"acme\",\"type\":\"veriproof.receipt\"}").getBytes(StandardCharsets.UTF_8))), root);
    }

    @Test
    void changingAnyBoundFieldBreaksTheReceipt() {
        List<SignedReceipts.Binding> bindings = bindings(3);
        List<ObjectNode> signatures = SignedReceipts.sign(bindings, new CountingSigner());
        ObjectNode genuine = receipt(bindings.get(1), signatures.get(1));
        List<ObjectNode> tampered = new ArrayList<>();
        for (String field : List.of("sessionId", "leafHash", "receivedAt")) {
            ObjectNode t = genuine.deepCopy();
            t.put(field, field.equals("leafHash") ? String.format("%064x", 99) : t.get(field).asText() + "x");
            tampered.add(t);
        }
        ObjectNode otherTenant = genuine.deepCopy();
        ((ObjectNode) otherTenant.get("signature")).put("tenantId", "globex");
        tampered.add(otherTenant);
        ObjectNode otherIndex = genuine.deepCopy();
        ((ObjectNode) otherIndex.get("signature")).put("leafIndex", 0);
        tampered.add(otherIndex);
        for (ObjectNode t : tampered) {
            SignedReceipts.Checked checked = SignedReceipts.check(t);
            assertTrue(checked.failed(), "caught: " + t);
        }
        ObjectNode unsigned = genuine.deepCopy();
        unsigned.remove("signature");
        assertEquals("carries no signature", SignedReceipts.check(unsigned).failure());
    }
}
