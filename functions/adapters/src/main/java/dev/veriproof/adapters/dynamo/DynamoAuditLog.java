package dev.veriproof.adapters.dynamo;

import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.audit.AuditCheckpoint;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.audit.AuditLog;
import dev.veriproof.core.json.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * A tenant's audit log in the governance table: entries under {@code TENANT#<t> / AUDIT#<seq>}
 * (zero-padded, so the sort order is the seq order), and a head item {@code TENANT#<t> / AUDITHEAD}
 * holding the last seq and hash. An append is one transaction of (put the entry if its seq is new,
 * move the head if it is still where the entry links to), retried from a fresh head when another
 * append got there first: entries are gap-free and each links to its real predecessor.
 *
 * <p>{@link #appendWith} puts the governance record an entry is about into the same transaction, so
 * that the record and its audit entry exist together or not at all.
 */
public final class DynamoAuditLog implements AuditLog, dev.veriproof.core.anchoring.AuditHeads {
    private static final String HEAD_SK = "AUDITHEAD";
    private static final String CHECKPOINT_SK = "AUDITCHECKPOINT";
    private static final int MAX_ATTEMPTS = 40;

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;

    public DynamoAuditLog(DynamoDbClient client, String governanceTable, Clock clock) {
        this.client = client;
        this.table = governanceTable;
        this.clock = clock;
    }

    /** Either the entry written, or the index of the caller's write whose condition failed (nothing written). */
    public record Appended(Optional<AuditEntry> entry, int refusedWrite) {
        public boolean written() {
            return entry.isPresent();
        }
    }

    @Override
    public AuditEntry append(String tenantId, AuditEvent event) {
        return appendWith(tenantId, event, List.of()).entry().orElseThrow();
    }

    /**
     * Appends the entry and applies {@code writes} in one transaction (at most 98 writes). If one of
     * the writes' own conditions fails, nothing is written and its index is returned.
     */
    public Appended appendWith(String tenantId, AuditEvent event, List<TransactWriteItem> writes) {
        for (int attempt = 1; ; attempt++) {
            AuditChain.Head head = head(tenantId).orElse(AuditChain.Head.EMPTY);
            AuditEntry entry = AuditChain.next(head, event, clock.instant());
            List<TransactWriteItem> items = new ArrayList<>(writes);
            items.add(TransactWriteItem.builder().put(entryPut(tenantId, entry)).build());
            items.add(TransactWriteItem.builder().put(headPut(tenantId, head, entry)).build());
            try {
                // The token makes the SDK's own retries of this attempt idempotent.
                client.transactWriteItems(r -> r.transactItems(items).clientRequestToken(UUID.randomUUID().toString()));
                return new Appended(Optional.of(entry), -1);
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                for (int i = 0; i < writes.size() && i < reasons.size(); i++) {
                    if ("ConditionalCheckFailed".equals(reasons.get(i).code())) return new Appended(Optional.empty(), i);
                }
                boolean contended = reasons.stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()) || "TransactionConflict".equals(r.code()));
                if (!contended || attempt >= MAX_ATTEMPTS) throw e;
                pause(attempt);
            }
        }
    }

    @Override
    public List<AuditEntry> list(String tenantId, long afterSeq, int limit) {
        QueryResponse page = client.query(r -> r.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                .expressionAttributeValues(Map.of(":pk", s(KeyItem.tenantPk(tenantId)),
                        ":from", s(entrySk(afterSeq + 1)), ":to", s("AUDIT#~")))
                .limit(limit));
        return page.items().stream().map(item -> AuditEntry.fromJson(Json.parse(item.get("entry").s()))).toList();
    }

    /** Pages of up to 1 MB, as DynamoDB returns them: a log that fits in one is one request. */
    @Override
    public void forEachAfter(String tenantId, long afterSeq, Consumer<AuditEntry> entry) {
        client.queryPaginator(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                        .expressionAttributeValues(Map.of(":pk", s(KeyItem.tenantPk(tenantId)), ":from", s(entrySk(afterSeq + 1)), ":to", s("AUDIT#~"))))
                .items().forEach(item -> entry.accept(AuditEntry.fromJson(Json.parse(item.get("entry").s()))));
    }

    /** {@code TENANT#<t> / AUDITCHECKPOINT}, outside the entries' key range. */
    @Override
    public Optional<AuditCheckpoint> checkpoint(String tenantId) {
        Map<String, AttributeValue> item = client.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(KeyItem.tenantPk(tenantId)), "sk", s(CHECKPOINT_SK)))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        return Optional.of(new AuditCheckpoint(n(item, "seq"), item.get("hash").s(), n(item, "keyAssignments"), n(item, "downloads"),
                n(item, "sweepSeq"), item.get("sweepHash").s(), n(item, "brokenAt")));
    }

    /** Conditional on the saved checkpoint being still the one read (its seq and sweep), or on there being none. */
    @Override
    public boolean saveCheckpoint(String tenantId, AuditCheckpoint next, Optional<AuditCheckpoint> previous) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(KeyItem.tenantPk(tenantId)));
        item.put("sk", s(CHECKPOINT_SK));
        item.put("seq", n(next.seq()));
        item.put("hash", s(next.hash()));
        item.put("keyAssignments", n(next.keyAssignments()));
        item.put("downloads", n(next.downloads()));
        item.put("sweepSeq", n(next.sweepSeq()));
        item.put("sweepHash", s(next.sweepHash()));
        item.put("brokenAt", n(next.brokenAt()));
        try {
            client.putItem(r -> {
                r.tableName(table).item(item);
                if (previous.isEmpty()) {
                    r.conditionExpression("attribute_not_exists(pk)");
                } else {
                    r.conditionExpression("seq = :seq AND sweepSeq = :sweep AND brokenAt = :broken")
                            .expressionAttributeValues(Map.of(":seq", n(previous.get().seq()), ":sweep", n(previous.get().sweepSeq()),
                                    ":broken", n(previous.get().brokenAt())));
                }
            });
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static long n(Map<String, AttributeValue> item, String name) {
        return Long.parseLong(item.get(name).n());
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    @Override
    public Optional<AuditChain.Head> head(String tenantId) {
        Map<String, AttributeValue> item = client.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(KeyItem.tenantPk(tenantId)), "sk", s(HEAD_SK)))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        return Optional.of(new AuditChain.Head(Long.parseLong(item.get("seq").n()), item.get("hash").s(), item.get("at").s()));
    }

    /** The heads of many tenants, 100 a BatchGetItem, consistent: what anchoring's tenant headers commit. */
    @Override
    public Map<String, AuditChain.Head> heads(java.util.Collection<String> tenants) {
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(tenants));
        Map<String, String> byKey = new HashMap<>();
        all.forEach(t -> byKey.put(KeyItem.tenantPk(t), t));
        Map<String, AuditChain.Head> heads = new HashMap<>();
        for (int from = 0; from < all.size(); from += 100) {
            Map<String, software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes> request = Map.of(table,
                    software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().consistentRead(true)
                            .keys(all.subList(from, Math.min(from + 100, all.size())).stream()
                                    .map(t -> Map.of("pk", s(KeyItem.tenantPk(t)), "sk", s(HEAD_SK))).toList()).build());
            while (!request.isEmpty()) {
                var ask = request;
                var response = client.batchGetItem(r -> r.requestItems(ask));
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                    String tenant = byKey.get(item.get("pk").s());
                    heads.put(tenant, new AuditChain.Head(Long.parseLong(item.get("seq").n()), item.get("hash").s(), item.get("at").s()));
                }
                request = response.unprocessedKeys();
            }
        }
        return heads;
    }

    private Put entryPut(String tenantId, AuditEntry entry) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(KeyItem.tenantPk(tenantId)));
        item.put("sk", s(entrySk(entry.seq())));
        item.put("seq", AttributeValue.fromN(Long.toString(entry.seq())));
        item.put("entry", s(Json.writeString(entry.toJson())));
        return Put.builder().tableName(table).item(item).conditionExpression("attribute_not_exists(pk)").build();
    }

    private Put headPut(String tenantId, AuditChain.Head previous, AuditEntry entry) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(KeyItem.tenantPk(tenantId)));
        item.put("sk", s(HEAD_SK));
        item.put("seq", AttributeValue.fromN(Long.toString(entry.seq())));
        item.put("hash", s(entry.hash()));
        item.put("at", s(entry.at()));
        Put.Builder put = Put.builder().tableName(table).item(item);
        if (previous.seq() == 0) return put.conditionExpression("attribute_not_exists(pk)").build();
        return put.conditionExpression("seq = :previous")
                .expressionAttributeValues(Map.of(":previous", AttributeValue.fromN(Long.toString(previous.seq())))).build();
    }

    static String entrySk(long seq) {
        return String.format("AUDIT#%012d", seq);
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L + Math.min(attempt, 10) * 5L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while appending to the audit log", e);
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
