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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole-package checks that need no chain (a package without sessions); with sessions they run in the evidence module's tests. */
class PackageVerifierTest {

    @TempDir Path tmp;

    private String run(Path zip, int expectedExit, String... extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] args = new String[2 + 1 + extra.length];
        args[0] = zip.toString();
        args[1] = "--rpc";
        args[2] = "http://127.0.0.1:1";
        System.arraycopy(extra, 0, args, 3, extra.length);
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, exit, text);
        return text;
    }

    private Path zip(String name, Map<String, byte[]> entries) throws IOException {
        return TestZip.write(tmp.resolve(name), entries);
    }

    private static byte[] manifest(String signer, byte[] scorecard) {
        return ("{\"files\":[{\"bytes\":" + scorecard.length + ",\"path\":\"scorecard.json\",\"sha256\":\"" + Hashes.hex(Hashes.sha256(scorecard))
                + "\"}],\"sessions\":0,\"signerAddress\":\"" + signer + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSignedPackageWhoseFilesMatchPasses() throws IOException {
        byte[] scorecard = "{\"controls\":[]}".getBytes(StandardCharsets.UTF_8);
        byte[] manifest = manifest(KEY.getAddress(), scorecard);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("scorecard.json", scorecard);
        entries.put("manifest.json", manifest);
        entries.put("manifest.sig", sign(manifest));
        String out = run(zip("ok.zip", entries), 0, "--signer", KEY.getAddress());
        assertTrue(out.contains("PASS manifest signature"), out);
        assertTrue(out.contains("verified: package with 1 file(s) and 0 session(s)"), out);
        assertTrue(run(zip("ok2.zip", entries), 1, "--signer", "0x" + "11".repeat(20)).contains("not the deployment's"));
    }

    @Test
    void everyProblemIsNamedByFile() throws IOException {
        byte[] scorecard = "{\"controls\":[]}".getBytes(StandardCharsets.UTF_8);
        byte[] manifest = manifest(KEY.getAddress(), scorecard);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("scorecard.json", "{\"controls\":[1]}".getBytes(StandardCharsets.UTF_8));
        entries.put("extra.txt", new byte[] {1});
        entries.put("manifest.json", manifest);
        entries.put("manifest.sig", sign("another message".getBytes(StandardCharsets.UTF_8)));
        String out = run(zip("bad.zip", entries), 1);
        assertTrue(out.contains("FAIL file manifest.sig: signed by"), out);
        assertTrue(out.contains("FAIL file scorecard.json: SHA-256"), out);
        assertTrue(out.contains("FAIL file extra.txt: in the package but not listed"), out);

        Map<String, byte[]> unsigned = new LinkedHashMap<>();
        unsigned.put("scorecard.json", scorecard);
        assertTrue(run(zip("unsigned.zip", unsigned), 1).contains("FAIL file manifest.json: missing from the package"));
    }
}
