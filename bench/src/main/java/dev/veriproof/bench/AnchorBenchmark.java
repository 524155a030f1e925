package dev.veriproof.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalChain;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gas of one anchor as the batch grows: Anchor.sol (as compiled by the build) on the local chain,
 * {@code anchor(root, treeSize, batchId)} for tree sizes from 1 to 2^40. The call stores nothing
 * and emits one event, so only the calldata bytes of {@code treeSize} may vary (a few gas).
 * <pre>
 * mvn -q -pl bench -am -DskipTests install && mvn -q -pl infrastructure/contracts install && mvn -q -pl bench -Panchor-bench exec:exec
 * </pre>
 * Uses the node's unlocked development account through raw JSON-RPC, so the bench module needs no web3j.
 */
public final class AnchorBenchmark {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AnchorBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path bin = CloudFormationTemplate.locate().getParent().resolve("infrastructure/contracts/target/classes/dev/veriproof/contracts/Anchor.bin");
        String bytecode = "0x" + Files.readString(bin).trim();
        try (LocalChain chain = LocalChain.start()) {
            String rpc = chain.rpcUrl();
            JsonNode deployed = receipt(rpc, send(rpc, null, bytecode));
            String contract = deployed.get("contractAddress").asText();
            System.out.printf("== Anchor gas benchmark: Anchor.sol at %s on a local chain (deployment: %,d gas)%n",
                    contract, quantity(deployed.get("gasUsed")));
            String selector = call(rpc, "web3_sha3", "0x" + Hashes.hex("anchor(bytes32,uint256,bytes32)".getBytes(StandardCharsets.US_ASCII)))
                    .asText().substring(0, 10);
            long first = -1;
            for (long treeSize : new long[] {1, 2, 1_000, 10_000, 1_000_000, 1L << 40}) {
                byte[] root = Hashes.sha256(("root" + treeSize).getBytes(StandardCharsets.UTF_8));
                byte[] batchId = Hashes.sha256(("batch" + treeSize).getBytes(StandardCharsets.UTF_8));
                String data = selector + Hashes.hex(root) + String.format("%064x", treeSize) + Hashes.hex(batchId);
                long gas = quantity(receipt(rpc, send(rpc, contract, data)).get("gasUsed"));
                if (first < 0) first = gas;
                System.out.printf("anchor of a %,d-leaf tree: %,d gas (%+d against 1 leaf)%n", treeSize, gas, gas - first);
            }
            System.out.println("gas per anchor does not grow with the batch: the difference is the non-zero calldata bytes of treeSize");
        }
    }

    private static String send(String rpc, String to, String data) throws Exception {
        ObjectNode tx = Json.mapper().createObjectNode();
        tx.put("from", LocalChain.DEV_ADDRESS);
        if (to != null) tx.put("to", to);
        tx.put("data", data);
        return call(rpc, "eth_sendTransaction", tx).asText();
    }

    private static JsonNode receipt(String rpc, String txHash) throws Exception {
        for (int i = 0; i < 100; i++) {
            JsonNode receipt = call(rpc, "eth_getTransactionReceipt", txHash);
            if (receipt != null && !receipt.isNull()) {
                if (!"0x1".equals(receipt.get("status").asText())) throw new IllegalStateException("transaction " + txHash + " reverted");
                return receipt;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no receipt for " + txHash);
    }

    private static long quantity(JsonNode hex) {
        return new BigInteger(hex.asText().substring(2), 16).longValueExact();
    }

    private static JsonNode call(String rpc, String method, Object... params) throws Exception {
        ObjectNode request = Json.mapper().createObjectNode();
        request.put("jsonrpc", "2.0");
        request.put("id", 1);
        request.put("method", method);
        ArrayNode array = request.putArray("params");
        for (Object param : params) array.add(Json.mapper().valueToTree(param));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(rpc)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = Json.parse(response.body());
        if (body.hasNonNull("error")) throw new IllegalStateException(method + ": " + body.get("error"));
        return body.get("result");
    }
}
