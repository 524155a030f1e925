package dev.veriproof.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's contract without a chain; the checks against a real chain run in the anchoring module's tests. */
class MainTest {
    @TempDir Path tmp;

    private record Run(int exit, String out, String err) {}

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run().exit());
        assertEquals(2, run("evidence.json").exit());
        assertTrue(run("evidence.json").err().contains("usage"));
        assertEquals(2, run("--rpc", "http://127.0.0.1:1").exit());
    }

    @Test
    void anUnreadableFileExitsTwo() throws IOException {
        Run missing = run(tmp.resolve("none.json").toString(), "--rpc", "http://127.0.0.1:1");
        assertEquals(2, missing.exit());
        Path garbage = Files.writeString(tmp.resolve("garbage.json"), "{not json");
        assertEquals(2, run(garbage.toString(), "--rpc", "http://127.0.0.1:1").exit());
    }

    @Test
    void malformedEvidenceAndAnUnreachableChainAreNamedFailures() throws IOException {
        Path noProof = Files.writeString(tmp.resolve("a.json"), "{\"sessionId\":\"s-1\",\"record\":{\"a\":1},\"anchor\":{}}");
        Run malformed = run(noProof.toString(), "--rpc", "http://127.0.0.1:1");
        assertEquals(1, malformed.exit());
        assertTrue(malformed.out().contains("FAIL session s-1: malformed evidence"), malformed.out());

        Path evidence = Files.writeString(tmp.resolve("b.json"), """
                {"sessionId":"s-2","record":{"a":1},"leafHash":"%s",
                 "proof":{"leafIndex":0,"treeSize":1,"auditPath":[],"root":"%s"},
                 "anchor":{"chainId":31337,"contract":"0x5fbdb2315678afecb367f032d93f642f64180aa3","txHash":"0x01",
                           "blockNumber":1,"blockTime":"2026-11-26T10:00:00Z","batchId":"%s"}}""".formatted("00".repeat(32), "11".repeat(32), "22".repeat(32)));
        Run unreachable = run(evidence.toString(), "--rpc", "http://127.0.0.1:" + closedPort());
        assertEquals(1, unreachable.exit());
        assertTrue(unreachable.out().contains("record does not hash to the stated leafHash"), unreachable.out());
        assertTrue(unreachable.out().contains("inclusion proof fails"), unreachable.out());
        assertTrue(unreachable.out().contains("chain not readable"), unreachable.out());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
