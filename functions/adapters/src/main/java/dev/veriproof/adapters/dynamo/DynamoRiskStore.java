package dev.veriproof.adapters.dynamo;

import static dev.veriproof.adapters.dynamo.Attributes.n;
import static dev.veriproof.adapters.dynamo.Attributes.s;
import static dev.veriproof.adapters.dynamo.KeyItem.tenantPk;

import dev.veriproof.core.risk.RiskStore;
import dev.veriproof.core.session.RiskLevel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * An application's current risk classification ({@code RISK#<app>}) and every change of it
 * ({@code RISKHIST#<app>#<time>#<version>}), written together in one transaction conditional on the
 * version read, so that concurrent evaluations record each change once.
 */
public final class DynamoRiskStore implements RiskStore {

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoRiskStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /**
     * SnapStart priming: a stored classification read and mapped, with no I/O ({@link PrimingDynamoDb}); the priming
     * tenant has none, so a first request that finds one would run this cold. Answers what was read back.
     */
    public static Classification warmUpRead() {
        Map<String, AttributeValue> item = Map.of("pk", s(tenantPk("priming")), "sk", s("RISK#priming"), "declared", s("LOW"),
                "observed", s("LOW"), "effective", s("LOW"), "reason", s("priming"), "changedAt", s("2026-01-01T00:00:00Z"),
                "version", AttributeValue.fromN("1"));
        return new DynamoRiskStore(PrimingDynamoDb.answering(item), "priming").find("priming", "priming").orElseThrow();
    }

    @Override
    public Optional<Classification> find(String tenantId, String applicationId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(tenantPk(tenantId)), "sk", s("RISK#" + applicationId)))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        return Optional.of(new Classification(level(item, "declared"), level(item, "observed"), level(item, "effective"),
                item.get("reason").s(), Instant.parse(item.get("changedAt").s()), Long.parseLong(item.get("version").n())));
    }

    /**
     * Records {@code next} if it differs from the stored classification; false if nothing changed
     * or someone else recorded a change first (the caller re-reads and decides again).
     */
    @Override
    public boolean record(String tenantId, String applicationId, Optional<Classification> current, Classification next) {
        if (current.isPresent() && current.get().observed() == next.observed() && current.get().effective() == next.effective()
                && current.get().declared() == next.declared()) {
            return false;
        }
        long version = current.map(Classification::version).orElse(0L) + 1;
        Map<String, AttributeValue> risk = new HashMap<>();
        risk.put("pk", s(tenantPk(tenantId)));
        risk.put("sk", s("RISK#" + applicationId));
        put(risk, "declared", next.declared());
        put(risk, "observed", next.observed());
        put(risk, "effective", next.effective());
        risk.put("reason", s(next.reason()));
        risk.put("changedAt", s(next.changedAt().toString()));
        risk.put("version", n(Long.toString(version)));
        Map<String, AttributeValue> history = new HashMap<>();
        history.put("pk", s(tenantPk(tenantId)));
        history.put("sk", s("RISKHIST#" + applicationId + "#" + next.changedAt() + "#" + String.format("%012d", version)));
        history.put("at", s(next.changedAt().toString()));
        current.ifPresent(c -> {
            put(history, "oldEffective", c.effective());
            put(history, "oldObserved", c.observed());
        });
        put(history, "newEffective", next.effective());
        put(history, "newObserved", next.observed());
        put(history, "declared", next.declared());
        history.put("reason", s(next.reason()));
        Put guarded = Put.builder().tableName(table).item(risk)
                .conditionExpression(current.isPresent() ? "version = :v" : "attribute_not_exists(pk)")
                .expressionAttributeValues(current.isPresent() ? Map.of(":v", n(Long.toString(current.get().version()))) : null)
                .build();
        try {
            dynamo.transactWriteItems(r -> r.transactItems(TransactWriteItem.builder().put(guarded).build(),
                    TransactWriteItem.builder().put(p -> p.tableName(table).item(history)).build()));
            return true;
        } catch (TransactionCanceledException e) {
            return false;
        }
    }

    /** Every recorded change, oldest first. */
    @Override
    public List<Change> history(String tenantId, String applicationId) {
        List<Change> changes = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(r -> r.tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", s(tenantPk(tenantId)), ":prefix", s("RISKHIST#" + applicationId + "#")))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                changes.add(new Change(Instant.parse(item.get("at").s()), level(item, "oldEffective"), level(item, "newEffective"),
                        level(item, "oldObserved"), level(item, "newObserved"), level(item, "declared"), item.get("reason").s()));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return changes;
    }

    private static void put(Map<String, AttributeValue> item, String name, RiskLevel level) {
        if (level != null) item.put(name, s(level.name()));
    }

    private static RiskLevel level(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : RiskLevel.valueOf(value.s());
    }
}
