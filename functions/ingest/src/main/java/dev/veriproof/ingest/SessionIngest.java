package dev.veriproof.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ErrorBody;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.explorer.SessionFacets;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.SessionStore;
import dev.veriproof.core.ingest.SignedReceipts;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.merkle.MerkleTree;
import dev.veriproof.core.scoring.GovernanceScore;
import dev.veriproof.core.session.FieldError;
import dev.veriproof.core.session.Session;
import dev.veriproof.core.session.SessionValidator;
import dev.veriproof.core.session.Validation;
import dev.veriproof.core.signing.Signer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ingestion of sessions (SPEC §4): validate, apply the application's redaction policy, canonicalize
 * (RFC 8785), hash, score, and store idempotently on (tenant, sessionId).
 */
public final class SessionIngest {
    static final int MAX_BATCH = 100;
    private static final int TRANSACTION_ATTEMPTS = 3;

    private final SessionStore sessions;
    private final ApplicationCache applications;
    private final Clock clock;
    private final Signer receiptSigner;

    /** Receipts unsigned: for callers whose answers carry no receipts (OTLP) and tests. */
    public SessionIngest(SessionStore sessions, ApplicationStore applications, Clock clock) {
        this(sessions, applications, clock, Duration.ZERO, null);
    }

    /** Receipts unsigned: for callers whose answers carry no receipts (OTLP) and tests. */
    public SessionIngest(SessionStore sessions, ApplicationStore applications, Clock clock, Duration applicationCacheTtl) {
        this(sessions, applications, clock, applicationCacheTtl, null);
    }

    /**
     * @param applicationCacheTtl how long a looked-up application is reused (zero: never)
     * @param receiptSigner the deployment's key, which signs each request's receipts once ({@link SignedReceipts}); null: unsigned
     */
    public SessionIngest(SessionStore sessions, ApplicationStore applications, Clock clock, Duration applicationCacheTtl, Signer receiptSigner) {
        this.sessions = sessions;
        this.applications = new ApplicationCache(applications, clock, applicationCacheTtl);
        this.clock = clock;
        this.receiptSigner = receiptSigner;
    }

    /** The HTTP status and body to answer with. */
    public record Result(int status, JsonNode body) {}

    /** One session of the request: either prepared for storage, or rejected with the status it earned. */
    private static final class Item {
        final String sessionId;
        StoredSession prepared;
        int status;
        ObjectNode receipt;

        Item(String sessionId) {
            this.sessionId = sessionId;
        }

        void reject(int status, String code, String message, String field) {
            this.status = status;
            this.receipt = rejectedReceipt(sessionId, code, message, field);
        }
    }

    /** @param requestId identifies this request among retries (API Gateway's request id) */
    public Result ingest(Principal caller, JsonNode body, Optional<String> batchRootHeader, String requestId) {
        boolean isBatch = body.isObject() && body.has("sessions");
        List<JsonNode> nodes = isBatch ? batchItems(body) : List.of(body);
        Optional<byte[]> claimedRoot = batchRootHeader.map(SessionIngest::parseRoot);
        Instant receivedAt = clock.instant();

        List<Item> items = new ArrayList<>(nodes.size());
        Map<String, Optional<Application>> appCache = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            items.add(prepare(caller, nodes.get(i), isBatch ? "$.sessions[" + i + "]" : "$", receivedAt, requestId, appCache));
        }

        int repeated = rejectRepeatedSessionIds(items, isBatch);
        if (claimedRoot.isPresent()) {
            if (repeated >= 0) {
                throw new ApiException(400, "duplicate_in_batch", "Session '" + items.get(repeated).sessionId + "' appears more than once"
                        + " in this request; with X-Batch-Root the request is stored whole or not at all, so nothing was stored."
                        + " Send each session once.", "$.sessions[" + repeated + "].sessionId");
            }
            byte[] computed = rootAsSent(nodes);
            if (!MessageDigest.isEqual(computed, claimedRoot.get())) {
                throw new ApiException(422, "batch_root_mismatch",
                        "X-Batch-Root does not match the Merkle root of the sessions as sent (server computed "
                                + Hashes.hex(computed) + "); nothing was stored. Recompute it over SHA-256(0x00 || JCS(session)) in request order.");
            }
            storeAllOrNothing(items);
        } else {
            for (Item item : items) if (item.prepared != null) storeOne(item);
        }
        if (receiptSigner != null) sign(caller.tenantId(), items);
        return isBatch ? batchResult(items) : singleResult(items.get(0));
    }

    /**
     * A session id that appears again later in the request: the first occurrence is the one
     * processed, every later one is refused with {@code duplicate_in_batch}, so that one stored
     * session gets one receipt. Answers the index of the first repeated item, or -1.
     */
    private static int rejectRepeatedSessionIds(List<Item> items, boolean isBatch) {
        Map<String, Integer> first = new HashMap<>();
        int repeated = -1;
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (item.prepared == null) continue;
            Integer earlier = first.putIfAbsent(item.sessionId, i);
            if (earlier != null) {
                item.prepared = null;
                item.reject(400, "duplicate_in_batch", "Session '" + item.sessionId + "' already appears at $.sessions[" + earlier
                        + "] of this request; it is processed once. Send each session once per request.",
                        (isBatch ? "$.sessions[" + i + "]" : "$") + ".sessionId");
                if (repeated < 0) repeated = i;
            }
        }
        return repeated;
    }

    private Item prepare(Principal caller, JsonNode node, String path, Instant receivedAt, String requestId,
                         Map<String, Optional<Application>> appCache) {
        Item item = new Item(node.path("sessionId").isTextual() ? node.path("sessionId").textValue() : null);
        Validation validation = SessionValidator.validate(node, receivedAt);
        if (validation instanceof Validation.Invalid invalid) {
            FieldError error = invalid.error();
            item.reject(400, error.code(), error.message(), path + error.field().substring(1));
            return item;
        }
        Session session = ((Validation.Valid) validation).session();
        Optional<Application> app = appCache.computeIfAbsent(session.applicationId(),
                id -> applications.find(caller.tenantId(), id));
        if (app.isEmpty()) {
            item.reject(422, "unknown_application", "Application '" + session.applicationId()
                    + "' is not registered in this tenant; register it with POST /v1/applications first.", path + ".applicationId");
            return item;
        }
        ObjectNode asStored = app.get().redaction().apply((ObjectNode) node);
        byte[] canonical = Canonical.jcs(asStored);
        GovernanceScore score = GovernanceScore.of(session);
        item.prepared = new StoredSession(caller.tenantId(), session.sessionId(), session.applicationId(),
                session.startedAt(), new String(canonical, StandardCharsets.UTF_8), Hashes.hex(Hashes.leafHash(canonical)),
                score.value(), score.band().name(), score.factors(), receivedAt, requestId,
                session.lacksRequiredOversight(), SessionFacets.of(asStored));
        return item;
    }

    private void storeOne(Item item) {
        Optional<StoredSession> existing = sessions.putIfAbsent(item.prepared);
        if (existing.isEmpty()) {
            accept(item, item.prepared, false);
        } else {
            settleExisting(item, existing.get());
        }
    }

    /** With X-Batch-Root the request is stored whole or not at all. */
    private void storeAllOrNothing(List<Item> items) {
        if (items.stream().anyMatch(i -> i.prepared == null)) {
            abortRemaining(items, "another session of this request is invalid");
            return;
        }
        List<Item> toWrite = new ArrayList<>(items);
        for (int attempt = 0; attempt < TRANSACTION_ATTEMPTS && !toWrite.isEmpty(); attempt++) {
            Map<Integer, StoredSession> existing = sessions.putAllIfAbsent(toWrite.stream().map(i -> i.prepared).toList());
            if (existing.isEmpty()) {
                toWrite.forEach(i -> accept(i, i.prepared, false));
                return;
            }
            List<Item> stillNew = new ArrayList<>();
            for (int i = 0; i < toWrite.size(); i++) {
                Item item = toWrite.get(i);
                if (existing.containsKey(i)) settleExisting(item, existing.get(i)); else stillNew.add(item);
            }
            if (items.stream().anyMatch(i -> i.status == 409)) {
                abortRemaining(items, "another session of this request conflicts with a stored one");
                return;
            }
            toWrite = stillNew; // only duplicates were in the way: store the rest
        }
        if (!toWrite.isEmpty()) throw new IllegalStateException("sessions kept changing under the batch transaction");
    }

    private static void abortRemaining(List<Item> items, String why) {
        for (Item item : items) {
            if (item.receipt == null) {
                item.reject(409, "batch_aborted", "Not stored: the request carries X-Batch-Root, so it is stored whole or not at all, and "
                        + why + ".", null);
            }
        }
    }

    /** The session exists: the same record is a duplicate, another record under its id a conflict. */
    private void settleExisting(Item item, StoredSession existing) {
        if (!existing.leafHash().equals(item.prepared.leafHash())) {
            item.reject(409, "session_conflict", "Session '" + item.sessionId
                    + "' was already stored with a different body; nothing was changed. Use a new sessionId for a new session.", "$.sessionId");
        } else {
            // Our own write, seen again through an SDK retry, is not a duplicate.
            boolean ownWrite = item.prepared.requestId().equals(existing.requestId());
            accept(item, existing, !ownWrite);
        }
    }

    /**
     * SnapStart priming: what a request of an unknown application (the priming event) does not reach: the store's write,
     * refused by its condition ({@link SessionStore#primeWrite}), the receipt, and one receipt signed, as the first
     * request would; and the application's lookup (a read of the priming tenant, which never exists), which an OTLP
     * priming export with nothing to store does not make.
     */
    public void warmUp() {
        applications.find(PrimedHandler.PRIMING, PrimedHandler.PRIMING);
        StoredSession sample = SessionWarmUp.stored(PrimedHandler.PRIMING);
        sessions.primeWrite(sample);
        receipt(sample, false);
        if (receiptSigner != null) SignedReceipts.sign(List.of(new SignedReceipts.Binding("priming", "priming", "00".repeat(32), "2026-01-01T00:00:00Z")), receiptSigner);
    }

    /** One signature for all of the request's accepted receipts (stored or duplicate), each given what checks it. */
    private void sign(String tenantId, List<Item> items) {
        List<ObjectNode> accepted = new ArrayList<>();
        List<SignedReceipts.Binding> bindings = new ArrayList<>();
        for (Item item : items) {
            if (item.status != 200 && item.status != 201) continue;
            accepted.add(item.receipt);
            bindings.add(new SignedReceipts.Binding(tenantId, item.receipt.get("sessionId").textValue(),
                    item.receipt.get("leafHash").textValue(), item.receipt.get("receivedAt").textValue()));
        }
        List<ObjectNode> signatures = SignedReceipts.sign(bindings, receiptSigner);
        for (int i = 0; i < accepted.size(); i++) accepted.get(i).set("signature", signatures.get(i));
    }

    private static void accept(Item item, StoredSession stored, boolean duplicate) {
        item.status = duplicate ? 200 : 201;
        item.receipt = receipt(stored, duplicate);
    }

    public static ObjectNode receipt(StoredSession stored, boolean duplicate) {
        ObjectNode receipt = JsonNodeFactory.instance.objectNode();
        receipt.put("sessionId", stored.sessionId());
        receipt.put("status", duplicate ? "duplicate" : "stored");
        receipt.put("duplicate", duplicate);
        receipt.put("leafHash", stored.leafHash());
        receipt.put("governanceScore", stored.governanceScore());
        receipt.put("band", stored.band());
        receipt.put("receivedAt", stored.receivedAt().toString());
        return receipt;
    }

    private static ObjectNode rejectedReceipt(String sessionId, String code, String message, String field) {
        ObjectNode receipt = JsonNodeFactory.instance.objectNode();
        if (sessionId != null) receipt.put("sessionId", sessionId);
        receipt.put("status", "rejected");
        receipt.set("error", ErrorBody.of(code, message, field).get("error"));
        return receipt;
    }

    private static Result singleResult(Item item) {
        if (item.prepared != null && item.status < 300) return new Result(item.status, item.receipt);
        return new Result(item.status, JsonNodeFactory.instance.objectNode().set("error", item.receipt.get("error")));
    }

    private static Result batchResult(List<Item> items) {
        ArrayNode results = JsonNodeFactory.instance.arrayNode();
        items.forEach(item -> results.add(item.receipt));
        return new Result(207, JsonNodeFactory.instance.objectNode().set("results", results));
    }

    private static List<JsonNode> batchItems(JsonNode body) {
        if (body.size() != 1) {
            throw ApiException.badRequest("unknown_field",
                    "A batch body holds only \"sessions\"; send other fields inside each session.", "$");
        }
        JsonNode array = body.get("sessions");
        if (!array.isArray() || array.isEmpty() || array.size() > MAX_BATCH) {
            throw ApiException.badRequest("invalid_batch",
                    "sessions must be an array of 1 to " + MAX_BATCH + " session objects.", "$.sessions");
        }
        List<JsonNode> nodes = new ArrayList<>(array.size());
        array.forEach(nodes::add);
        return nodes;
    }

    private static byte[] rootAsSent(List<JsonNode> nodes) {
        List<byte[]> leaves = new ArrayList<>(nodes.size());
        for (JsonNode node : nodes) leaves.add(Hashes.leafHash(Canonical.jcs(node)));
        return MerkleTree.rootOf(leaves);
    }

    private static byte[] parseRoot(String header) {
        String hex = header.trim();
        if (!Hashes.isSha256Hex(hex.startsWith("0x") ? hex.substring(2) : hex)) {
            throw ApiException.badRequest("invalid_batch_root",
                    "X-Batch-Root must be a 64-character hex SHA-256 Merkle root (RFC 9162).", null);
        }
        return Hashes.fromHex(hex);
    }
}
