package dev.veriproof.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.merkle.InclusionProof;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.web3j.crypto.Hash;

/**
 * Checks one session's evidence {@code {sessionId?, record, leafHash?, proof, anchor}}: record →
 * RFC 8785 canonical bytes → leaf hash → audit path → root, then the root's {@code Anchored}
 * event in the anchor's transaction, block and contract on the chain. Every failure is named.
 */
final class SessionVerifier {
    static final String ANCHORED_TOPIC = Hash.sha3String("Anchored(bytes32,uint256,bytes32)");

    private static final ThreadLocal<MessageDigest> LEAF_DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final ThreadLocal<ProofWalk> PROOF_WALKS = ThreadLocal.withInitial(ProofWalk::new);

    private final JsonRpc rpc;
    private final java.util.Optional<String> expectedContract;
    private volatile Long chainId;
    private final Memo<JsonNode, Anchor> anchors = new Memo<>(PackageVerifier.REMEMBERED_ANCHORS);

    SessionVerifier(JsonRpc rpc, java.util.Optional<String> expectedContract) {
        this.rpc = rpc;
        this.expectedContract = expectedContract;
    }

    /** The failures; empty when the evidence holds. */
    List<String> verify(JsonNode evidence) {
        return verify(evidence, null);
    }

    /** What one on-chain check covers: every session of a batch shares it. */
    record ChainKey(Anchor anchor, String root, long treeSize) {}

    /**
     * As {@link #verify(JsonNode)}; with {@code chainChecks}, the outcome of the on-chain check of an
     * (anchor, root, tree size) found there is reused instead of asking the node again.
     */
    List<String> verify(JsonNode evidence, Memo<ChainKey, List<String>> chainChecks) {
        List<String> failures = new ArrayList<>();
        JsonNode record = evidence.get("record");
        if (record == null || !(record.isObject() || record.isTextual())) {
            failures.add("no record (a JSON object, or its canonical text)");
            return failures;
        }
        byte[] canonical = Canonical.jcs(record.isTextual() ? dev.veriproof.core.json.Json.parse(record.textValue()) : record);
        return verifyLeaf(Hashes.leafHash(canonical), evidence, chainChecks);
    }

    /**
     * As {@link #verify(JsonNode, Memo)} for a record already in canonical form, {@code bytes[from, to)}: its leaf hash is
     * taken from those bytes; {@code evidence}'s own {@code record} is not read.
     */
    List<String> verifyCanonical(byte[] bytes, int from, int to, JsonNode evidence, Memo<ChainKey, List<String>> chainChecks) {
        MessageDigest digest = LEAF_DIGEST.get();
        digest.update((byte) 0x00);
        digest.update(bytes, from, to - from);
        return verifyLeaf(digest.digest(), evidence, chainChecks);
    }

    private List<String> verifyLeaf(byte[] leaf, JsonNode evidence, Memo<ChainKey, List<String>> chainChecks) {
        List<String> failures = new ArrayList<>();
        JsonNode claimedLeaf = evidence.get("leafHash");
        if (claimedLeaf != null && !Hashes.hex(leaf).equalsIgnoreCase(claimedLeaf.asText())) {
            failures.add("record does not hash to the stated leafHash " + claimedLeaf.asText() + " (it hashes to " + Hashes.hex(leaf) + ")");
        }
        InclusionProof proof;
        Anchor anchor;
        try {
            proof = InclusionProof.fromJson(evidence.get("proof"));
            JsonNode anchorJson = evidence.get("anchor");
            // the sessions of a batch carry the same anchor: it is read once (an unreadable one is not remembered)
            anchor = anchorJson == null || !anchorJson.isObject() ? Anchor.fromJson(anchorJson) : anchors.get(anchorJson, () -> Anchor.fromJson(anchorJson));
        } catch (IllegalArgumentException e) {
            failures.add("malformed evidence: " + e.getMessage());
            return failures;
        }
        expectedContract.filter(c -> !c.equalsIgnoreCase(anchor.contract())).ifPresent(c ->
                failures.add("the anchor names contract " + anchor.contract() + ", not the deployment's " + c));
        if (!PROOF_WALKS.get().verifies(proof, leaf)) {
            failures.add("inclusion proof fails: the record's leaf hash " + Hashes.hex(leaf) + " at index " + proof.leafIndex()
                    + " of " + proof.treeSize() + " does not lead to root " + proof.root());
        }
        if (chainChecks == null) {
            failures.addAll(chainFailures(proof, anchor));
        } else {
            failures.addAll(chainChecks.get(new ChainKey(anchor, proof.root(), proof.treeSize()), () -> chainFailures(proof, anchor)));
        }
        return failures;
    }

    /** The chain the node serves: asked once (a failed answer is asked again next time). */
    private long chainId() throws IOException {
        Long known = chainId;
        if (known != null) return known;
        long answer = quantity(rpc.call("eth_chainId")).longValueExact();
        chainId = answer;
        return answer;
    }

    private List<String> chainFailures(InclusionProof proof, Anchor anchor) {
        List<String> failures = new ArrayList<>();
        try {
            checkChain(proof, anchor, failures);
        } catch (IOException e) {
            failures.add("chain not readable: " + e.getMessage());
        }
        return failures;
    }

    private void checkChain(InclusionProof proof, Anchor anchor, List<String> failures) throws IOException {
        // the receipt and the anchor's block are asked for together; the node's chain is asked once
        java.util.concurrent.CompletableFuture<JsonNode> receiptAnswer = rpc.callAsync("eth_getTransactionReceipt", anchor.txHash());
        java.util.concurrent.CompletableFuture<JsonNode> anchorBlock = rpc.callAsync("eth_getBlockByNumber", "0x" + Long.toHexString(anchor.blockNumber()), false);
        long chainId = chainId();
        if (chainId != anchor.chainId()) failures.add("the node serves chain " + chainId + ", the anchor names chain " + anchor.chainId());
        JsonNode receipt = JsonRpc.await(receiptAnswer);
        if (receipt == null) {
            failures.add("transaction " + anchor.txHash() + " not found on chain");
            return;
        }
        if (!"0x1".equals(receipt.path("status").asText())) failures.add("transaction " + anchor.txHash() + " reverted");
        long block = quantity(receipt.get("blockNumber")).longValueExact();
        if (block != anchor.blockNumber()) {
            failures.add("transaction " + anchor.txHash() + " is in block " + block + ", the anchor names block " + anchor.blockNumber());
        }
        JsonNode blockNode = block == anchor.blockNumber() ? JsonRpc.await(anchorBlock) : rpc.call("eth_getBlockByNumber", "0x" + Long.toHexString(block), false);
        if (blockNode != null) {
            Instant time = Instant.ofEpochSecond(quantity(blockNode.get("timestamp")).longValueExact());
            if (!time.equals(anchor.blockTime())) failures.add("block " + block + " has time " + time + ", the anchor names " + anchor.blockTime());
        }
        boolean found = false;
        for (JsonNode log : receipt.path("logs")) {
            if (!log.path("address").asText().equalsIgnoreCase(anchor.contract())) continue;
            JsonNode topics = log.path("topics");
            if (topics.isEmpty() || !topics.get(0).asText().equalsIgnoreCase(ANCHORED_TOPIC)) continue;
            byte[] data = Hashes.fromHex(log.path("data").asText());
            if (data.length != 96) continue;
            String root = Hashes.hex(java.util.Arrays.copyOfRange(data, 0, 32));
            BigInteger size = new BigInteger(1, java.util.Arrays.copyOfRange(data, 32, 64));
            String batchId = Hashes.hex(java.util.Arrays.copyOfRange(data, 64, 96));
            found = true;
            if (!root.equalsIgnoreCase(proof.root())) failures.add("the Anchored event carries root " + root + ", the proof's root is " + proof.root());
            if (size.longValue() != proof.treeSize()) failures.add("the Anchored event carries tree size " + size + ", the proof's is " + proof.treeSize());
            if (!batchId.equalsIgnoreCase(strip(anchor.batchId()))) failures.add("the Anchored event carries batch " + batchId + ", the anchor names " + anchor.batchId());
        }
        if (!found) failures.add("transaction " + anchor.txHash() + " has no Anchored event from contract " + anchor.contract());
    }

    private static String strip(String hex) {
        return hex.toLowerCase(Locale.ROOT).startsWith("0x") ? hex.substring(2) : hex;
    }

    private static BigInteger quantity(JsonNode node) throws IOException {
        if (node == null || !node.isTextual()) throw new IOException("the node answered without a quantity");
        return new BigInteger(strip(node.textValue()), 16);
    }
}
