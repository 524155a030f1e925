package dev.veriproof.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.MerkleTree;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * Session lines as an evidence package holds them (SessionLines: record, leaf hash, governance annotations, receipt,
 * proof, anchor) for {@link SessionGenerator}'s realistic sessions, anchored in batches, and a JSON-RPC node on loopback
 * that answers for those anchors the way the chain would: what the verifier benchmark and the export benchmark read.
 */
public final class AnchoredLines implements AutoCloseable {
    static final String CONTRACT = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    /** anvil's second well-known development key: signs manifests and "sends" the anchor transactions. */
    static final Credentials SIGNER = Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    private static final String ANCHORED_TOPIC = Hash.sha3String("Anchored(bytes32,uint256,bytes32)");

    private final Map<String, ObjectNode> receipts = new ConcurrentHashMap<>();
    private final Map<Long, Instant> blockTimes = new ConcurrentHashMap<>();
    /** By batch id, as anchors.json lists them. */
    final TreeMap<String, ObjectNode> anchors = new TreeMap<>();
    private final HttpServer node;

    public AnchoredLines() throws IOException {
        node = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        node.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "json-rpc");
            t.setDaemon(true);
            return t;
        }));
        node.createContext("/", exchange -> {
            JsonNode request = Json.parse(exchange.getRequestBody().readAllBytes());
            JsonNode params = request.get("params");
            ObjectNode response = Json.mapper().createObjectNode().put("jsonrpc", "2.0").put("id", request.get("id").asInt());
            switch (request.get("method").asText()) {
                case "eth_chainId" -> response.put("result", "0x7a69");
                case "eth_getTransactionReceipt" -> response.set("result", receipts.get(params.get(0).asText()));
                case "eth_getBlockByNumber" -> response.putObject("result").put("timestamp",
                        "0x" + Long.toHexString(blockTimes.get(Long.decode(params.get(0).asText())).getEpochSecond()));
                case "eth_getTransactionByHash" -> response.putObject("result").put("from", SIGNER.getAddress());
                default -> response.putObject("error").put("code", -32601).put("message", "unknown method");
            }
            byte[] body = Json.write(response);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        node.start();
    }

    String rpcUrl() {
        return "http://127.0.0.1:" + node.getAddress().getPort();
    }

    /** Generates {@code count} sessions of {@code size} bytes, anchors them in batches of {@code batchSize} and hands out their lines in order. */
    public void generate(long seed, int size, int count, int batchSize, Consumer<byte[]> lines) {
        SessionGenerator generator = new SessionGenerator(seed, size);
        Instant base = Instant.parse("2026-07-01T00:00:00Z");
        for (int first = 0, b = 0; first < count; first += batchSize, b++) {
            int n = Math.min(batchSize, count - first);
            List<byte[]> records = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                records.add(Canonical.jcs(Json.parse(generator.next("loan-7f3a", first + i, "loan-review"))));
            }
            MerkleTree tree = MerkleTree.of(records.stream().map(Hashes::leafHash).toList());
            String batchId = Hashes.hex(Hashes.sha256(("batch" + b).getBytes(StandardCharsets.UTF_8)));
            String txHash = "0x" + Hashes.hex(Hashes.sha256(("tx" + b).getBytes(StandardCharsets.UTF_8)));
            long block = 100 + b;
            Instant time = base.plusSeconds(300L * b);
            blockTimes.put(block, time);
            ObjectNode receipt = Json.mapper().createObjectNode().put("status", "0x1").put("blockNumber", "0x" + Long.toHexString(block));
            receipt.putArray("logs").addObject().put("address", CONTRACT)
                    .put("data", "0x" + Hashes.hex(tree.root()) + String.format("%064x", tree.size()) + batchId)
                    .putArray("topics").add(ANCHORED_TOPIC);
            receipts.put(txHash, receipt);
            Anchor anchor = new Anchor(31337, CONTRACT, txHash, block, time, batchId);
            ObjectNode listed = (ObjectNode) anchor.toJson();
            listed.put("root", Hashes.hex(tree.root()));
            listed.put("treeSize", tree.size());
            anchors.put(batchId, listed);
            for (int i = 0; i < n; i++) {
                JsonNode record = Json.parse(records.get(i));
                String leaf = Hashes.hex(Hashes.leafHash(records.get(i)));
                ObjectNode line = Json.mapper().createObjectNode();
                line.put("sessionId", record.get("sessionId").asText());
                line.put("applicationId", "loan-review");
                line.set("record", record);
                line.put("leafHash", leaf);
                ObjectNode governance = line.putObject("governance");
                governance.put("governanceScore", 40 + (first + i) % 60).put("band", "GOOD");
                governance.putObject("factors").put("grounding", 0.8).put("guardrails", 1.0).put("oversight", 0.5);
                line.putObject("receipt").put("receivedAt", time.minusSeconds(60).toString()).put("requestId", "req-" + (first + i))
                        .put("leafHash", leaf);
                line.set("proof", tree.proof(i).toJson());
                line.set("anchor", anchor.toJson());
                lines.accept(Json.write(line));
            }
        }
    }

    /** manifest.sig's content for the manifest's bytes: EIP-191, 0x-hex r ‖ s ‖ v. */
    static byte[] sign(byte[] message) {
        Sign.SignatureData s = Sign.signPrefixedMessage(message, SIGNER.getEcKeyPair());
        byte[] sig = new byte[65];
        System.arraycopy(s.getR(), 0, sig, 0, 32);
        System.arraycopy(s.getS(), 0, sig, 32, 32);
        sig[64] = s.getV()[0];
        return (Numeric.toHexString(sig) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        node.stop(0);
    }
}
