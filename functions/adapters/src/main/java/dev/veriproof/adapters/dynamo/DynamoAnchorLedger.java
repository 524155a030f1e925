package dev.veriproof.adapters.dynamo;

import static dev.veriproof.adapters.dynamo.Attributes.n;
import static dev.veriproof.adapters.dynamo.Attributes.s;

import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.AnchorBatch;
import dev.veriproof.core.anchoring.AnchorLedger;
import dev.veriproof.core.anchoring.PendingLeaf;
import dev.veriproof.core.anchoring.TenantBatch;
import dev.veriproof.core.anchoring.TenantBatches;
import dev.veriproof.core.anchoring.TenantHeader;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.InclusionProof;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The anchoring run's records in the governance table, outside every tenant's partition:
 * <ul>
 * <li>{@code ANCHOR#RUN / LEASE}: the run lease (owner, until); {@code ANCHOR#RUN / OPEN}: the id of
 *     the batch prepared and not yet closed; {@code ANCHOR#RUN / RETRY}: consecutive failures and
 *     the earliest next attempt.</li>
 * <li>{@code ANCHOR#BATCH#<id> / META}: root, size, signed transaction, status (OPEN, ANCHORED,
 *     ABANDONED), the anchor once known; listed in time order through {@code gsi1} ({@code ANCHORS}).
 *     {@code ANCHOR#BATCH#<id> / LEAVES#nnnnn}: the ordered leaves, {@value #CHUNK} a item (an item
 *     holds at most 400 KB).</li>
 *     {@code ANCHOR#BATCH#<id> / HEADERS#nnnnn}: a format-2 batch's tenant headers in tree order, as decided when it was
 *     prepared (META's {@code format} is 2; batches without it are format 1).</li>
 * <li>{@code ANCHOR#TENANT#<tenant> / HEAD}: the tenant's batch chain head ({@code seq}, {@code headerHash},
 *     {@code batchId}); {@code ANCHOR#TENANT#<tenant> / BATCH#<seq, 12 digits>}: the tenant's part of an anchored batch
 *     (header JSON, its leaf index and audit path, root, tree size, anchor, where its sessions are in the batch's
 *     leaves); {@code ANCHOR#TENANT#<tenant> / BATCHID#<batchId>}: that part's seq. Written when the batch completes,
 *     before the head moves.</li>
 * <li>{@code INCIDENT#ANCHORING / <at>#<uuid>}: one item per failed run, for the evidence export.</li>
 * </ul>
 */
public final class DynamoAnchorLedger implements AnchorLedger, TenantBatches {
    static final int CHUNK = 500;
    static final String RUN = "ANCHOR#RUN";
    static final String INCIDENTS = "INCIDENT#ANCHORING";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoAnchorLedger(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static String batchPk(String batchId) {
        return "ANCHOR#BATCH#" + batchId;
    }

    @Override
    public boolean acquireLease(String owner, Instant now, Instant until) {
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(Map.of("pk", s(RUN), "sk", s("LEASE"), "owner", s(owner), "leaseUntil", n(until.toEpochMilli())))
                    // our own owner too: a retried put whose first attempt went through (its answer lost) still holds the lease
                    .conditionExpression("attribute_not_exists(pk) OR leaseUntil < :now OR #o = :owner")
                    .expressionAttributeNames(Map.of("#o", "owner"))
                    .expressionAttributeValues(Map.of(":now", n(now.toEpochMilli()), ":owner", s(owner))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void releaseLease(String owner) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(key(RUN, "LEASE"))
                    .conditionExpression("#o = :owner")
                    .expressionAttributeNames(Map.of("#o", "owner"))
                    .expressionAttributeValues(Map.of(":owner", s(owner))));
        } catch (ConditionalCheckFailedException e) {
            // the lease expired and another run holds it now: not ours to release
        }
    }

    @Override
    public Optional<AnchorBatch> openBatch() {
        Map<String, AttributeValue> pointer = get(RUN, "OPEN");
        if (pointer == null) return Optional.empty();
        String batchId = pointer.get("batchId").s();
        Map<String, AttributeValue> meta = get(batchPk(batchId), "META");
        if (meta == null) throw new IllegalStateException("open batch " + batchId + " has no META item");
        List<PendingLeaf> leaves = new ArrayList<>();
        chunks(batchId, "LEAVES#", "LEAVES#~", line -> leaves.add(leaf(line)));
        List<TenantHeader> headers = new ArrayList<>();
        chunks(batchId, "HEADERS#", "HEADERS#~", line -> {
            String[] f = line.split("\t", -1);
            headers.add(new TenantHeader(f[0], Long.parseLong(f[1]), f[2], Long.parseLong(f[3]), Long.parseLong(f[4]), f[5]));
        });
        int format = meta.containsKey("format") ? Integer.parseInt(meta.get("format").n()) : AnchorBatch.SESSIONS_ONLY;
        AnchorBatch batch = new AnchorBatch(batchId, format, meta.get("root").s(), leaves, headers, Instant.parse(meta.get("createdAt").s()),
                Long.parseLong(meta.get("nonce").n()), meta.get("txHash").s(), meta.get("rawTransaction").s(),
                Long.parseLong(meta.get("fromBlock").n()));
        int treeSize = Integer.parseInt(meta.get("treeSize").n());
        if (batch.treeSize() != treeSize) {
            throw new IllegalStateException("open batch " + batchId + " records " + treeSize + " leaves but " + batch.treeSize() + " were read");
        }
        return Optional.of(batch);
    }

    /** tenant, sessionId, leafHash; a batch opened before pointers also led with the session's item key. */
    private static PendingLeaf leaf(String line) {
        String[] f = line.split("\t", -1);
        int at = f.length == 4 ? 1 : 0;
        return new PendingLeaf(f[at], f[at + 1], f[at + 2]);
    }

    /** The lines of the batch's chunk items with {@code from <= sk < to}, in order. */
    private void chunks(String batchId, String from, String to, java.util.function.Consumer<String> line) {
        for (Map<String, AttributeValue> chunk : dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(":pk", s(batchPk(batchId)), ":from", s(from), ":to", s(to)))).items()) {
            if (chunk.get("sk").s().equals(to)) continue;
            // "leaves" in batches opened before headers
            for (String text : chunk.getOrDefault("lines", chunk.get("leaves")).s().split("\n")) line.accept(text);
        }
    }

    @Override
    public void saveOpenBatch(AnchorBatch batch) {
        String pk = batchPk(batch.batchId());
        // the leaves and headers first: a META item that is visible always has all of them
        writeChunks(pk, "LEAVES#", batch.leaves().stream().map(l -> l.tenantId() + "\t" + l.sessionId() + "\t" + l.leafHash()).toList());
        writeChunks(pk, "HEADERS#", batch.headers().stream().map(h -> String.join("\t", h.tenant(), Long.toString(h.seq()), h.prev(),
                Long.toString(h.count()), Long.toString(h.auditSeq()), h.auditHash())).toList());
        Map<String, AttributeValue> meta = new HashMap<>();
        meta.put("pk", s(pk));
        meta.put("sk", s("META"));
        meta.put("batchId", s(batch.batchId()));
        meta.put("root", s(batch.root()));
        meta.put("treeSize", n(batch.treeSize()));
        meta.put("format", n(batch.format()));
        meta.put("createdAt", s(batch.createdAt().toString()));
        meta.put("nonce", n(batch.nonce()));
        meta.put("txHash", s(batch.txHash()));
        meta.put("rawTransaction", s(batch.rawTransaction()));
        meta.put("fromBlock", n(batch.fromBlock()));
        meta.put("status", s("OPEN"));
        meta.put("gsi1pk", s("ANCHORS"));
        meta.put("gsi1sk", s(batch.createdAt() + "#" + batch.batchId()));
        dynamo.transactWriteItems(b -> b.transactItems(
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(meta)
                        .conditionExpression("attribute_not_exists(pk)").build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table)
                        .item(Map.of("pk", s(RUN), "sk", s("OPEN"), "batchId", s(batch.batchId())))
                        .conditionExpression("attribute_not_exists(pk)").build()).build()));
    }

    private void writeChunks(String pk, String prefix, List<String> lines) {
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < lines.size(); from += CHUNK) chunks.add(lines.subList(from, Math.min(from + CHUNK, lines.size())));
        DynamoAnchorPointers.parallel(java.util.stream.IntStream.range(0, chunks.size()).boxed().toList(), chunk -> {
            Map<String, AttributeValue> item = Map.of("pk", s(pk), "sk", s(String.format("%s%05d", prefix, chunk)),
                    "lines", s(String.join("\n", chunks.get(chunk))));
            dynamo.putItem(b -> b.tableName(table).item(item));
            return null;
        });
    }

    @Override
    public void completeBatch(AnchorBatch batch, Anchor anchor, List<TenantBatch> tenants, Instant at) {
        // the tenants' parts 25 a BatchWriteItem (a request costs more than a small item), then each head once they are all there
        List<Map<String, AttributeValue>> parts = new ArrayList<>();
        for (TenantBatch tenant : tenants) parts.addAll(tenantBatchItems(batch, tenant));
        List<List<Map<String, AttributeValue>>> calls = new ArrayList<>();
        for (int from = 0; from < parts.size(); from += 25) calls.add(parts.subList(from, Math.min(from + 25, parts.size())));
        DynamoAnchorPointers.parallel(calls, call -> {
            DynamoAnchorPointers.batchPut(dynamo, table, call);
            return null;
        });
        DynamoAnchorPointers.parallel(tenants, tenant -> {
            advanceHead(tenant);
            return null;
        });
        close(batch, "ANCHORED", "anchor", anchor.toJson().toString(), at);
    }

    static String tenantPk(String tenantId) {
        return "ANCHOR#TENANT#" + tenantId;
    }

    private static List<Map<String, AttributeValue>> tenantBatchItems(AnchorBatch batch, TenantBatch tenant) {
        TenantHeader header = tenant.header();
        String pk = tenantPk(header.tenant());
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk));
        item.put("sk", s(String.format("BATCH#%012d", header.seq())));
        item.put("batchId", s(batch.batchId()));
        item.put("header", s(new String(Canonical.jcs(header.toJson()), StandardCharsets.UTF_8)));
        item.put("headerLeafHash", s(tenant.headerLeafHash()));
        item.put("headerProof", s(tenant.headerProof().toJson().toString()));
        item.put("anchor", s(tenant.anchor().toJson().toString()));
        item.put("sessionOffset", n(tenant.sessionOffset()));
        return List.of(item, Map.of("pk", s(pk), "sk", s("BATCHID#" + batch.batchId()), "seq", n(header.seq())));
    }

    /** The head moves from the header's predecessor to the header, once; finding it at the header already is a repeat. */
    private void advanceHead(TenantBatch tenant) {
        TenantHeader header = tenant.header();
        Map<String, AttributeValue> key = key(tenantPk(header.tenant()), "HEAD");
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key)
                    .updateExpression("SET seq = :seq, headerHash = :hash, batchId = :batch")
                    .conditionExpression(header.seq() == 1 ? "attribute_not_exists(pk)" : "seq = :prev AND headerHash = :prevHash")
                    .expressionAttributeValues(header.seq() == 1
                            ? Map.of(":seq", n(header.seq()), ":hash", s(tenant.headerLeafHash()), ":batch", s(tenant.batchId()))
                            : Map.of(":seq", n(header.seq()), ":hash", s(tenant.headerLeafHash()), ":batch", s(tenant.batchId()),
                                    ":prev", n(header.seq() - 1), ":prevHash", s(header.prev()))));
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> head = get(tenantPk(header.tenant()), "HEAD");
            if (head != null && tenant.batchId().equals(head.get("batchId").s())) return; // a repeated completion
            throw new IllegalStateException("tenant " + header.tenant() + ": batch chain head is not at seq " + (header.seq() - 1)
                    + " as batch " + tenant.batchId() + " was prepared; found " + (head == null ? "none" : head.get("seq").n()));
        }
    }

    @Override
    public Map<String, TenantHeader.ChainHead> tenantHeads(Collection<String> tenants) {
        Map<String, TenantHeader.ChainHead> heads = new HashMap<>();
        for (Map<String, AttributeValue> item : batchGet(tenants.stream().map(t -> key(tenantPk(t), "HEAD")).toList())) {
            heads.put(item.get("pk").s().substring(tenantPk("").length()),
                    new TenantHeader.ChainHead(Long.parseLong(item.get("seq").n()), item.get("headerHash").s()));
        }
        return heads;
    }

    // ---- the tenants' batch chains ----

    @Override
    public List<TenantBatch> tenantBatches(String tenantId, long fromSeq, long toSeq) {
        List<TenantBatch> batches = new ArrayList<>();
        dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                        .expressionAttributeValues(Map.of(":pk", s(tenantPk(tenantId)), ":from", s(String.format("BATCH#%012d", fromSeq)),
                                ":to", s(String.format("BATCH#%012d", toSeq)))))
                .items().forEach(item -> batches.add(tenantBatch(item)));
        return batches;
    }

    @Override
    public Optional<TenantBatch> tenantBatch(String tenantId, String batchId) {
        Map<String, AttributeValue> seq = get(tenantPk(tenantId), "BATCHID#" + batchId);
        if (seq == null) return Optional.empty();
        return Optional.ofNullable(get(tenantPk(tenantId), String.format("BATCH#%012d", Long.parseLong(seq.get("seq").n())))).map(this::tenantBatch);
    }

    @Override
    public List<BatchSession> sessions(TenantBatch batch) {
        int from = batch.sessionOffset();
        int count = (int) batch.header().count();
        List<BatchSession> sessions = new ArrayList<>(count);
        int[] position = {from / CHUNK * CHUNK};
        chunks(batch.batchId(), String.format("LEAVES#%05d", from / CHUNK), String.format("LEAVES#%05d", (from + count - 1) / CHUNK + 1), line -> {
            int at = position[0]++;
            if (at < from || at >= from + count) return;
            PendingLeaf leaf = leaf(line);
            if (!leaf.tenantId().equals(batch.header().tenant())) {
                throw new IllegalStateException("batch " + batch.batchId() + ": leaf " + at + " is not of tenant " + batch.header().tenant());
            }
            sessions.add(new BatchSession(leaf.sessionId(), leaf.leafHash(), batch.firstSessionIndex() + (at - from)));
        });
        return sessions;
    }

    private TenantBatch tenantBatch(Map<String, AttributeValue> item) {
        return new TenantBatch(item.get("batchId").s(), TenantHeader.fromJson(Json.parse(item.get("header").s())),
                InclusionProof.fromJson(Json.parse(item.get("headerProof").s())), Anchor.fromJson(Json.parse(item.get("anchor").s())),
                Integer.parseInt(item.get("sessionOffset").n()));
    }

    private List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += 100) {
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
                    .keys(keys.subList(from, Math.min(from + 100, keys.size()))).consistentRead(true).build());
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> ask = request;
                var response = dynamo.batchGetItem(b -> b.requestItems(ask));
                items.addAll(response.responses().getOrDefault(table, List.of()));
                request = response.unprocessedKeys();
            }
        }
        return items;
    }

    @Override
    public void abandonBatch(AnchorBatch batch, String reason, Instant at) {
        close(batch, "ABANDONED", "reason", reason, at);
    }

    private void close(AnchorBatch batch, String status, String field, String value, Instant at) {
        dynamo.transactWriteItems(b -> b.transactItems(
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(batchPk(batch.batchId()), "META"))
                        .updateExpression("SET #s = :status, #f = :value, closedAt = :at")
                        .conditionExpression("#s = :open")
                        .expressionAttributeNames(Map.of("#s", "status", "#f", field))
                        .expressionAttributeValues(Map.of(":status", s(status), ":value", s(value), ":at", s(at.toString()), ":open", s("OPEN")))
                        .build()).build(),
                TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(key(RUN, "OPEN"))
                        .conditionExpression("batchId = :id")
                        .expressionAttributeValues(Map.of(":id", s(batch.batchId()))).build()).build()));
    }

    @Override
    public RetryState retryState() {
        return retry(get(RUN, "RETRY"));
    }

    private static RetryState retry(Map<String, AttributeValue> item) {
        if (item == null) return RetryState.NONE;
        return new RetryState(Integer.parseInt(item.get("failures").n()), Instant.parse(item.get("notBefore").s()));
    }

    /** The run's partition ({@code LEASE}, {@code OPEN}, {@code RETRY}) in one consistent Query. */
    @Override
    public RunState runState() {
        Map<String, AttributeValue> retry = null;
        boolean open = false;
        for (Map<String, AttributeValue> item : dynamo.query(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(RUN)))).items()) {
            switch (item.get("sk").s()) {
                case "RETRY" -> retry = item;
                case "OPEN" -> open = true;
                default -> { }
            }
        }
        return new RunState(retry(retry), open);
    }

    @Override
    public void recordFailure(Incident incident, RetryState next) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(INCIDENTS));
        item.put("sk", s(incident.at() + "#" + UUID.randomUUID()));
        item.put("kind", s("anchoring_failure"));
        item.put("at", s(incident.at().toString()));
        item.put("reason", s(incident.reason() == null ? "unknown" : incident.reason()));
        item.put("pendingSessions", n(incident.pendingSessions()));
        incident.batchId().ifPresent(id -> item.put("batchId", s(id)));
        dynamo.putItem(b -> b.tableName(table).item(item));
        dynamo.putItem(b -> b.tableName(table).item(Map.of("pk", s(RUN), "sk", s("RETRY"),
                "failures", n(next.failures()), "notBefore", s(next.notBefore().toString()))));
    }

    @Override
    public void clearFailures() {
        dynamo.deleteItem(b -> b.tableName(table).key(key(RUN, "RETRY")));
    }

    @Override
    public Optional<Instant> lastAnchoredAt() {
        for (Map<String, AttributeValue> item : dynamo.queryPaginator(b -> b.tableName(table).indexName("gsi1")
                .keyConditionExpression("gsi1pk = :anchors").scanIndexForward(false)
                .expressionAttributeValues(Map.of(":anchors", s("ANCHORS")))).items()) {
            if (item.containsKey("status") && "ANCHORED".equals(item.get("status").s()) && item.containsKey("closedAt")) {
                return Optional.of(Instant.parse(item.get("closedAt").s()));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Incident> incidents() {
        List<Incident> incidents = new ArrayList<>();
        dynamo.queryPaginator(b -> b.tableName(table).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(INCIDENTS))))
                .items().forEach(item -> incidents.add(new Incident(Instant.parse(item.get("at").s()), item.get("reason").s(),
                        Integer.parseInt(item.get("pendingSessions").n()),
                        Optional.ofNullable(item.get("batchId")).map(AttributeValue::s))));
        return incidents;
    }

    private Map<String, AttributeValue> get(String pk, String sk) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key(pk, sk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", s(pk), "sk", s(sk));
    }
}
