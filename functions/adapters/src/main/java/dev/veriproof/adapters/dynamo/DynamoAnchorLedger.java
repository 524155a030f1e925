package dev.veriproof.adapters.dynamo;

import static dev.veriproof.adapters.dynamo.Attributes.n;
import static dev.veriproof.adapters.dynamo.Attributes.s;

import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.AnchorBatch;
import dev.veriproof.core.anchoring.AnchorLedger;
import dev.veriproof.core.anchoring.PendingLeaf;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
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
 * <li>{@code INCIDENT#ANCHORING / <at>#<uuid>}: one item per failed run, for the evidence export.</li>
 * </ul>
 */
public final class DynamoAnchorLedger implements AnchorLedger {
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
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(b -> b.tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :leaves)")
                    .expressionAttributeValues(Map.of(":pk", s(batchPk(batchId)), ":leaves", s("LEAVES#")))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> chunk : page.items()) {
                for (String line : chunk.get("leaves").s().split("\n")) {
                    String[] f = line.split("\t", -1);
                    // tenant, sessionId, leafHash; a batch opened before pointers also led with the session's item key
                    int at = f.length == 4 ? 1 : 0;
                    leaves.add(new PendingLeaf(f[at], f[at + 1], f[at + 2]));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        int treeSize = Integer.parseInt(meta.get("treeSize").n());
        if (leaves.size() != treeSize) {
            throw new IllegalStateException("open batch " + batchId + " records " + treeSize + " leaves but " + leaves.size() + " were read");
        }
        return Optional.of(new AnchorBatch(batchId, meta.get("root").s(), leaves, Instant.parse(meta.get("createdAt").s()),
                Long.parseLong(meta.get("nonce").n()), meta.get("txHash").s(), meta.get("rawTransaction").s(),
                Long.parseLong(meta.get("fromBlock").n())));
    }

    @Override
    public void saveOpenBatch(AnchorBatch batch) {
        String pk = batchPk(batch.batchId());
        List<PendingLeaf> leaves = batch.leaves();
        // the leaves first, in parallel: a META item that is visible always has all of them
        DynamoAnchorPointers.parallel(java.util.stream.IntStream.range(0, (leaves.size() + CHUNK - 1) / CHUNK).boxed().toList(), chunk -> {
            StringBuilder lines = new StringBuilder();
            for (PendingLeaf leaf : leaves.subList(chunk * CHUNK, Math.min((chunk + 1) * CHUNK, leaves.size()))) {
                if (lines.length() > 0) lines.append('\n');
                lines.append(leaf.tenantId()).append('\t').append(leaf.sessionId()).append('\t').append(leaf.leafHash());
            }
            Map<String, AttributeValue> item = Map.of("pk", s(pk), "sk", s(String.format("LEAVES#%05d", chunk)), "leaves", s(lines.toString()));
            dynamo.putItem(b -> b.tableName(table).item(item));
            return null;
        });
        Map<String, AttributeValue> meta = new HashMap<>();
        meta.put("pk", s(pk));
        meta.put("sk", s("META"));
        meta.put("batchId", s(batch.batchId()));
        meta.put("root", s(batch.root()));
        meta.put("treeSize", n(batch.treeSize()));
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

    @Override
    public void completeBatch(AnchorBatch batch, Anchor anchor, Instant at) {
        close(batch, "ANCHORED", "anchor", anchor.toJson().toString(), at);
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
        Map<String, AttributeValue> item = get(RUN, "RETRY");
        if (item == null) return RetryState.NONE;
        return new RetryState(Integer.parseInt(item.get("failures").n()), Instant.parse(item.get("notBefore").s()));
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
