package dev.veriproof.adapters.dynamo;

import dev.veriproof.core.aggregation.DailyRollup;
import dev.veriproof.core.aggregation.ModelRollup;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.hash.Hashes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Per (tenant, application, UTC day) rollups in the governance table ({@code TENANT#t} /
 * {@code ROLLUP#<app>#<day>}), updated exactly once per session event.
 *
 * <p>Why markers: stream delivery is at-least-once and a retried batch may be split or overlap an
 * earlier one, so the rollup must know which events it already holds. A Lambda stream event does
 * not name its shard, so per-shard sequence watermarks are not available, and a set of applied ids
 * inside the rollup item would outgrow the 400 KB item limit. Instead each group of events is one
 * {@code TransactWriteItems}: a single {@code ADD} of the group's summed counters plus, per event,
 * a marker item put with {@code attribute_not_exists}. A replayed event fails its marker's condition,
 * which cancels the whole transaction; the events whose markers exist are dropped and the rest is
 * committed again. Markers carry a TTL of {@link #MARKER_DAYS} days: a stream keeps records 24 hours,
 * so no replay can arrive after that (the alerts' markers live as long).
 *
 * <p>Per-model rollups ({@code MODELROLLUP#<app>#<day>#<hash of the model>}) are updated in the same
 * transaction, so they count exactly once too. They are items of their own because model names are
 * the client's free text: any number of them must not grow the day's item towards its size limit.
 */
public final class DynamoRollupStore implements RollupStore {
    static final int MARKER_DAYS = DynamoAlertStore.MARKER_DAYS;
    private static final int TRANSACTION_ITEMS = 100;
    static final int MODEL_NAME_SHOWN = 200;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoRollupStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public List<String> applyOnce(String tenantId, String applicationId, LocalDate day, List<Counted> events, Instant now) {
        List<String> counted = new ArrayList<>();
        List<Counted> chunk = new ArrayList<>();
        Set<String> models = new HashSet<>();
        for (Counted event : events) {
            boolean newModel = event.countsModel() && !models.contains(event.model());
            if (chunk.size() + models.size() + 1 + (newModel ? 2 : 1) > TRANSACTION_ITEMS) {
                counted.addAll(applyChunk(tenantId, applicationId, day, chunk, now));
                chunk = new ArrayList<>();
                models.clear();
            }
            chunk.add(event);
            if (event.countsModel()) models.add(event.model());
        }
        if (!chunk.isEmpty()) counted.addAll(applyChunk(tenantId, applicationId, day, chunk, now));
        return counted;
    }

    private List<String> applyChunk(String tenantId, String applicationId, LocalDate day, List<Counted> chunk, Instant now) {
        int conflicts = 0;
        while (!chunk.isEmpty()) {
            List<TransactWriteItem> items = new ArrayList<>();
            String expiresAt = Long.toString(now.plus(MARKER_DAYS, ChronoUnit.DAYS).getEpochSecond());
            for (Counted event : chunk) {
                items.add(TransactWriteItem.builder().put(Put.builder().tableName(table)
                        .item(Map.of("pk", s(event.marker()), "sk", s("COUNTED"), "expiresAt", n(expiresAt)))
                        .conditionExpression("attribute_not_exists(pk)").build()).build());
            }
            items.add(TransactWriteItem.builder().update(rollupUpdate(tenantId, applicationId, day, chunk, now)).build());
            Map<String, List<Counted>> byModel = new TreeMap<>();
            chunk.stream().filter(Counted::countsModel).forEach(c -> byModel.computeIfAbsent(c.model(), m -> new ArrayList<>()).add(c));
            byModel.forEach((model, counted) -> items.add(TransactWriteItem.builder()
                    .update(modelRollupUpdate(tenantId, applicationId, day, model, counted, now)).build()));
            try {
                dynamo.transactWriteItems(r -> r.transactItems(items));
                return chunk.stream().map(Counted::marker).toList();
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                List<Counted> fresh = new ArrayList<>();
                boolean replayed = false;
                for (int i = 0; i < chunk.size(); i++) {
                    if ("ConditionalCheckFailed".equals(reasons.get(i).code())) replayed = true;
                    else fresh.add(chunk.get(i));
                }
                if (!replayed) {
                    // cancelled by a concurrent transaction on the same rollup: try again, a few times
                    if (++conflicts > 5) throw e;
                    sleep(20L << conflicts);
                    continue;
                }
                chunk = fresh;
            }
        }
        return List.of();
    }

    private Update rollupUpdate(String tenantId, String applicationId, LocalDate day, List<Counted> chunk, Instant now) {
        Map<String, Long> total = new HashMap<>();
        chunk.forEach(c -> c.add().forEach((k, v) -> total.merge(k, v, Long::sum)));
        return counterUpdate(rollupSk(applicationId, day), tenantId, applicationId, day, total, Map.of(), true, now);
    }

    private Update modelRollupUpdate(String tenantId, String applicationId, LocalDate day, String model, List<Counted> counted, Instant now) {
        Map<String, Long> total = new HashMap<>();
        counted.forEach(c -> c.modelAdd().forEach((k, v) -> total.merge(k, v, Long::sum)));
        return counterUpdate(modelRollupSk(applicationId, day, model), tenantId, applicationId, day, total,
                Map.of("model", shown(model)), false, now);
    }

    /** The model's name as stored for display: at most {@link #MODEL_NAME_SHOWN} code points (the key hashes all of it). */
    static String shown(String model) {
        if (model.codePointCount(0, model.length()) <= MODEL_NAME_SHOWN) return model;
        return model.substring(0, model.offsetByCodePoints(0, MODEL_NAME_SHOWN)) + "…";
    }

    /** SET the identifying attributes, ADD the counters (and one to the revision of a day's rollup, see {@link #replace}). */
    private Update counterUpdate(String sk, String tenantId, String applicationId, LocalDate day, Map<String, Long> total,
                                 Map<String, String> set, boolean revised, Instant now) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder add = new StringBuilder();
        int i = 0;
        for (Map.Entry<String, Long> counter : total.entrySet()) {
            names.put("#c" + i, counter.getKey());
            values.put(":c" + i, n(Long.toString(counter.getValue())));
            add.append(i == 0 ? "" : ", ").append("#c").append(i).append(" :c").append(i);
            i++;
        }
        if (revised) {
            names.put("#rev", REVISION);
            values.put(":one", n("1"));
            add.append(", #rev :one");
        }
        names.put("#app", "applicationId");
        names.put("#day", "day");
        names.put("#at", "updatedAt");
        values.put(":app", s(applicationId));
        values.put(":day", s(day.toString()));
        values.put(":at", s(now.toString()));
        StringBuilder setExpression = new StringBuilder("SET #app = :app, #day = :day, #at = :at");
        int j = 0;
        for (Map.Entry<String, String> attribute : set.entrySet()) {
            names.put("#s" + j, attribute.getKey());
            values.put(":s" + j, s(attribute.getValue()));
            setExpression.append(", #s").append(j).append(" = :s").append(j);
            j++;
        }
        return Update.builder().tableName(table)
                .key(Map.of("pk", s(tenantPk(tenantId)), "sk", s(sk)))
                .updateExpression(setExpression + " ADD " + add)
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
    }

    /** Not a counter: the day rollup's revision, which every change adds one to; a recount's replacement is conditioned on it. */
    static final String REVISION = "revision";

    @Override
    public Optional<Stored> find(String tenantId, String applicationId, LocalDate day) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(tenantPk(tenantId)), "sk", s(rollupSk(applicationId, day))))).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        return Optional.of(new Stored(counters(item), item.containsKey(REVISION) ? Long.parseLong(item.get(REVISION).n()) : 0));
    }

    /**
     * The markers go first, in batches: a stream event that slips in between adds to the day rollup's revision, so the
     * replacement, one transaction conditioned on the revision read, is refused and the caller recounts.
     */
    @Override
    public boolean replace(String tenantId, String applicationId, LocalDate day, Map<String, Long> counters,
                           Map<String, Map<String, Long>> models, List<String> markers, Optional<Stored> expected, Instant now) {
        String expiresAt = Long.toString(now.plus(MARKER_DAYS, ChronoUnit.DAYS).getEpochSecond());
        for (int from = 0; from < markers.size(); from += 25) {
            Map<String, List<WriteRequest>> request = Map.of(table, markers.subList(from, Math.min(markers.size(), from + 25)).stream()
                    .map(marker -> WriteRequest.builder().putRequest(p -> p.item(
                            Map.of("pk", s(marker), "sk", s("COUNTED"), "expiresAt", n(expiresAt)))).build()).toList());
            while (!request.isEmpty()) {
                Map<String, List<WriteRequest>> pending = request;
                request = dynamo.batchWriteItem(b -> b.requestItems(pending)).unprocessedItems();
            }
        }
        Map<String, AttributeValue> item = replacement(tenantId, applicationId, day, rollupSk(applicationId, day), counters, now);
        item.put("recountedAt", s(now.toString()));
        item.put(REVISION, n(Long.toString(expected.map(Stored::revision).orElse(0L) + 1)));
        Put.Builder dayPut = Put.builder().tableName(table).item(item);
        if (expected.isPresent() && expected.get().revision() == 0) {
            // written before rollups carried a revision
            dayPut.conditionExpression("attribute_exists(pk) AND attribute_not_exists(#rev)").expressionAttributeNames(Map.of("#rev", REVISION));
        } else if (expected.isPresent()) {
            dayPut.conditionExpression("#rev = :rev").expressionAttributeNames(Map.of("#rev", REVISION))
                    .expressionAttributeValues(Map.of(":rev", n(Long.toString(expected.get().revision()))));
        } else {
            dayPut.conditionExpression("attribute_not_exists(pk)");
        }
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().put(dayPut.build()).build());
        Set<String> kept = new HashSet<>();
        models.forEach((model, modelCounters) -> {
            String sk = modelRollupSk(applicationId, day, model);
            kept.add(sk);
            Map<String, AttributeValue> modelItem = replacement(tenantId, applicationId, day, sk, modelCounters, now);
            modelItem.put("model", s(shown(model)));
            items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(modelItem).build()).build());
        });
        dynamo.queryPaginator(QueryRequest.builder().tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(Map.of(":pk", s(tenantPk(tenantId)), ":prefix", s(modelRollupPrefix(applicationId, day))))
                        .projectionExpression("sk").consistentRead(true).build())
                .items().stream().map(i -> i.get("sk").s()).filter(sk -> !kept.contains(sk))
                .forEach(sk -> items.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                        .key(Map.of("pk", s(tenantPk(tenantId)), "sk", s(sk))).build()).build()));
        if (items.size() > TRANSACTION_ITEMS) {
            throw new IllegalStateException("the day " + day + " of " + applicationId + " has " + (items.size() - 1)
                    + " model rollups: more than one transaction can replace at once");
        }
        try {
            dynamo.transactWriteItems(r -> r.transactItems(items));
            return true;
        } catch (TransactionCanceledException e) {
            if ("ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code())) return false;
            throw e;
        }
    }

    private static Map<String, AttributeValue> replacement(String tenantId, String applicationId, LocalDate day, String sk,
                                                           Map<String, Long> counters, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(tenantPk(tenantId)));
        item.put("sk", s(sk));
        item.put("applicationId", s(applicationId));
        item.put("day", s(day.toString()));
        item.put("updatedAt", s(now.toString()));
        counters.forEach((name, value) -> item.put(name, n(Long.toString(value))));
        return item;
    }

    private static Map<String, Long> counters(Map<String, AttributeValue> item) {
        Map<String, Long> counters = new HashMap<>();
        item.forEach((name, value) -> {
            if (value.n() != null && !name.equals("expiresAt") && !name.equals(REVISION)) counters.put(name, Long.parseLong(value.n()));
        });
        return counters;
    }

    @Override
    public List<DailyRollup> read(String tenantId, String applicationId, LocalDate from, LocalDate to) {
        return read(tenantId, applicationId, from, to, Optional.empty());
    }

    @Override
    public List<DailyRollup> read(String tenantId, String applicationId, LocalDate from, LocalDate to, Set<String> counters) {
        return read(tenantId, applicationId, from, to, Optional.of(counters));
    }

    /** With {@code counters}, a projection of the day and those counters: fewer bytes to send and to unmarshal per day. */
    private List<DailyRollup> read(String tenantId, String applicationId, LocalDate from, LocalDate to, Optional<Set<String>> counters) {
        Map<String, String> names = new HashMap<>();
        StringBuilder projection = new StringBuilder();
        counters.ifPresent(wanted -> {
            names.put("#day", "day");
            projection.append("#day");
            int i = 0;
            for (String counter : new TreeSet<>(wanted)) {
                names.put("#c" + i, counter);
                projection.append(", #c").append(i++);
            }
        });
        List<DailyRollup> rollups = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                    .expressionAttributeValues(Map.of(":pk", s(tenantPk(tenantId)),
                            ":from", s(rollupSk(applicationId, from)), ":to", s(rollupSk(applicationId, to))))
                    .exclusiveStartKey(start).consistentRead(true);
            if (counters.isPresent()) query.projectionExpression(projection.toString()).expressionAttributeNames(names);
            QueryResponse page = dynamo.query(query.build());
            for (Map<String, AttributeValue> item : page.items()) {
                rollups.add(new DailyRollup(applicationId, LocalDate.parse(item.get("day").s()), counters(item)));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return rollups;
    }

    @Override
    public List<ModelRollup> readModels(String tenantId, String applicationId, LocalDate from, LocalDate to) {
        List<ModelRollup> rollups = new ArrayList<>();
        dynamo.queryPaginator(QueryRequest.builder().tableName(table)
                        .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                        .expressionAttributeValues(Map.of(":pk", s(tenantPk(tenantId)),
                                ":from", s(modelRollupPrefix(applicationId, from)), ":to", s(modelRollupPrefix(applicationId, to) + "~")))
                        .consistentRead(true).build())
                .items().forEach(item -> {
                    Map<String, Long> counters = new HashMap<>();
                    item.forEach((name, value) -> {
                        if (value.n() != null) counters.put(name, Long.parseLong(value.n()));
                    });
                    rollups.add(new ModelRollup(applicationId, LocalDate.parse(item.get("day").s()), item.get("model").s(), counters));
                });
        return rollups;
    }

    static String modelRollupPrefix(String applicationId, LocalDate day) {
        return "MODELROLLUP#" + applicationId + "#" + day + "#";
    }

    static String modelRollupSk(String applicationId, LocalDate day, String model) {
        return modelRollupPrefix(applicationId, day) + Hashes.hex(Hashes.sha256(model.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    }

    static String tenantPk(String tenantId) {
        return "TENANT#" + tenantId;
    }

    static String rollupSk(String applicationId, LocalDate day) {
        return "ROLLUP#" + applicationId + "#" + day;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(String value) {
        return AttributeValue.builder().n(value).build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
