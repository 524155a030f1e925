package dev.veriproof.verifier;

import static dev.veriproof.verifier.TestKey.KEY;
import static dev.veriproof.verifier.TestKey.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.hash.Hashes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code consistency older.zip newer.zip}: the newer package's tenant chain extends the older one's and shared sessions are identical. */
class ConsistencyCheckTest {
    @TempDir Path tmp;

    private static String h(String s) {
        return Hashes.hex(Hashes.sha256(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static String batch(int n) {
        return Completeness.FORMAT_2_PREFIX + String.format("%056x", n);
    }

    /** A header line of seq n, whose prev is the (made-up) leaf hash of header n-1. */
    private static String header(long seq, String role, String leaf, String prev) {
        return "{\"batchId\":\"" + batch((int) seq) + "\",\"role\":\"" + role + "\",\"header\":{\"type\":\"veriproof.tenant-batch\",\"tenant\":\"acme\","
                + "\"seq\":" + seq + ",\"prev\":\"" + (prev == null ? Completeness.NONE : prev) + "\",\"count\":1,\"auditHead\":{\"seq\":0,\"hash\":\""
                + "0".repeat(64) + "\"}},\"leafHash\":\"" + leaf + "\"}";
    }

    private static String session(String id, String record, int seq, int leaf) {
        return "{\"sessionId\":\"" + id + "\",\"leafHash\":\"" + h(record) + "\",\"anchor\":{\"batchId\":\"" + batch(seq) + "\"},\"proof\":{\"leafIndex\":" + leaf + "}}";
    }

    private Path zip(String name, String tenant, List<String> headers, List<String> sessions) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("tenant-batches.jsonl", (String.join("\n", headers) + "\n").getBytes(StandardCharsets.UTF_8));
        entries.put("sessions/00001.jsonl", (String.join("\n", sessions) + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] manifest = ("{\"tenantId\":\"" + tenant + "\",\"signerAddress\":\"" + KEY.getAddress() + "\"}").getBytes(StandardCharsets.UTF_8);
        entries.put("manifest.json", manifest);
        entries.put("manifest.sig", sign(manifest));
        return TestZip.write(tmp.resolve(name), entries);
    }

    private String run(Path older, Path newer, int expectedExit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {"consistency", older.toString(), newer.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, exit, text);
        return text;
    }

    // Q3: seq 1..2; Q4: seq 3..4 after predecessor seq 2. Leaf hashes of the headers: L1..L4.
    private static final String L1 = h("L1"), L2 = h("L2"), L3 = h("L3"), L4 = h("L4");

    private Path older() throws IOException {
        return zip("q3.zip", "acme", List.of(header(1, "period", L1, null), header(2, "period", L2, L1)),
                List.of(session("s1", "r1", 1, 1), session("s2", "r2", 2, 1)));
    }

    @Test
    void aLaterPackageThatContinuesTheChainAndSharesIdenticalSessionsIsConsistent() throws IOException {
        Path newer = zip("q4.zip", "acme", List.of(header(2, "predecessor", L2, L1), header(3, "period", L3, L2), header(4, "period", L4, L3)),
                List.of(session("s2", "r2", 2, 1), session("s3", "r3", 3, 1)));
        String out = run(older(), newer, 0);
        assertTrue(out.contains("PASS") && out.contains("1 session(s) in both are identical"), out);
    }

    @Test
    void aRewrittenHeaderAChangedSessionAndAChainThatDoesNotReachBackAreNamed() throws IOException {
        Path forked = zip("forked.zip", "acme", List.of(header(2, "predecessor", h("other"), L1), header(3, "period", L3, h("other"))),
                List.of(session("s2", "r2-edited", 2, 1)));
        String out = run(older(), forked, 1);
        assertTrue(out.contains("FAIL tenant batch seq 2: the packages show different headers"), out);
        assertTrue(out.contains("FAIL session s2: differs between the packages"), out);

        Path detached = zip("detached.zip", "acme", List.of(header(5, "predecessor", h("L5"), h("L4x")), header(6, "period", h("L6"), h("L5"))), List.of());
        assertTrue(run(older(), detached, 1).contains("does not reach back to the older one's last batch seq 2"));

        Path shorter = zip("shorter.zip", "acme", List.of(header(1, "period", L1, null)), List.of());
        assertTrue(run(older(), shorter, 1).contains("the newer package ends at seq 1, before the older one's last batch seq 2"));

        Path otherTenant = zip("other.zip", "globex", List.of(), List.of());
        assertTrue(run(older(), otherTenant, 1).contains("the older is tenant acme's, the newer tenant globex's"));
    }
}
