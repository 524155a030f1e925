package dev.veriproof.verifier;

import static dev.veriproof.verifier.TestKey.KEY;
import static dev.veriproof.verifier.TestKey.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.MerkleTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How often a package's anchors are looked up on chain, against a fake JSON-RPC node that serves
 * three anchored batches and counts the requests.
 */
class PackageVerifierAnchorsTest {
    private static final String CONTRACT = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    private static final int BATCHES = 3;
    private static final int SESSIONS_PER_BATCH = 4;

    @TempDir Path tmp;

    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> receipts = new ConcurrentHashMap<>();
    private final Map<Long, Instant> blockTimes = new ConcurrentHashMap<>();
    private HttpServer node;

    @BeforeEach
    void startNode() throws IOException {
        node = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        node.createContext("/", exchange -> {
            JsonNode request = Json.parse(exchange.getRequestBody().readAllBytes());
            String method = request.get("method").asText();
            requests.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
            JsonNode params = request.get("params");
            ObjectNode response = Json.mapper().createObjectNode().put("jsonrpc", "2.0").put("id", request.get("id").asInt());
            switch (method) {
                case "eth_chainId" -> response.put("result", "0x7a69");
                case "eth_getTransactionReceipt" -> response.set("result", receipts.get(params.get(0).asText()));
                case "eth_getBlockByNumber" -> response.putObject("result").put("timestamp",
                        "0x" + Long.toHexString(blockTimes.get(Long.decode(params.get(0).asText())).getEpochSecond()));
                case "eth_getTransactionByHash" -> response.putObject("result").put("from", KEY.getAddress());
                default -> response.putObject("error").put("code", -32601).put("message", "no " + method);
            }
            byte[] body = Json.write(response);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        node.start();
    }

    @AfterEach
    void stopNode() {
        node.stop(0);
    }

    @Test
    void eachAnchorIsCheckedOnChainOnceHoweverManySessionsShareIt() throws IOException {
        Path zip = interleavedPackage();
        assertEquals(0, verify(zip, PackageVerifier.REMEMBERED_ANCHORS));
        assertEquals(BATCHES, count("eth_getTransactionReceipt"));
        assertEquals(BATCHES, count("eth_getTransactionByHash"));
        assertEquals(1, count("eth_chainId"), "the node's chain is asked once");
    }

    @Test
    void aTransactionInAnotherBlockOrABlockOfAnotherTimeFailsEachOfItsBatchsSessions() throws IOException {
        Path zip = interleavedPackage();
        String tx1 = "0x" + Hashes.hex(Hashes.sha256("tx1".getBytes(StandardCharsets.UTF_8)));
        receipts.get(tx1).put("blockNumber", "0x3e7");
        blockTimes.put(999L, Instant.parse("2030-01-01T00:00:00Z"));
        blockTimes.put(12L, blockTimes.get(12L).plusSeconds(1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new PackageVerifier(new JsonRpc("http://127.0.0.1:" + node.getAddress().getPort()), Optional.of(CONTRACT),
                Optional.of(KEY.getAddress()), new PrintStream(out, true, StandardCharsets.UTF_8)).verify(zip);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, exit, text);
        for (int i = 0; i < SESSIONS_PER_BATCH; i++) {
            assertTrue(text.contains("FAIL session s-1-" + i + ": transaction " + tx1 + " is in block 999, the anchor names block 11"), text);
            assertTrue(text.contains("FAIL session s-1-" + i + ": block 999 has time 2030-01-01T00:00:00Z, the anchor names 2026-07-01T00:05:00Z"), text);
            assertTrue(text.contains("FAIL session s-2-" + i + ": block 12 has time 2026-07-01T00:10:01Z, the anchor names 2026-07-01T00:10:00Z"), text);
            assertFalse(text.contains("FAIL session s-0-" + i), text);
        }
    }

    @Test
    void anAnchorNoLongerRememberedIsCheckedAgainAndStillPasses() throws IOException {
        // batches a, b, c, a, b, c, ... with room for two: every session finds its anchor forgotten
        Path zip = interleavedPackage();
        assertEquals(0, verify(zip, 2));
        assertEquals(BATCHES * SESSIONS_PER_BATCH, count("eth_getTransactionReceipt"));
        assertEquals(BATCHES * SESSIONS_PER_BATCH, count("eth_getTransactionByHash"));
    }

    @Test
    void eachSessionsAnchorMustBeListedInTheSignedManifestAndEachListedAnchorUsed() throws IOException {
        String unused = "ff".repeat(32);
        Path zip = interleavedPackage(batchIds -> List.of(batchIds.get(1), batchIds.get(2), unused));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new PackageVerifier(new JsonRpc("http://127.0.0.1:" + node.getAddress().getPort()), Optional.of(CONTRACT),
                Optional.of(KEY.getAddress()), new PrintStream(out, true, StandardCharsets.UTF_8)).verify(zip);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, exit, text);
        for (int i = 0; i < SESSIONS_PER_BATCH; i++) {
            assertTrue(text.contains("FAIL session s-0-" + i + ": its anchor batch " + batchId(0) + " is not among the anchors manifest.json lists"), text);
            assertFalse(text.contains("FAIL session s-1-" + i), text);
        }
        assertTrue(text.contains("FAIL file manifest.json: lists anchor batch " + unused + " that no session of the package uses"), text);
        assertTrue(text.contains("PASS 1 file(s) match the manifest"), text);
    }

    @Test
    void aTamperedLineInTheMiddleOfABigPackageIsNamedAndEveryOtherSessionStillPasses() throws IOException {
        // 3,000 sessions: a dozen chunks for the workers, the tampered one and a line that is not JSON far from the first
        int perBatch = 1000;
        Path zip = interleavedPackage(ids -> ids, perBatch, lines -> {
            List<String> edited = new ArrayList<>(lines);
            edited.set(1500, edited.get(1500).replace("\"intent\":\"test\"", "\"intent\":\"tampered\""));
            edited.set(2200, "{not json");
            return edited;
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new PackageVerifier(new JsonRpc("http://127.0.0.1:" + node.getAddress().getPort()), Optional.of(CONTRACT),
                Optional.of(KEY.getAddress()), new PrintStream(out, true, StandardCharsets.UTF_8), PackageVerifier.REMEMBERED_ANCHORS, 4).verify(zip);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, exit, text);
        // line 1501 is session s-0-500 (batches take turns); the session file's hash no longer matches either
        assertTrue(text.contains("FAIL session s-0-500: record does not hash to the stated leafHash"), text);
        assertTrue(text.contains("FAIL session s-0-500: inclusion proof fails"), text);
        assertTrue(text.contains("FAIL file sessions/00001.jsonl line 2201: not JSON"), text);
        assertEquals(2, text.lines().filter(l -> l.startsWith("FAIL session") || l.contains(" line ")).map(l -> l.split(":")[0]).distinct().count(), text);
        assertTrue(text.indexOf("s-0-500") < text.indexOf("line 2201"), "failures come in the package's order: " + text);
        assertFalse(text.contains("FAIL file manifest.json: states"), text);
        assertEquals(BATCHES, count("eth_getTransactionReceipt"));
    }

    @Test
    void linesEndAtLineFeedsOnlyAndARecordWrittenInAnotherFormStillVerifies() throws IOException {
        Path zip = interleavedPackage(ids -> ids, SESSIONS_PER_BATCH, lines -> {
            List<String> edited = new ArrayList<>(lines);
            // a CR is whitespace to JSON: a reader that also ended lines at CR would cut this line in two (VERIFY.md §2)
            edited.set(0, edited.get(0).replace(",\"record\":", ",\r\"record\":") + "\r");
            // members unsorted and spaced: not canonical text, so canonicalized from its tree; the same leaf
            String unsorted = edited.get(1).replaceFirst("\"record\":\\{\"intent\":\"test\",(\"sessionId\":\"[^\"]+\")}",
                    "\"record\":{ $1, \"intent\": \"test\" }");
            assertTrue(unsorted.contains("{ \"sessionId\""), unsorted);
            edited.set(1, unsorted);
            return edited;
        });
        assertEquals(0, verify(zip, PackageVerifier.REMEMBERED_ANCHORS));
    }

    private int count(String method) {
        return requests.getOrDefault(method, new AtomicInteger()).get();
    }

    private int verify(Path zip, int rememberedAnchors) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new PackageVerifier(new JsonRpc("http://127.0.0.1:" + node.getAddress().getPort()), Optional.of(CONTRACT),
                Optional.of(KEY.getAddress()), new PrintStream(out, true, StandardCharsets.UTF_8), rememberedAnchors, 4).verify(zip);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("PASS " + BATCHES * SESSIONS_PER_BATCH + " session(s)"), text);
        return exit;
    }

    /** A signed package whose session lines take their batches in turn; the node holds the batches' anchors. */
    private Path interleavedPackage() throws IOException {
        return interleavedPackage(batchIds -> batchIds);
    }

    private static String batchId(int batch) {
        return Hashes.hex(Hashes.sha256(("batch" + batch).getBytes(StandardCharsets.UTF_8)));
    }

    /** As {@link #interleavedPackage()}, with the manifest listing the anchors {@code listed} chooses from the batch ids. */
    private Path interleavedPackage(UnaryOperator<List<String>> listed) throws IOException {
        return interleavedPackage(listed, SESSIONS_PER_BATCH, UnaryOperator.identity());
    }

    /** As {@link #interleavedPackage()}, with {@code perBatch} sessions per batch and the session file's lines passed through {@code edit}. */
    private Path interleavedPackage(UnaryOperator<List<String>> listed, int perBatch, UnaryOperator<List<String>> edit) throws IOException {
        List<String> batchIds = new ArrayList<>();
        List<List<String>> linesByBatch = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            List<byte[]> records = new ArrayList<>();
            for (int i = 0; i < perBatch; i++) {
                records.add(Canonical.jcs(Json.mapper().createObjectNode().put("sessionId", "s-" + b + "-" + i).put("intent", "test")));
            }
            MerkleTree tree = MerkleTree.of(records.stream().map(Hashes::leafHash).toList());
            String txHash = "0x" + Hashes.hex(Hashes.sha256(("tx" + b).getBytes(StandardCharsets.UTF_8)));
            String batchId = batchId(b);
            batchIds.add(batchId);
            long block = 10 + b;
            Instant time = Instant.parse("2026-07-01T00:00:00Z").plusSeconds(300L * b);
            blockTimes.put(block, time);
            ObjectNode receipt = Json.mapper().createObjectNode().put("status", "0x1").put("blockNumber", "0x" + Long.toHexString(block));
            receipt.putArray("logs").addObject().put("address", CONTRACT)
                    .put("data", "0x" + Hashes.hex(tree.root()) + String.format("%064x", tree.size()) + batchId)
                    .putArray("topics").add(SessionVerifier.ANCHORED_TOPIC);
            receipts.put(txHash, receipt);
            Anchor anchor = new Anchor(31337, CONTRACT, txHash, block, time, batchId);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < perBatch; i++) {
                ObjectNode line = Json.mapper().createObjectNode().put("sessionId", "s-" + b + "-" + i);
                line.set("record", Json.parse(records.get(i)));
                line.put("leafHash", Hashes.hex(Hashes.leafHash(records.get(i))));
                line.set("proof", tree.proof(i).toJson());
                line.set("anchor", anchor.toJson());
                lines.add(line.toString());
            }
            linesByBatch.add(lines);
        }
        List<String> all = new ArrayList<>();
        for (int i = 0; i < perBatch; i++) {
            for (List<String> batch : linesByBatch) all.add(batch.get(i));
        }
        StringBuilder sessions = new StringBuilder();
        for (String line : edit.apply(all)) sessions.append(line).append('\n');
        byte[] sessionFile = sessions.toString().getBytes(StandardCharsets.UTF_8);
        byte[] manifest = ("{\"files\":[{\"bytes\":" + sessionFile.length + ",\"path\":\"sessions/00001.jsonl\",\"sha256\":\""
                + Hashes.hex(Hashes.sha256(sessionFile)) + "\"}],\"anchors\":" + Json.mapper().valueToTree(listed.apply(batchIds)) + ",\"sessions\":" + BATCHES * perBatch
                + ",\"signerAddress\":\"" + KEY.getAddress() + "\"}").getBytes(StandardCharsets.UTF_8);
        Path path = tmp.resolve("package.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(path))) {
            for (var entry : Map.of("sessions/00001.jsonl", sessionFile, "manifest.json", manifest, "manifest.sig", sign(manifest)).entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return path;
    }

}
