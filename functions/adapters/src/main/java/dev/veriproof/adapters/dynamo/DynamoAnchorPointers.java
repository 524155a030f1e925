package dev.veriproof.adapters.dynamo;

import static dev.veriproof.adapters.dynamo.Attributes.n;
import static dev.veriproof.adapters.dynamo.Attributes.s;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * Where anchoring keeps its per-session state, in the sessions table but apart from the large session item, so that
 * anchoring never rewrites a session (docs/anchoring.md):
 * <ul>
 *   <li>{@code A#<tenant>#<sessionId>}, the session's anchoring pointer (one write unit: under 1 KB; a session id
 *       has no {@code #}, so the key names tenant and session): {@code applicationId}, {@code day} (UTC day of
 *       startedAt); while pending {@code leafHash}, {@code anchorPending} = {@code P#00}..{@code P#15} (a shard chosen
 *       from the session's key) and {@code pendingKey} = {@code <receivedAt>#<tenant>#<sessionId>}, which put it in
 *       the sparse {@code pending-anchor} index; once anchored {@code batchId}, {@code leafIndex} and
 *       {@code auditPath} (the RFC 9162 audit path, 32 bytes a hash, leaf upward) instead. Created from the sessions stream's INSERT by
 *       a put conditional on its absence, so a replayed record, even after anchoring, changes nothing; its MODIFY that
 *       removes {@code anchorPending} is the stream's ANCHORED change.</li>
 *   <li>{@code B#<batchId>}: the anchored batch's {@code root}, {@code treeSize} and {@code anchor} (JSON), written
 *       once per batch before any pointer names it.</li>
 * </ul>
 * Sessions anchored before pointers existed carry {@code anchor} and {@code proof} on their own item (see
 * {@link DynamoSessionStore}); the old backlog partition {@code PENDING} of the index is moved onto pointers by
 * {@link #oldestPending}.
 */
public final class DynamoAnchorPointers implements PendingSessions {
    static final String POINTER_PREFIX = "A#";
    static final String BATCH_PREFIX = "B#";
    static final int SHARDS = 16;
    /** Concurrent requests of one call (reading the shards, writing the pointers of a batch). */
    static final int PARALLELISM = 16;

    private static final String PK = "pk";
    private static final String APPLICATION = "applicationId";
    private static final String DAY = "day";
    private static final String LEAF_HASH = "leafHash";
    static final String ANCHOR_PENDING = "anchorPending";
    static final String PENDING_KEY = "pendingKey";
    private static final String BATCH = "batchId";
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

    /** A session's place in an anchored batch: what its proof answer is made of. */
    public record Placement(InclusionProof proof, Anchor anchor) {}

    private record AnchoredBatch(String root, long treeSize, Anchor anchor) {}

    // ---- entering the backlog ----

    /** Creates the session's pointer, pending, unless it exists (anchored or not); true when created now. */
    public boolean enqueue(StoredSession session) {
        return enqueue(session.tenantId(), session.sessionId(), session.applicationId(),
                session.startedAt().atOffset(ZoneOffset.UTC).toLocalDate(), session.leafHash(), session.receivedAt());
    }

    /**
     * {@link #enqueue} for many sessions, in parallel; answers how many of them, from the first, are done: all of them,
     * or up to the first that failed (its error logged), from which a stream batch is retried.
     */
    public int enqueueAll(List<StoredSession> sessions) {
        List<RuntimeException> errors = parallel(sessions, session -> {
            try {
                enqueue(session);
                return (RuntimeException) null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        for (int i = 0; i < errors.size(); i++) {
            if (errors.get(i) != null) {
                Log.error("anchoring pointer not written; the stream retries it", errors.get(i),
                        "tenantId", sessions.get(i).tenantId(), "sessionId", sessions.get(i).sessionId());
                return i;
            }
        }
        return sessions.size();
    }

    private boolean enqueue(String tenantId, String sessionId, String applicationId, LocalDate day, String leafHash, Instant receivedAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(pointerKey(tenantId, sessionId)));
        item.put(APPLICATION, s(applicationId));
        item.put(DAY, s(day.toString()));
        item.put(LEAF_HASH, s(leafHash));
        item.put(ANCHOR_PENDING, s(shard(tenantId, sessionId)));
        item.put(PENDING_KEY, s(receivedAt + "#" + tenantId + "#" + sessionId));
        try {
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(" + PK + ")"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    static String pointerKey(String tenantId, String sessionId) {
        return POINTER_PREFIX + tenantId + "#" + sessionId;
    }

    /** [tenant, sessionId] of a pointer's key. */
    static String[] named(String pointerKey) {
        int split = pointerKey.lastIndexOf('#');
        return new String[] {pointerKey.substring(POINTER_PREFIX.length(), split), pointerKey.substring(split + 1)};
    }

    static String shard(String tenantId, String sessionId) {
        return String.format("P#%02d", Math.floorMod((tenantId + "#" + sessionId).hashCode(), SHARDS));
    }

    private static List<String> shards() {
        List<String> shards = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) shards.add(String.format("P#%02d", i));
        return shards;
    }

    // ---- the backlog ----

    /**
     * Reads the shards of the sparse index in parallel, each up to its share of {@code limit} (a shard with fewer
     * leaves its share to the others), then re-reads every candidate consistently (the index lags the table: a
     * session anchored a moment ago must not be anchored again) and orders them by {@code pendingKey} (received
     * time first).
     */
    @Override
    public List<PendingLeaf> oldestPending(int limit) {
        moveLegacyBacklog(limit);
        Map<String, Map<String, AttributeValue>> cursors = new HashMap<>();
        List<String> open = new ArrayList<>(shards());
        List<String> candidates = new ArrayList<>();
        while (!open.isEmpty() && candidates.size() < limit) {
            int share = Math.max(1, (limit - candidates.size() + open.size() - 1) / open.size());
            List<ShardPage> pages = parallel(open, shard -> readShard(shard, cursors.get(shard), share));
            List<String> stillOpen = new ArrayList<>();
            for (int i = 0; i < open.size(); i++) {
                ShardPage page = pages.get(i);
                candidates.addAll(page.keys);
                if (page.next != null) {
                    cursors.put(open.get(i), page.next);
                    stillOpen.add(open.get(i));
                }
            }
            open = stillOpen;
        }
        List<Map<String, AttributeValue>> pending = new ArrayList<>();
        for (Map<String, AttributeValue> item : consistentRead(candidates, String.join(", ", PK, LEAF_HASH,
                ANCHOR_PENDING, PENDING_KEY, BATCH))) {
            if (!item.containsKey(ANCHOR_PENDING) || !item.containsKey(PENDING_KEY)) continue;
            if (item.containsKey(BATCH)) {
                leaveIndex(item.get(PK).s()); // anchored, yet back in the index (a writer restored it): never re-anchor it
            } else {
                pending.add(item);
            }
        }
        pending.sort(Comparator.comparing(item -> item.get(PENDING_KEY).s()));
        return pending.stream().limit(limit)
                .map(item -> {
                    String[] named = named(item.get(PK).s());
                    return new PendingLeaf(named[0], named[1], item.get(LEAF_HASH).s());
                }).toList();
    }

    private record ShardPage(List<String> keys, Map<String, AttributeValue> next) {}

    private ShardPage readShard(String shard, Map<String, AttributeValue> from, int wanted) {
        List<String> keys = new ArrayList<>();
        Map<String, AttributeValue> start = from;
        do {
            Map<String, AttributeValue> at = start;
            int ask = Math.min(wanted - keys.size(), 1000);
            QueryResponse page = dynamo.query(q -> q.tableName(table).indexName(DynamoSessionStore.PENDING_INDEX)
                    .keyConditionExpression(ANCHOR_PENDING + " = :p").expressionAttributeValues(Map.of(":p", s(shard)))
                    .projectionExpression(PK).limit(ask).exclusiveStartKey(at));
            page.items().forEach(item -> keys.add(item.get(PK).s()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && keys.size() < wanted);
        return new ShardPage(keys, start);
    }

    /**
     * Sessions stored before pointers existed wait in the index's old partition {@code PENDING} on their own item: each
     * gets its pointer, then leaves that partition (one rewrite of the old item, once).
     */
    private void moveLegacyBacklog(int limit) {
        QueryResponse page = dynamo.query(q -> q.tableName(table).indexName(DynamoSessionStore.PENDING_INDEX)
                .keyConditionExpression(ANCHOR_PENDING + " = :p").expressionAttributeValues(Map.of(":p", s(DynamoSessionStore.LEGACY_PENDING)))
                .projectionExpression(PK).limit(Math.min(limit, 1000)));
        if (page.items().isEmpty()) return;
        List<String> keys = page.items().stream().map(item -> item.get(PK).s()).toList();
        parallel(consistentRead(keys, null), item -> {
            StoredSession session = DynamoSessionStore.toView(item).session();
            enqueue(session);
            DynamoSessionStore.leaveLegacyBacklog(dynamo, table, item.get(PK).s());
            return null;
        });
    }

    /** When the oldest pending session was received: the backlog's age, for the {@code OldestPendingSessionAge} metric. */
    public Optional<Instant> oldestPendingSince() {
        List<String> partitions = new ArrayList<>(shards());
        partitions.add(DynamoSessionStore.LEGACY_PENDING);
        // sequential (17 reads of one key): the handler's SnapStart priming makes this read, and no thread pool is in the snapshot
        return partitions.stream().map(shard -> dynamo.query(q -> q.tableName(table).indexName(DynamoSessionStore.PENDING_INDEX)
                        .keyConditionExpression(ANCHOR_PENDING + " = :p").expressionAttributeValues(Map.of(":p", s(shard)))
                        .projectionExpression(PENDING_KEY).limit(1)).items().stream().findFirst()
                        .map(item -> item.get(PENDING_KEY).s()))
                .flatMap(Optional::stream)
                .map(key -> Instant.parse(key.indexOf('#') < 0 ? key : key.substring(0, key.indexOf('#'))))
                .min(Comparator.naturalOrder());
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

    /**
     * The batch item first (a pointer never names a batch that cannot be read), then the pointers, 100 at a time in
     * parallel: a consistent read of the 100 tells which still wait with the batched leaf hash (one that already names
     * this batch is a repeated completion, one that names another batch or holds another leaf hash is left alone and
     * logged), and those are rewritten whole, 25 a BatchWriteItem, as the anchored pointer: one write unit each plus
     * the index delete. Unconditional writes are safe here: only the run holding the lease places pointers, and the
     * backlog consumer only creates a pointer that does not exist.
     */
    @Override
    public int recordAnchored(List<AnchoredLeaf> leaves, Anchor anchor) {
        if (leaves.isEmpty()) return 0;
        InclusionProof any = leaves.get(0).proof();
        Map<String, AttributeValue> batch = new HashMap<>();
        batch.put(PK, s(BATCH_PREFIX + anchor.batchId()));
        batch.put(ROOT, s(any.root()));
        batch.put(TREE_SIZE, n(any.treeSize()));
        batch.put(ANCHOR, s(anchor.toJson().toString()));
        dynamo.putItem(b -> b.tableName(table).item(batch));
        List<List<AnchoredLeaf>> slices = new ArrayList<>();
        for (int from = 0; from < leaves.size(); from += 100) slices.add(leaves.subList(from, Math.min(from + 100, leaves.size())));
        return parallel(slices, slice -> place(slice, anchor.batchId())).stream().mapToInt(Integer::intValue).sum();
    }

    private int place(List<AnchoredLeaf> slice, String batchId) {
        Map<String, Map<String, AttributeValue>> current = new HashMap<>();
        KeysAndAttributes ask = KeysAndAttributes.builder().consistentRead(true)
                .keys(slice.stream().map(l -> Map.of(PK, s(pointerKey(l.leaf().tenantId(), l.leaf().sessionId())))).toList()).build();
        Map<String, KeysAndAttributes> request = Map.of(table, ask);
        while (!request.isEmpty()) {
            Map<String, KeysAndAttributes> asking = request;
            BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(asking));
            response.responses().getOrDefault(table, List.of()).forEach(item -> current.put(item.get(PK).s(), item));
            request = response.unprocessedKeys();
        }
        List<Map<String, AttributeValue>> writes = new ArrayList<>();
        for (AnchoredLeaf anchored : slice) {
            PendingLeaf leaf = anchored.leaf();
            Map<String, AttributeValue> pointer = current.get(pointerKey(leaf.tenantId(), leaf.sessionId()));
            AttributeValue existing = pointer == null ? null : pointer.get(BATCH);
            if (existing != null && existing.s().equals(batchId)) continue; // a repeated completion
            if (pointer == null || existing != null || !pointer.containsKey(LEAF_HASH) || !leaf.leafHash().equals(pointer.get(LEAF_HASH).s())) {
                Log.warn("session not anchored: its pointer is missing, changed or already names another batch",
                        "tenantId", leaf.tenantId(), "sessionId", leaf.sessionId(), "batchId", batchId,
                        "existingBatch", existing == null ? "none" : existing.s());
                continue;
            }
            writes.add(placed(pointer, anchored.proof(), batchId));
        }
        for (int from = 0; from < writes.size(); from += 25) {
            Map<String, List<WriteRequest>> put = Map.of(table, writes.subList(from, Math.min(from + 25, writes.size())).stream()
                    .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build()).toList());
            while (!put.isEmpty()) {
                Map<String, List<WriteRequest>> putting = put;
                put = dynamo.batchWriteItem(b -> b.requestItems(putting)).unprocessedItems();
            }
        }
        return writes.size();
    }

    /**
     * The anchored pointer: key, application and day as before; batch, leaf index and audit path instead of the backlog
     * attributes and the leaf hash (which stays on the session item; here it only guarded the placement).
     */
    private static Map<String, AttributeValue> placed(Map<String, AttributeValue> pending, InclusionProof proof, String batchId) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, pending.get(PK));
        item.put(APPLICATION, pending.get(APPLICATION));
        item.put(DAY, pending.get(DAY));
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

    /** The session a pointer image names: tenant, sessionId, applicationId, day. */
    static String[] session(Map<String, AttributeValue> pointer) {
        String[] named = named(pointer.get(PK).s());
        return new String[] {named[0], named[1], pointer.get(APPLICATION).s(), pointer.get(DAY).s()};
    }

    // ---- plumbing ----

    private List<Map<String, AttributeValue>> consistentRead(List<String> keys, String projection) {
        return read(keys, projection, true);
    }

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

    /** Created on first use, after a SnapStart restore: no thread is in the snapshot. */
    private static ExecutorService pool() {
        if (pool == null) {
            synchronized (DynamoAnchorPointers.class) {
                if (pool == null) {
                    pool = Executors.newFixedThreadPool(PARALLELISM, runnable -> {
                        Thread thread = new Thread(runnable, "anchor-pointers");
                        thread.setDaemon(true);
                        return thread;
                    });
                }
            }
        }
        return pool;
    }
}
