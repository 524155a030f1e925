package dev.veriproof.adapters.dynamo;

import static dev.veriproof.adapters.dynamo.Attributes.n;
import static dev.veriproof.adapters.dynamo.Attributes.s;

import dev.veriproof.adapters.DaemonPools;
import dev.veriproof.adapters.Log;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.PendingLeaf;
import dev.veriproof.core.anchoring.PendingSessions;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.InclusionProof;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The anchoring pointers and batch items, in the sessions table but apart from the large session item, so that
 * anchoring never rewrites a session (docs/anchoring.md):
 * <ul>
 *   <li>{@code A#<tenant>#<sessionId>}, the session's anchoring pointer, created once by the anchoring run when the
 *       session is placed in an anchored batch (one write unit: under 1 KB, no index entry; a session id has no
 *       {@code #}, so the key names tenant and session): {@code applicationId}, {@code day} (UTC day of startedAt),
 *       {@code batchId}, {@code leafIndex} and {@code auditPath} (the RFC 9162 audit path, 32 bytes a hash, leaf
 *       upward). Its existence says that the session is anchored; its INSERT is the stream's ANCHORED change. Until then
 *       the session waits in a pending chunk ({@link DynamoAnchorBacklog}).</li>
 *   <li>{@code B#<batchId>}: the anchored batch's {@code root}, {@code treeSize} and {@code anchor} (JSON), written
 *       once per batch before any pointer names it.</li>
 * </ul>
 * Older forms still read: a <em>pending</em> pointer written by the backlog consumer before chunks ({@code leafHash},
 * {@code anchorPending} = {@code P#00}..{@code P#15}, {@code pendingKey} = {@code <receivedAt>#<tenant>#<sessionId>}: in
 * the sparse {@code pending-anchor} index), rewritten whole once its session is anchored (its MODIFY that removes
 * {@code anchorPending} is then the ANCHORED change); and sessions anchored before pointers, which carry {@code anchor}
 * and {@code proof} on their own item (see {@link DynamoSessionStore}).
 */
public final class DynamoAnchorPointers {
    static final String POINTER_PREFIX = "A#";
    static final String BATCH_PREFIX = "B#";
    static final int LEGACY_SHARDS = 16;
    /** Concurrent requests of one call (reading the shards, writing the pointers of a batch). */
    static final int PARALLELISM = 16;

    private static final String PK = "pk";
    private static final String APPLICATION = "applicationId";
    private static final String DAY = "day";
    private static final String LEAF_HASH = "leafHash";
    static final String ANCHOR_PENDING = "anchorPending";
    static final String PENDING_KEY = "pendingKey";
    static final String BATCH = "batchId";
    private static final String LEAF_INDEX = "leafIndex";
    private static final String AUDIT_PATH = "auditPath";
    private static final String ROOT = "root";
    private static final String TREE_SIZE = "treeSize";
    private static final String ANCHOR = "anchor";

    /** Batch items by table and batch id. */
    private static final Map<String, AnchoredBatch> BATCHES = new ConcurrentHashMap<>();
    private static volatile ExecutorService pool;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoAnchorPointers(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    String table() {
        return table;
    }

    /** A session's place in an anchored batch: what its proof answer is made of. */
    public record Placement(InclusionProof proof, Anchor anchor) {}

    /** What an anchored pointer names besides the batch: the session's application and UTC day (for aggregation). */
    public record SessionFacts(String applicationId, LocalDate day) {}

    /** A session still waiting in the old form, a pending pointer: its leaf, when it was received, and its facts. */
    record LegacyPending(PendingLeaf leaf, Instant receivedAt, SessionFacts facts) {}

    private record AnchoredBatch(String root, long treeSize, Anchor anchor) {}

    static String pointerKey(String tenantId, String sessionId) {
        return POINTER_PREFIX + tenantId + "#" + sessionId;
    }

    /** [tenant, sessionId] of a pointer's key. */
    static String[] named(String pointerKey) {
        int split = pointerKey.lastIndexOf('#');
        return new String[] {pointerKey.substring(POINTER_PREFIX.length(), split), pointerKey.substring(split + 1)};
    }

    private static List<String> legacyShards() {
        List<String> shards = new ArrayList<>();
        for (int i = 0; i < LEGACY_SHARDS; i++) shards.add(String.format("P#%02d", i));
        return shards;
    }

    // ---- which sessions are anchored ----

    /**
     * Which of the given sessions (keys {@code tenant#sessionId}) have a pointer that names a batch, and which have
     * none, read consistently: a session placed a moment ago must not be anchored again.
     */
    Pointers pointersOf(Collection<String> sessionKeys) {
        List<String> keys = sessionKeys.stream().map(k -> POINTER_PREFIX + k).toList();
        Set<String> anchored = new HashSet<>();
        Set<String> absent = new HashSet<>(sessionKeys);
        for (Map<String, AttributeValue> item : read(keys, String.join(", ", PK, BATCH), true)) {
            String key = item.get(PK).s().substring(POINTER_PREFIX.length());
            absent.remove(key);
            if (item.containsKey(BATCH)) anchored.add(key);
        }
        return new Pointers(anchored, absent);
    }

    /** Of some sessions (keys {@code tenant#sessionId}): those with an anchored pointer, and those with no pointer at all. */
    record Pointers(Set<String> anchored, Set<String> absent) {}

    // ---- the old backlog: pending pointers ----

    /**
     * Pending pointers written before pending chunks, read from the shards of the sparse index (each up to its share
     * of {@code limit}), then re-read consistently (the index lags the table); an anchored pointer found back in the
     * index leaves it and is never anchored again.
     */
    List<LegacyPending> legacyPending(int limit) {
        List<String> candidates = new ArrayList<>();
        int share = Math.max(1, (limit + LEGACY_SHARDS - 1) / LEGACY_SHARDS);
        parallel(legacyShards(), shard -> readShard(shard, share)).forEach(candidates::addAll);
        List<LegacyPending> pending = new ArrayList<>();
        for (Map<String, AttributeValue> item : read(candidates, null, true)) {
            if (!item.containsKey(ANCHOR_PENDING) || !item.containsKey(PENDING_KEY)) continue;
            if (item.containsKey(BATCH)) {
                leaveIndex(item.get(PK).s()); // anchored, yet back in the index (a writer restored it): never re-anchor it
                continue;
            }
            String[] named = named(item.get(PK).s());
            String pendingKey = item.get(PENDING_KEY).s();
            pending.add(new LegacyPending(new PendingLeaf(named[0], named[1], item.get(LEAF_HASH).s()),
                    Instant.parse(pendingKey.substring(0, pendingKey.indexOf('#'))),
                    new SessionFacts(item.get(APPLICATION).s(), LocalDate.parse(item.get(DAY).s()))));
        }
        return pending;
    }

    private List<String> readShard(String shard, int wanted) {
        List<String> keys = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> at = start;
            int ask = Math.min(wanted - keys.size(), 1000);
            QueryResponse page = dynamo.query(q -> q.tableName(table).indexName(DynamoSessionStore.PENDING_INDEX)
                    .keyConditionExpression(ANCHOR_PENDING + " = :p").expressionAttributeValues(Map.of(":p", s(shard)))
                    .projectionExpression(PK).limit(ask).exclusiveStartKey(at));
            page.items().forEach(item -> keys.add(item.get(PK).s()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && keys.size() < wanted);
        return keys;
    }

    /**
     * Whether anything is left in the old forms: one key of the sparse {@code pending-anchor} index, which holds only them
     * (a pending pointer, a session item stored before pointers, or an anchored pointer put back by an old writer), so
     * that a run reads their 17 partitions only while they hold something. Eventually consistent like every index read:
     * an entry written a moment ago is seen by a later run.
     */
    boolean legacyPresent() {
        return !dynamo.scan(q -> q.tableName(table).indexName(DynamoSessionStore.PENDING_INDEX).limit(1).projectionExpression(PK)).items().isEmpty();
    }

    /** When the oldest session waiting in the old forms (pending pointers, pre-pointer session items) was received. */
    Optional<Instant> legacyOldestPendingSince() {
        List<String> partitions = new ArrayList<>(legacyShards());
        partitions.add(DynamoSessionStore.LEGACY_PENDING);
        return parallel(partitions, shard -> dynamo.query(q -> q.tableName(table).indexName(DynamoSessionStore.PENDING_INDEX)
                        .keyConditionExpression(ANCHOR_PENDING + " = :p").expressionAttributeValues(Map.of(":p", s(shard)))
                        .projectionExpression(PENDING_KEY).limit(1)).items().stream().findFirst()
                        .map(item -> item.get(PENDING_KEY).s())).stream()
                .flatMap(Optional::stream)
                .map(key -> Instant.parse(key.indexOf('#') < 0 ? key : key.substring(0, key.indexOf('#'))))
                .min(Comparator.naturalOrder());
    }

    /** The keys ({@code S#...}) of up to {@code limit} session items stored before pointers that still wait. */
    List<String> legacySessionItems(int limit) {
        return dynamo.query(q -> q.tableName(table).indexName(DynamoSessionStore.PENDING_INDEX)
                .keyConditionExpression(ANCHOR_PENDING + " = :p").expressionAttributeValues(Map.of(":p", s(DynamoSessionStore.LEGACY_PENDING)))
                .projectionExpression(PK).limit(Math.max(1, Math.min(limit, 1000)))).items().stream().map(item -> item.get(PK).s()).toList();
    }

    private void leaveIndex(String key) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of(PK, s(key)))
                    .updateExpression("REMOVE " + ANCHOR_PENDING + ", " + PENDING_KEY)
                    .conditionExpression("attribute_exists(" + BATCH + ")"));
        } catch (ConditionalCheckFailedException e) {
            // gone or changed meanwhile: the next run looks again
        }
    }

    // ---- recording a batch ----

    /** What placing a batch's sessions did: how many were anchored by it, and which of them (keys {@code tenant#sessionId}) now have an anchored pointer. */
    record Recorded(int anchored, Set<String> anchoredKeys) {}

    /**
     * {@link #recordAnchored(List, Anchor, Map)} knowing no session's application and day: each is read from the
     * session item.
     */
    public int recordAnchored(List<PendingSessions.AnchoredLeaf> leaves, Anchor anchor) {
        return recordAnchored(leaves, anchor, Map.of(), Set.of()).anchored();
    }

    /**
     * The batch item first (a pointer never names a batch that cannot be read), then the pointers, 100 at a time in
     * parallel: a consistent read of the 100 tells which sessions have none (created now, with the application and day
     * from {@code facts}, keys {@code tenant#sessionId}, or else from the session item) or still have a pending pointer
     * of the old form with the batched leaf hash (rewritten whole); one that already names this batch is a repeated
     * completion, one that names another batch or holds another leaf hash is left alone and logged. Writes go 25 a
     * BatchWriteItem, one write unit each. Unconditional writes are safe here: only the run holding the lease writes
     * pointers. {@code knownAbsent}: sessions this run read without a pointer, under the lease it still holds and
     * before it wrote any pointer: not read again.
     */
    Recorded recordAnchored(List<PendingSessions.AnchoredLeaf> leaves, Anchor anchor, Map<String, SessionFacts> facts, Set<String> knownAbsent) {
        if (leaves.isEmpty()) return new Recorded(0, Set.of());
        InclusionProof any = leaves.get(0).proof();
        Map<String, AttributeValue> batch = new HashMap<>();
        batch.put(PK, s(BATCH_PREFIX + anchor.batchId()));
        batch.put(ROOT, s(any.root()));
        batch.put(TREE_SIZE, n(any.treeSize()));
        batch.put(ANCHOR, s(anchor.toJson().toString()));
        dynamo.putItem(b -> b.tableName(table).item(batch));
        List<List<PendingSessions.AnchoredLeaf>> slices = new ArrayList<>();
        for (int from = 0; from < leaves.size(); from += 100) slices.add(leaves.subList(from, Math.min(from + 100, leaves.size())));
        int anchored = 0;
        Set<String> anchoredKeys = new HashSet<>();
        for (Recorded slice : parallel(slices, slice -> place(slice, anchor.batchId(), facts, knownAbsent))) {
            anchored += slice.anchored();
            anchoredKeys.addAll(slice.anchoredKeys());
        }
        return new Recorded(anchored, anchoredKeys);
    }

    private Recorded place(List<PendingSessions.AnchoredLeaf> slice, String batchId, Map<String, SessionFacts> facts, Set<String> knownAbsent) {
        Map<String, Map<String, AttributeValue>> current = new HashMap<>();
        List<String> unknown = slice.stream().filter(l -> !knownAbsent.contains(l.leaf().tenantId() + "#" + l.leaf().sessionId()))
                .map(l -> pointerKey(l.leaf().tenantId(), l.leaf().sessionId())).toList();
        for (Map<String, AttributeValue> item : read(unknown, null, true)) {
            current.put(item.get(PK).s(), item);
        }
        Set<String> anchoredKeys = new HashSet<>();
        Map<PendingSessions.AnchoredLeaf, SessionFacts> toCreate = new java.util.LinkedHashMap<>();
        List<PendingSessions.AnchoredLeaf> withoutFacts = new ArrayList<>();
        List<Map<String, AttributeValue>> writes = new ArrayList<>();
        for (PendingSessions.AnchoredLeaf anchored : slice) {
            PendingLeaf leaf = anchored.leaf();
            String key = leaf.tenantId() + "#" + leaf.sessionId();
            Map<String, AttributeValue> pointer = current.get(POINTER_PREFIX + key);
            AttributeValue existing = pointer == null ? null : pointer.get(BATCH);
            if (existing != null) {
                anchoredKeys.add(key);
                if (!existing.s().equals(batchId)) {
                    Log.warn("session not anchored again: its pointer names another batch", "tenantId", leaf.tenantId(),
                            "sessionId", leaf.sessionId(), "batchId", batchId, "existingBatch", existing.s());
                }
                continue; // this batch: a repeated completion
            }
            if (pointer == null) {
                SessionFacts known = facts.get(key);
                if (known != null) toCreate.put(anchored, known);
                else withoutFacts.add(anchored);
                continue;
            }
            if (!pointer.containsKey(LEAF_HASH) || !leaf.leafHash().equals(pointer.get(LEAF_HASH).s())) {
                Log.warn("session not anchored: its pending pointer holds another leaf hash", "tenantId", leaf.tenantId(),
                        "sessionId", leaf.sessionId(), "batchId", batchId);
                continue;
            }
            toCreate.put(anchored, new SessionFacts(pointer.get(APPLICATION).s(), LocalDate.parse(pointer.get(DAY).s())));
        }
        toCreate.putAll(factsFromSessionItems(withoutFacts));
        toCreate.forEach((anchored, known) -> {
            writes.add(placed(anchored.leaf(), known, anchored.proof(), batchId));
            anchoredKeys.add(anchored.leaf().tenantId() + "#" + anchored.leaf().sessionId());
        });
        for (int from = 0; from < writes.size(); from += 25) batchPut(dynamo, table, writes.subList(from, Math.min(from + 25, writes.size())));
        return new Recorded(writes.size(), anchoredKeys);
    }

    /**
     * Application and day of sessions whose facts the caller did not bring (a batch finished after a crash), from their
     * session items; a session whose item is missing or holds another leaf hash is logged and left pending.
     */
    private Map<PendingSessions.AnchoredLeaf, SessionFacts> factsFromSessionItems(List<PendingSessions.AnchoredLeaf> leaves) {
        Map<PendingSessions.AnchoredLeaf, SessionFacts> found = new java.util.LinkedHashMap<>();
        if (leaves.isEmpty()) return found;
        Map<String, Map<String, AttributeValue>> items = new HashMap<>();
        for (Map<String, AttributeValue> item : read(leaves.stream().map(l -> DynamoSessionStore.KEY_PREFIX + l.leaf().tenantId() + "#"
                + l.leaf().sessionId()).toList(), null, true)) {
            items.put(item.get(PK).s(), item);
        }
        for (PendingSessions.AnchoredLeaf anchored : leaves) {
            PendingLeaf leaf = anchored.leaf();
            Map<String, AttributeValue> item = items.get(DynamoSessionStore.KEY_PREFIX + leaf.tenantId() + "#" + leaf.sessionId());
            StoredSession session = item == null ? null : DynamoSessionStore.toView(item).session();
            if (session == null || !session.leafHash().equals(leaf.leafHash())) {
                Log.warn("session not anchored: its session item is missing or holds another leaf hash", "tenantId", leaf.tenantId(),
                        "sessionId", leaf.sessionId());
                continue;
            }
            found.put(anchored, new SessionFacts(session.applicationId(), session.startedAt().atOffset(ZoneOffset.UTC).toLocalDate()));
        }
        return found;
    }

    /** The anchored pointer: the session's application and day, its batch, leaf index and audit path. */
    private static Map<String, AttributeValue> placed(PendingLeaf leaf, SessionFacts facts, InclusionProof proof, String batchId) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(pointerKey(leaf.tenantId(), leaf.sessionId())));
        item.put(APPLICATION, s(facts.applicationId()));
        item.put(DAY, s(facts.day().toString()));
        item.put(BATCH, s(batchId));
        item.put(LEAF_INDEX, n(proof.leafIndex()));
        if (!proof.auditPath().isEmpty()) {
            byte[] path = new byte[proof.auditPath().size() * Hashes.SHA256_BYTES];
            for (int i = 0; i < proof.auditPath().size(); i++) {
                System.arraycopy(Hashes.fromHex(proof.auditPath().get(i)), 0, path, i * Hashes.SHA256_BYTES, Hashes.SHA256_BYTES);
            }
            item.put(AUDIT_PATH, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(path)));
        }
        return item;
    }

    // ---- reading placements ----

    /** The session's proof and anchor once its pointer names a batch; empty while pending or without a pointer. */
    public Optional<Placement> placement(String tenantId, String sessionId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(Map.of(PK, s(pointerKey(tenantId, sessionId))))
                .consistentRead(true).projectionExpression(String.join(", ", BATCH, LEAF_INDEX, AUDIT_PATH))).item();
        return item == null || item.isEmpty() ? Optional.empty() : placement(item);
    }

    /**
     * The placements of many sessions (keys {@code tenant#sessionId}), 100 pointers a request, eventually consistent:
     * for readers of many sessions (exports, recounts, the explorer). Sessions without an anchored pointer are absent.
     */
    public Map<String, Placement> placements(String tenantId, Collection<String> sessionIds) {
        List<String> keys = new ArrayList<>(new LinkedHashSet<>(sessionIds.stream().map(id -> pointerKey(tenantId, id)).toList()));
        Map<String, Placement> found = new HashMap<>();
        for (Map<String, AttributeValue> item : read(keys, String.join(", ", PK, BATCH, LEAF_INDEX, AUDIT_PATH), false)) {
            placement(item).ifPresent(p -> found.put(named(item.get(PK).s())[1], p));
        }
        return found;
    }

    /** Of the given sessions, those whose pointer is anchored. */
    public Set<String> anchored(String tenantId, Collection<String> sessionIds) {
        Set<String> anchored = new java.util.HashSet<>();
        List<String> keys = new ArrayList<>(new LinkedHashSet<>(sessionIds.stream().map(id -> pointerKey(tenantId, id)).toList()));
        for (Map<String, AttributeValue> item : read(keys, String.join(", ", PK, BATCH), false)) {
            if (item.containsKey(BATCH)) anchored.add(named(item.get(PK).s())[1]);
        }
        return anchored;
    }

    private Optional<Placement> placement(Map<String, AttributeValue> pointer) {
        if (!pointer.containsKey(BATCH)) return Optional.empty();
        AnchoredBatch batch = batch(pointer.get(BATCH).s());
        List<String> path = new ArrayList<>();
        if (pointer.containsKey(AUDIT_PATH)) {
            byte[] bytes = pointer.get(AUDIT_PATH).b().asByteArrayUnsafe();
            for (int i = 0; i + Hashes.SHA256_BYTES <= bytes.length; i += Hashes.SHA256_BYTES) {
                path.add(Hashes.hex(java.util.Arrays.copyOfRange(bytes, i, i + Hashes.SHA256_BYTES)));
            }
        }
        long index = Long.parseLong(pointer.get(LEAF_INDEX).n());
        return Optional.of(new Placement(new InclusionProof(index, batch.treeSize(), path, batch.root()), batch.anchor()));
    }

    /** A batch item never changes once written: kept for the environment's lifetime (bounded). */
    private AnchoredBatch batch(String batchId) {
        String cacheKey = table + "/" + batchId;
        AnchoredBatch cached = BATCHES.get(cacheKey);
        if (cached != null) return cached;
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(Map.of(PK, s(BATCH_PREFIX + batchId))).consistentRead(true)).item();
        if (item == null || item.isEmpty()) throw new IllegalStateException("a pointer names batch " + batchId + ", which has no batch item");
        AnchoredBatch batch = new AnchoredBatch(item.get(ROOT).s(), Long.parseLong(item.get(TREE_SIZE).n()),
                Anchor.fromJson(Json.parse(item.get(ANCHOR).s())));
        if (BATCHES.size() > 10_000) BATCHES.clear();
        BATCHES.put(cacheKey, batch);
        return batch;
    }

    // ---- the stream ----

    /** Whether a stream image's key is a pointer's. */
    static boolean isPointer(String pk) {
        return pk.startsWith(POINTER_PREFIX);
    }

    /**
     * Whether a pointer's stream record says its session became anchored: the INSERT of an anchored pointer, or (the
     * old form) the MODIFY of a pending pointer that removes {@code anchorPending}.
     */
    static boolean anchoring(String eventName, Map<String, ?> oldImage, Map<String, ?> newImage) {
        if ("INSERT".equals(eventName)) return newImage.containsKey(BATCH);
        return "MODIFY".equals(eventName) && oldImage != null && oldImage.containsKey(ANCHOR_PENDING) && !newImage.containsKey(ANCHOR_PENDING);
    }

    /** The session a pointer image names: tenant, sessionId, applicationId, day. */
    static String[] session(Map<String, AttributeValue> pointer) {
        String[] named = named(pointer.get(PK).s());
        return new String[] {named[0], named[1], pointer.get(APPLICATION).s(), pointer.get(DAY).s()};
    }

    // ---- plumbing ----

    /** BatchGetItem, 100 keys a request, requests in parallel; unprocessed keys asked again. */
    private List<Map<String, AttributeValue>> read(List<String> keys, String projection, boolean consistent) {
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += 100) chunks.add(keys.subList(from, Math.min(from + 100, keys.size())));
        return parallel(chunks, chunk -> {
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            KeysAndAttributes.Builder ask = KeysAndAttributes.builder().keys(chunk.stream().map(k -> Map.of(PK, s(k))).toList())
                    .consistentRead(consistent);
            if (projection != null) ask.projectionExpression(projection);
            Map<String, KeysAndAttributes> request = Map.of(table, ask.build());
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> current = request;
                BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(current));
                items.addAll(response.responses().getOrDefault(table, List.of()));
                request = response.unprocessedKeys();
            }
            return items;
        }).stream().flatMap(List::stream).toList();
    }

    /** One BatchWriteItem of at most 25 whole items, unprocessed items sent again. */
    static void batchPut(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> items) {
        Map<String, List<WriteRequest>> put = Map.of(table, items.stream()
                .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build()).toList());
        while (!put.isEmpty()) {
            Map<String, List<WriteRequest>> putting = put;
            put = dynamo.batchWriteItem(b -> b.requestItems(putting)).unprocessedItems();
        }
    }

    /** Applies {@code work} to every item on the shared pool; results in the items' order; the first failure is rethrown. */
    static <T, R> List<R> parallel(List<T> items, Function<T, R> work) {
        if (items.size() <= 1) return items.stream().map(work).toList();
        List<Future<R>> futures = new ArrayList<>();
        for (T item : items) futures.add(pool().submit(() -> work.apply(item)));
        List<R> results = new ArrayList<>();
        RuntimeException failure = null;
        for (Future<R> future : futures) {
            try {
                results.add(future.get());
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        if (failure != null) throw failure;
        return results;
    }

    /**
     * Created on first use: by the anchoring run's SnapStart priming, so that its idle threads are in the snapshot (they
     * hold nothing of a request) and the first run after a restore does not start them.
     */
    private static ExecutorService pool() {
        if (pool == null) {
            synchronized (DynamoAnchorPointers.class) {
                if (pool == null) {
                    pool = DaemonPools.fixed(PARALLELISM, "anchor-pointers");
                }
            }
        }
        return pool;
    }
}
