package dev.veriproof.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.SignedReceipts;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.signing.Signer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/** {@code verifier.jar receipts}: every receipt signed by the package's signer, every receipted session in the package and anchored. */
class ReceiptsCheckTest {
    @TempDir
    Path dir;

    private static Signer signer(Credentials key) {
        return new Signer() {
            @Override public String address() { return Keys.toChecksumAddress(key.getAddress()); }
            @Override public String signPersonalMessage(byte[] message) {
                Sign.SignatureData s = Sign.signPrefixedMessage(message, key.getEcKeyPair());
                byte[] sig = new byte[65];
                System.arraycopy(s.getR(), 0, sig, 0, 32);
                System.arraycopy(s.getS(), 0, sig, 32, 32);
                sig[64] = s.getV()[0];
                return Numeric.toHexString(sig);
            }
        };
    }

    private static ObjectNode record(String id) {
        return (ObjectNode) Json.parse("{\"sessionId\":\"" + id + "\",\"applicationId\":\"app\",\"startedAt\":\"2026-11-20T10:00:00Z\"}");
    }

    private static String leafHash(String id) {
        return Hashes.hex(Hashes.leafHash(Canonical.jcs(record(id))));
    }

    /** Receipts of the sessions, as ingest answers a batch of them: one signature. */
    private Path receipts(String tenant, Signer signer, String... ids) throws Exception {
        List<SignedReceipts.Binding> bindings = new ArrayList<>();
        for (String id : ids) bindings.add(new SignedReceipts.Binding(tenant, id, leafHash(id), "2026-11-20T10:00:01Z"));
        List<ObjectNode> signatures = SignedReceipts.sign(bindings, signer);
        ArrayNode results = Json.mapper().createArrayNode();
        for (int i = 0; i < ids.length; i++) {
            ObjectNode r = results.addObject();
            r.put("sessionId", ids[i]).put("status", "stored").put("leafHash", bindings.get(i).leafHash()).put("receivedAt", bindings.get(i).receivedAt());
            r.set("signature", signatures.get(i));
        }
        results.addObject().put("sessionId", "rejected-one").put("status", "rejected");
        ObjectNode answer = Json.mapper().createObjectNode();
        answer.set("results", results);
        return Files.writeString(dir.resolve("receipts-" + ids.length + "-" + System.nanoTime() + ".json"), answer.toString());
    }

    /** A package of tenant t1 signed by TestKey: the sessions anchored (a one-leaf proof each) unless named unanchored. */
    private Path pack(List<String> anchored, List<String> unanchored) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (String id : anchored) {
            String leaf = leafHash(id);
            lines.append("{\"sessionId\":\"").append(id).append("\",\"record\":").append(new String(Canonical.jcs(record(id)), StandardCharsets.UTF_8))
                    .append(",\"leafHash\":\"").append(leaf).append("\",\"proof\":{\"leafIndex\":0,\"treeSize\":1,\"auditPath\":[],\"root\":\"")
                    .append(leaf).append("\"},\"anchor\":{\"batchId\":\"b1\"}}\n");
        }
        for (String id : unanchored) {
            lines.append("{\"sessionId\":\"").append(id).append("\",\"record\":").append(new String(Canonical.jcs(record(id)), StandardCharsets.UTF_8))
                    .append(",\"leafHash\":\"").append(leafHash(id)).append("\",\"proof\":null,\"anchor\":null}\n");
        }
        byte[] manifest = ("{\"tenantId\":\"t1\",\"signerAddress\":\"" + Keys.toChecksumAddress(TestKey.KEY.getAddress())
                + "\",\"files\":[{\"path\":\"sessions/2026-11-20.jsonl\"}]}").getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("manifest.json", manifest);
        entries.put("manifest.sig", TestKey.sign(manifest));
        entries.put("sessions/2026-11-20.jsonl", lines.toString().getBytes(StandardCharsets.UTF_8));
        return TestZip.write(dir.resolve("evidence-" + System.nanoTime() + ".zip"), entries);
    }

    private static String run(int expectedExit, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int exit = Main.run(args, print, print);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, exit, printed);
        return printed;
    }

    @Test
    void genuineReceiptsOfAnchoredSessionsInThePackagePass() throws Exception {
        String out = run(0, "receipts", receipts("t1", signer(TestKey.KEY), "a", "b").toString(), pack(List.of("a", "b", "c"), List.of()).toString());
        assertTrue(out.contains("PASS receipt a") && out.contains("PASS receipt b"), out);
        assertTrue(out.contains("receipts: 2 receipt(s), all signed, present and anchored"), out);
    }

    @Test
    void aReceiptedSessionMissingFromThePackageOrUnanchoredIsNamed() throws Exception {
        String out = run(1, "receipts", receipts("t1", signer(TestKey.KEY), "a", "gone", "late").toString(), pack(List.of("a"), List.of("late")).toString());
        assertTrue(out.contains("PASS receipt a"), out);
        assertTrue(out.contains("FAIL receipt gone: receipted but not in the package"), out);
        assertTrue(out.contains("FAIL receipt late: receipted but not anchored"), out);
    }

    @Test
    void receiptsSignedByAnotherKeyOrOfAnotherTenantOrAlteredFail() throws Exception {
        Path zip = pack(List.of("a"), List.of());
        String out = run(1, "receipts", receipts("t1", signer(Credentials.create("0x" + "22".repeat(32))), "a").toString(), zip.toString());
        assertTrue(out.contains("FAIL receipt a: signed by 0x"), out);
        out = run(1, "receipts", receipts("t2", signer(TestKey.KEY), "a").toString(), zip.toString());
        assertTrue(out.contains("FAIL receipt a: is a receipt of tenant t2; the package is tenant t1's"), out);
        String altered = Files.readString(receipts("t1", signer(TestKey.KEY), "a")).replace("2026-11-20T10:00:01Z", "2026-11-20T10:00:02Z");
        out = run(1, "receipts", Files.writeString(dir.resolve("altered.json"), altered).toString(), zip.toString());
        assertTrue(out.contains("FAIL receipt a: (tenantId, sessionId, leafHash, receivedAt) is not what was signed"), out);
        assertFalse(out.contains("PASS receipt a"), out);
    }

    @Test
    void badUsageAndUnreadableFilesExitTwo() throws Exception {
        run(2, "receipts");
        run(2, "receipts", "x.json", "--api", "http://127.0.0.1:1");
        assertTrue(run(2, "receipts", dir.resolve("missing.json").toString(), pack(List.of(), List.of()).toString()).contains("cannot read"));
    }
}
