package dev.veriproof.anchoring;

import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.PendingLeaf;
import dev.veriproof.core.anchoring.PendingSessions;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.InclusionProof;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The backlog is the sparse {@code pending-anchor} index (only pending sessions carry
 * {@code anchorPending}), read in {@code pendingKey} order (received time, then key): no scan.
 * The index is eventually consistent, so every candidate is re-read from the table before it goes
 * into a batch: a session anchored a moment ago must not be anchored again.
 *
 * <p>Anchoring a session sets {@code anchor} and {@code proof} (JSON strings) and removes the
 * index attributes in one conditional update: only a session without an anchor, whose leaf hash is
 * the batched one, is changed.
 */
public final class DynamoPendingSessions implements PendingSessions {
    static final String INDEX = "pending-anchor";
    private static final String PENDING = "PENDING";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoPendingSessions(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public List<PendingLeaf> oldestPending(int limit) {
        List<String> candidates = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(QueryRequest.builder()
                    .tableName(table)
                    .indexName(INDEX)
                    .keyConditionExpression("anchorPending = :p")
                    .expressionAttributeValues(Map.of(":p", s(PENDING)))
                    .projectionExpression("pk")
                    .limit(Math.min(limit - candidates.size(), 1000))
                    .exclusiveStartKey(start)
                    .build());
            page.items().forEach(item -> candidates.add(item.get("pk").s()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && candidates.size() < limit);
        return stillPending(candidates);
    }

    /** Consistent re-read, 100 keys a request, keeping the index order. */
    private List<PendingLeaf> stillPending(List<String> keys) {
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        for (int from = 0; from < keys.size(); from += 100) {
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
                    .keys(keys.subList(from, Math.min(from + 100, keys.size())).stream().map(k -> Map.of("pk", s(k))).toList())
                    .consistentRead(true)
                    .projectionExpression("pk, tenantId, sessionId, leafHash, anchorPending, anchor")
                    .build());
            while (!request.isEmpty()) {
                BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
                response.responses().getOrDefault(table, List.of()).forEach(item -> found.put(item.get("pk").s(), item));
                request = response.unprocessedKeys();
            }
        }
        List<PendingLeaf> pending = new ArrayList<>();
        for (String key : keys) {
            Map<String, AttributeValue> item = found.get(key);
            if (item == null || !item.containsKey("anchorPending")) continue;
            if (item.containsKey("anchor")) {
                // anchored, yet back in the index (a writer restored the attribute): take it out, never re-anchor it
                leaveIndex(key);
            } else {
                pending.add(new PendingLeaf(key, item.get("tenantId").s(), item.get("sessionId").s(), item.get("leafHash").s()));
            }
        }
        return pending;
    }

    private void leaveIndex(String key) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of("pk", s(key)))
                    .updateExpression("REMOVE anchorPending, pendingKey")
                    .conditionExpression("attribute_exists(anchor)"));
        } catch (ConditionalCheckFailedException e) {
            // gone or changed meanwhile: the next run looks again
        }
    }

    @Override
    public Recorded recordAnchored(PendingLeaf leaf, InclusionProof proof, Anchor anchor) {
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        values.put(":anchor", s(anchor.toJson().toString()));
        values.put(":proof", s(proof.toJson().toString()));
        values.put(":leaf", s(leaf.leafHash()));
        values.put(":batch", s(anchor.batchId()));
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of("pk", s(leaf.sessionKey())))
                    .updateExpression("SET anchor = :anchor, proof = :proof, anchorBatchId = :batch REMOVE anchorPending, pendingKey")
                    .conditionExpression("attribute_exists(pk) AND attribute_not_exists(anchor) AND leafHash = :leaf")
                    .expressionAttributeValues(values)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Recorded.ANCHORED;
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> old = e.hasItem() ? e.item() : Map.of();
            AttributeValue batch = old.get("anchorBatchId");
            if (batch != null && batch.s().equals(anchor.batchId())) return Recorded.ALREADY_IN_BATCH;
            dev.veriproof.adapters.Log.warn("session not anchored: it changed or already carries another anchor",
                    "session", leaf.sessionKey(), "batchId", anchor.batchId(), "existingBatch", batch == null ? "none" : batch.s());
            return Recorded.CONFLICT;
        }
    }

    /** The proof and anchor stored on a session, if it has been anchored. */
    public static java.util.Optional<Anchored> anchored(Map<String, AttributeValue> item) {
        if (item == null || !item.containsKey("anchor") || !item.containsKey("proof")) return java.util.Optional.empty();
        return java.util.Optional.of(new Anchored(InclusionProof.fromJson(Json.parse(item.get("proof").s())),
                Anchor.fromJson(Json.parse(item.get("anchor").s()))));
    }

    public record Anchored(InclusionProof proof, Anchor anchor) {}

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
