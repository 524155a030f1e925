package dev.veriproof.adapters.dynamo;

import static dev.veriproof.adapters.dynamo.Attributes.s;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * What the governance records' stores (SPEC §8: deployments, SDK telemetry, guardrail configurations, plans, settings)
 * share in the governance table: one partition per tenant ({@code TENANT#<t>}), a sort-key prefix per record kind,
 * consistent reads. Each store owns its record kind's sort keys and attributes; administrative writes go through
 * {@link DynamoAuditLog#appendWith}, in one transaction with their audit entry.
 */
record GovernanceTable(DynamoDbClient client, String name) {
    static final String IS_NEW = "attribute_not_exists(pk)";

    /** Empty if written; the stored item if one with the key existed (nothing written). */
    Optional<Map<String, AttributeValue>> putIfNew(Map<String, AttributeValue> item) {
        try {
            client.putItem(r -> r.tableName(name).item(item).conditionExpression(IS_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            if (e.hasItem() && !e.item().isEmpty()) return Optional.of(e.item());
            return Optional.of(get(item.get("pk").s().substring("TENANT#".length()), item.get("sk").s()).orElseThrow(() -> e));
        }
    }

    /** A put for a transaction (with its audit entry), written only if {@code condition} holds; null for none. */
    TransactWriteItem put(Map<String, AttributeValue> item, String condition) {
        return TransactWriteItem.builder().put(Put.builder().tableName(name).item(item).conditionExpression(condition).build()).build();
    }

    Optional<Map<String, AttributeValue>> get(String tenantId, String sk) {
        Map<String, AttributeValue> item = client.getItem(r -> r.tableName(name).consistentRead(true)
                .key(Map.of("pk", s(KeyItem.tenantPk(tenantId)), "sk", s(sk)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** The items under the given keys ({@code pk}, {@code sk}) that exist, by key: consistent batch reads of 100 keys. */
    Map<Map<String, AttributeValue>, Map<String, AttributeValue>> getAll(Collection<Map<String, AttributeValue>> keys) {
        Map<Map<String, AttributeValue>, Map<String, AttributeValue>> found = new HashMap<>();
        List<Map<String, AttributeValue>> all = List.copyOf(keys);
        for (int from = 0; from < all.size(); from += 100) {
            Map<String, KeysAndAttributes> request = Map.of(name, KeysAndAttributes.builder()
                    .keys(all.subList(from, Math.min(from + 100, all.size()))).consistentRead(true).build());
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> ask = request;
                BatchGetItemResponse response = client.batchGetItem(b -> b.requestItems(ask));
                response.responses().getOrDefault(name, List.of()).forEach(item -> found.put(Map.of("pk", item.get("pk"), "sk", item.get("sk")), item));
                request = response.unprocessedKeys();
            }
        }
        return found;
    }

    /** Every item of the tenant whose sort key starts with {@code skPrefix}, in sort-key order. */
    List<Map<String, AttributeValue>> query(String tenantId, String skPrefix) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        client.queryPaginator(r -> r.tableName(name).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(Map.of(":pk", s(KeyItem.tenantPk(tenantId)), ":prefix", s(skPrefix))))
                .items().forEach(items::add);
        return items;
    }

    /**
     * {@link #query}'s items in the order the API lists timed records in: by application, then by the epoch milliseconds
     * in {@code timeMsAttribute}, then by content hash (whether the prefix names one application or the whole tenant).
     */
    List<Map<String, AttributeValue>> queryByApplicationAndTime(String tenantId, String skPrefix, String timeMsAttribute) {
        return query(tenantId, skPrefix).stream()
                .sorted(Comparator.comparing((Map<String, AttributeValue> i) -> i.get("applicationId").s())
                        .thenComparing(i -> Long.parseLong(i.get(timeMsAttribute).n())).thenComparing(i -> i.get("sha256").s()))
                .toList();
    }

    /** The last item (greatest sort key) of the tenant whose sort key starts with {@code skPrefix}. */
    Optional<Map<String, AttributeValue>> last(String tenantId, String skPrefix) {
        List<Map<String, AttributeValue>> items = client.query(r -> r.tableName(name).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", s(KeyItem.tenantPk(tenantId)), ":prefix", s(skPrefix)))
                .scanIndexForward(false).limit(1)).items();
        return items.isEmpty() ? Optional.empty() : Optional.of(items.get(0));
    }

    static Map<String, AttributeValue> keyed(String tenantId, String sk) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(KeyItem.tenantPk(tenantId)));
        item.put("sk", s(sk));
        return item;
    }

    static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) item.put(name, s(value));
    }

    static String text(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? item.get(name).s() : null;
    }
}
