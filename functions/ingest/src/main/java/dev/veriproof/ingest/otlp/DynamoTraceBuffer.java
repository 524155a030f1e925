package dev.veriproof.ingest.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.otlp.Span;
import dev.veriproof.core.otlp.SpanLimits;
import dev.veriproof.core.otlp.TraceBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The trace buffer in its own DynamoDB table ({@code TraceBufferTable}), the one owner of its item
 * layout. Partition {@code <tenant>#<traceId>}; one item per waiting span ({@code span#<spanId>},
 * the span as JSON) and a header ({@code trace}) that lists their ids ({@code spanIds}, a string
 * set: a retried export neither adds nor counts a span twice), says whether the root was received
 * ({@code sealedAt}) and why the trace is unusable ({@code rejected}). Every item carries
 * {@code expiresAt} (the table's TTL attribute); expired items are ignored before TTL removes them.
 *
 * <p>Spans are added by transactions that also check and list them on the header, and sealing
 * updates the header before the spans are read: so a span is either in the buffer before the seal
 * (and the assembling root sees it) or turned away after it, never silently left out of a stored
 * session. The traces of one export share transactions (up to 100 items each) and batch reads.
 */
public final class DynamoTraceBuffer implements TraceBuffer {
    static final String HEADER = "trace";
    static final String SPAN_PREFIX = "span#";
    /** A transaction holds at most 100 items and 4 MB; a BatchGetItem at most 100 keys. */
    private static final int MAX_ITEMS_PER_TRANSACTION = 100;
    private static final int BYTES_PER_TRANSACTION = 3_000_000;
    private static final int MAX_KEYS_PER_BATCH_GET = 100;
    private static final int ATTEMPTS = 3;

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;
    private final Duration ttl;

    /** @param ttl how long spans wait for their root, and how long a sealed trace remembers it was sealed */
    public DynamoTraceBuffer(DynamoDbClient client, String table, Clock clock, Duration ttl) {
        this.client = client;
        this.table = table;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** One transaction's share of a trace: its header update and some of its spans. */
    private record Part(String traceId, List<Span> spans, int bytes) {}

    @Override
    public Map<String, Admission> add(String tenantId, Map<String, List<Span>> spansByTrace) {
        Map<String, Admission> admissions = new LinkedHashMap<>();
        List<List<Part>> transactions = new ArrayList<>();
        List<Part> current = new ArrayList<>();
        int items = 0;
        int bytes = 0;
        for (Map.Entry<String, List<Span>> trace : spansByTrace.entrySet()) {
            admissions.put(trace.getKey(), Admission.BUFFERED);
            Map<String, Span> unique = new LinkedHashMap<>();
            trace.getValue().forEach(s -> unique.putIfAbsent(s.spanId(), s));
            List<Span> part = new ArrayList<>();
            int partBytes = 0;
            for (Span span : unique.values()) {
                int size = write(span).length;
                boolean full = items + part.size() + 2 > MAX_ITEMS_PER_TRANSACTION || bytes + partBytes + size > BYTES_PER_TRANSACTION;
                if (full && (!part.isEmpty() || !current.isEmpty())) {
                    if (!part.isEmpty()) current.add(new Part(trace.getKey(), part, partBytes));
                    transactions.add(current);
                    current = new ArrayList<>();
                    items = 0;
                    bytes = 0;
                    part = new ArrayList<>();
                    partBytes = 0;
                }
                part.add(span);
                partBytes += size;
            }
            if (!part.isEmpty()) {
                current.add(new Part(trace.getKey(), part, partBytes));
                items += part.size() + 1;
                bytes += partBytes;
            }
        }
        if (!current.isEmpty()) transactions.add(current);
        for (List<Part> transaction : transactions) {
            List<Part> pending = new ArrayList<>(transaction);
            pending.removeIf(p -> admissions.get(p.traceId()) != Admission.BUFFERED);
            addParts(tenantId, pending, admissions);
        }
        return admissions;
    }

    /** One transaction; the traces whose header condition fails get their admission, and the others are tried again. */
    private void addParts(String tenantId, List<Part> parts, Map<String, Admission> admissions) {
        AttributeValue expiresAt = expiresAt();
        for (int attempt = 0; !parts.isEmpty(); attempt++) {
            List<TransactWriteItem> items = new ArrayList<>();
            List<Integer> headerIndex = new ArrayList<>();
            for (Part part : parts) {
                String pk = pk(tenantId, part.traceId());
                List<String> ids = part.spans().stream().map(Span::spanId).toList();
                Map<String, AttributeValue> values = Map.of(":ids", AttributeValue.fromSs(ids), ":exp", expiresAt,
                        ":room", number(SpanLimits.MAX_BUFFERED_SPANS_PER_TRACE - ids.size()));
                headerIndex.add(items.size());
                items.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(pk, HEADER))
                        .updateExpression("ADD spanIds :ids SET expiresAt = :exp")
                        .conditionExpression("attribute_not_exists(sealedAt) AND (attribute_not_exists(spanIds) OR size(spanIds) <= :room)")
                        .expressionAttributeValues(values)).build());
                for (Span span : part.spans()) {
                    Map<String, AttributeValue> item = new LinkedHashMap<>(key(pk, SPAN_PREFIX + span.spanId()));
                    item.put("span", AttributeValue.fromS(new String(write(span), StandardCharsets.UTF_8)));
                    item.put("expiresAt", expiresAt);
                    items.add(TransactWriteItem.builder().put(put -> put.tableName(table).item(item)).build());
                }
            }
            try {
                client.transactWriteItems(r -> r.transactItems(items));
                return;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                List<Part> stillOpen = new ArrayList<>();
                for (int i = 0; i < parts.size(); i++) {
                    if (failed(reasons, headerIndex.get(i))) admissions.put(parts.get(i).traceId(), why(pk(tenantId, parts.get(i).traceId())));
                    else stillOpen.add(parts.get(i));
                }
                // Cancelled for another reason (a concurrent write to the same items): try again a few times, then let the client retry.
                if (stillOpen.size() == parts.size() && attempt >= ATTEMPTS) throw e;
                parts = stillOpen;
            }
        }
    }

    private Admission why(String pk) {
        Map<String, AttributeValue> header = client.getItem(r -> r.tableName(table).key(key(pk, HEADER)).consistentRead(true)).item();
        return header != null && header.containsKey("sealedAt") ? Admission.ROOT_ALREADY_RECEIVED : Admission.TRACE_FULL;
    }

    @Override
    public void reject(String tenantId, String traceId, String reason) {
        client.updateItem(r -> r.tableName(table).key(key(pk(tenantId, traceId), HEADER))
                .updateExpression("SET rejected = if_not_exists(rejected, :why), expiresAt = :exp")
                .expressionAttributeValues(Map.of(":why", AttributeValue.fromS(reason), ":exp", expiresAt())));
    }

    @Override
    public Map<String, Sealed> seal(String tenantId, Collection<String> traceIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(traceIds));
        AttributeValue now = AttributeValue.fromS(clock.instant().toString());
        AttributeValue expiresAt = expiresAt();
        for (int from = 0; from < ids.size(); from += MAX_ITEMS_PER_TRANSACTION) {
            List<TransactWriteItem> seals = ids.subList(from, Math.min(ids.size(), from + MAX_ITEMS_PER_TRANSACTION)).stream()
                    .map(id -> TransactWriteItem.builder().update(u -> u.tableName(table).key(key(pk(tenantId, id), HEADER))
                            .updateExpression("SET sealedAt = if_not_exists(sealedAt, :now), expiresAt = :exp")
                            .expressionAttributeValues(Map.of(":now", now, ":exp", expiresAt))).build())
                    .toList();
            client.transactWriteItems(r -> r.transactItems(seals));
        }
        // Read after the seal: every span added before it is visible, none can be added after it.
        Map<String, Map<String, AttributeValue>> headers = batchGet(ids.stream().map(id -> key(pk(tenantId, id), HEADER)).toList());
        List<Map<String, AttributeValue>> spanKeys = new ArrayList<>();
        for (String id : ids) {
            Map<String, AttributeValue> header = headers.get(pk(tenantId, id));
            if (header != null && header.containsKey("spanIds")) {
                header.get("spanIds").ss().forEach(spanId -> spanKeys.add(key(pk(tenantId, id), SPAN_PREFIX + spanId)));
            }
        }
        Map<String, List<Span>> spans = new LinkedHashMap<>();
        long nowSeconds = clock.instant().getEpochSecond();
        for (Map<String, AttributeValue> item : batchGetItems(spanKeys)) {
            if (Long.parseLong(item.get("expiresAt").n()) <= nowSeconds) continue;
            String pk = item.get("pk").s();
            String traceId = pk.substring(pk.lastIndexOf('#') + 1);
            spans.computeIfAbsent(traceId, t -> new ArrayList<>()).add(read(traceId, item.get("span").s()));
        }
        Map<String, Sealed> sealed = new LinkedHashMap<>();
        for (String id : ids) {
            Map<String, AttributeValue> header = headers.get(pk(tenantId, id));
            Optional<String> rejected = Optional.ofNullable(header == null ? null : header.get("rejected")).map(AttributeValue::s);
            sealed.put(id, new Sealed(spans.getOrDefault(id, List.of()), rejected));
        }
        return sealed;
    }

    /** Headers by partition key. */
    private Map<String, Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        Map<String, Map<String, AttributeValue>> byPk = new LinkedHashMap<>();
        for (Map<String, AttributeValue> item : batchGetItems(keys)) byPk.put(item.get("pk").s(), item);
        return byPk;
    }

    /** Consistent BatchGetItem, 100 keys a call, unprocessed keys asked again. */
    private List<Map<String, AttributeValue>> batchGetItems(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += MAX_KEYS_PER_BATCH_GET) {
            List<Map<String, AttributeValue>> ask = keys.subList(from, Math.min(keys.size(), from + MAX_KEYS_PER_BATCH_GET));
            for (int attempt = 0; !ask.isEmpty(); attempt++) {
                List<Map<String, AttributeValue>> batch = ask;
                BatchGetItemResponse response = client.batchGetItem(r -> r.requestItems(
                        Map.of(table, KeysAndAttributes.builder().keys(batch).consistentRead(true).build())));
                items.addAll(response.responses().getOrDefault(table, List.of()));
                KeysAndAttributes unprocessed = response.unprocessedKeys().get(table);
                ask = unprocessed == null ? List.of() : unprocessed.keys();
                if (!ask.isEmpty() && attempt >= ATTEMPTS * 3) {
                    throw new IllegalStateException("DynamoDB kept " + ask.size() + " keys of the trace buffer unprocessed");
                }
            }
        }
        return items;
    }

    @Override
    public List<Span> spans(String tenantId, String traceId) {
        long now = clock.instant().getEpochSecond();
        List<Span> spans = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            QueryResponse page = client.query(QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :span)")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk(tenantId, traceId)), ":span", AttributeValue.fromS(SPAN_PREFIX)))
                    .exclusiveStartKey(from).build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (Long.parseLong(item.get("expiresAt").n()) > now) spans.add(read(traceId, item.get("span").s()));
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        return spans;
    }

    private static boolean failed(List<CancellationReason> reasons, int index) {
        return index < reasons.size() && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    private static byte[] write(Span span) {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("spanId", span.spanId());
        json.put("parentSpanId", span.parentSpanId());
        json.put("name", span.name());
        json.put("start", span.startNanos());
        json.put("end", span.endNanos());
        ObjectNode attributes = json.putObject("attributes");
        span.attributes().forEach(attributes::set);
        return Json.write(json);
    }

    private static Span read(String traceId, String text) {
        JsonNode json = Json.parse(text);
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        json.get("attributes").properties().forEach(e -> attributes.put(e.getKey(), e.getValue()));
        return new Span(traceId, json.get("spanId").asText(), json.get("parentSpanId").asText(), json.get("name").asText(),
                json.get("start").asLong(), json.get("end").asLong(), attributes, Map.of());
    }

    private AttributeValue expiresAt() {
        Instant at = clock.instant().plus(ttl);
        return AttributeValue.fromN(Long.toString(at.getEpochSecond()));
    }

    private static String pk(String tenantId, String traceId) {
        return tenantId + "#" + traceId;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }

    private static AttributeValue number(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }
}
