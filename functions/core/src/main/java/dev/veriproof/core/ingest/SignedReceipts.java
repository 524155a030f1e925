package dev.veriproof.core.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.merkle.InclusionProof;
import dev.veriproof.core.merkle.MerkleTree;
import dev.veriproof.core.signing.Signer;
import java.util.ArrayList;
import java.util.List;

/**
 * Signed ingest receipts (docs/receipts.md): one signature per request covers all of its receipts. Each accepted
 * receipt's binding {@code (tenantId, sessionId, leafHash, receivedAt)} is a leaf
 * {@code SHA-256(0x00 ‖ JCS({"type":"veriproof.receipt","tenantId","sessionId","leafHash","receivedAt"}))}; the
 * leaves, in the request's order, form an RFC 9162 tree; the deployment's key signs (EIP-191) the statement
 * {@code JCS({"type":"veriproof.receipts","root":<hex>,"treeSize":<n>})}. Each receipt carries its leaf's inclusion
 * proof, the signature and the signer, so it can be checked on its own.
 */
public final class SignedReceipts {
    public static final String RECEIPT_TYPE = "veriproof.receipt";
    public static final String STATEMENT_TYPE = "veriproof.receipts";

    private SignedReceipts() {}

    /** What a receipt binds. */
    public record Binding(String tenantId, String sessionId, String leafHash, String receivedAt) {
        public byte[] leaf() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("type", RECEIPT_TYPE);
            node.put("tenantId", tenantId);
            node.put("sessionId", sessionId);
            node.put("leafHash", leafHash);
            node.put("receivedAt", receivedAt);
            return Hashes.leafHash(Canonical.jcs(node));
        }
    }

    /** The exact bytes the deployment's key signs for a request whose receipts' tree has this root and size. */
    public static byte[] statement(String rootHex, long treeSize) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", STATEMENT_TYPE);
        node.put("root", rootHex);
        node.put("treeSize", treeSize);
        return Canonical.jcs(node);
    }

    /**
     * Signs the bindings with one signing operation; answers each one's {@code signature} object, in order:
     * {@code {tenantId, leafIndex, treeSize, auditPath, root, signer, value}} ({@code value}: 0x r ‖ s ‖ v).
     */
    public static List<ObjectNode> sign(List<Binding> bindings, Signer signer) {
        if (bindings.isEmpty()) return List.of();
        List<byte[]> leaves = new ArrayList<>(bindings.size());
        for (Binding b : bindings) leaves.add(b.leaf());
        MerkleTree tree = MerkleTree.of(leaves);
        String root = Hashes.hex(tree.root());
        String value = signer.signPersonalMessage(statement(root, tree.size()));
        String address = signer.address();
        List<ObjectNode> signatures = new ArrayList<>(bindings.size());
        for (int i = 0; i < bindings.size(); i++) {
            InclusionProof proof = tree.proof(i);
            ObjectNode signature = JsonNodeFactory.instance.objectNode();
            signature.put("tenantId", bindings.get(i).tenantId());
            signature.put("leafIndex", proof.leafIndex());
            signature.put("treeSize", proof.treeSize());
            proof.auditPath().forEach(signature.putArray("auditPath")::add);
            signature.put("root", root);
            signature.put("signer", address);
            signature.put("value", value);
            signatures.add(signature);
        }
        return signatures;
    }

    /**
     * Checks a receipt ({@code {sessionId, leafHash, receivedAt, signature: {...}}}) up to the signature itself: its
     * binding's leaf walks its audit path to the signed root. Answers the statement whose EIP-191 signature
     * ({@code signature.value}) must then recover to the deployment's address; a failure names what is wrong.
     */
    public static Checked check(JsonNode receipt) {
        JsonNode signature = receipt.path("signature");
        if (!signature.isObject()) return Checked.failure("carries no signature");
        for (String field : List.of("sessionId", "leafHash", "receivedAt")) {
            if (!receipt.path(field).isTextual()) return Checked.failure("has no " + field);
        }
        for (String field : List.of("tenantId", "root", "value", "signer")) {
            if (!signature.path(field).isTextual()) return Checked.failure("signature has no " + field);
        }
        InclusionProof proof;
        try {
            ObjectNode proofJson = JsonNodeFactory.instance.objectNode();
            proofJson.set("leafIndex", signature.path("leafIndex"));
            proofJson.set("treeSize", signature.path("treeSize"));
            proofJson.set("auditPath", signature.path("auditPath"));
            proofJson.set("root", signature.path("root"));
            proof = InclusionProof.fromJson(proofJson);
        } catch (RuntimeException e) {
            return Checked.failure("signature's inclusion proof is malformed: " + e.getMessage());
        }
        Binding binding = new Binding(signature.get("tenantId").textValue(), receipt.get("sessionId").textValue(),
                receipt.get("leafHash").textValue(), receipt.get("receivedAt").textValue());
        if (!proof.verifies(binding.leaf())) {
            return Checked.failure("(tenantId, sessionId, leafHash, receivedAt) is not what was signed: its leaf does not lead to the signed root");
        }
        return new Checked(binding, statement(proof.root(), proof.treeSize()), signature.get("value").textValue(),
                signature.get("signer").textValue(), null);
    }

    /** A receipt checked up to its signature: the statement and signature to recover the signer from, or why not. */
    public record Checked(Binding binding, byte[] statement, String signature, String claimedSigner, String failure) {
        static Checked failure(String why) {
            return new Checked(null, null, null, null, why);
        }

        public boolean failed() {
            return failure != null;
        }
    }
}
