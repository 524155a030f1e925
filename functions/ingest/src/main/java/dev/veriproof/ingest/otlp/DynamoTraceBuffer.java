package dev.veriproof.ingest.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.canonical.ContentIds;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * layout. Partition {@code <tenant>#<traceId>}; a header ({@code trace}) that lists the waiting
 * spans' ids ({@code spanIds}, a string set: a retried export neither adds nor counts a span twice),
 * says whether the root was received ({@code sealedAt}) and why the trace is unusable
 * ({@code rejected}). The spans themselves wait as chunks, one per export that brought spans of the
 * trace (a JSON array; split only past {@value #CHUNK_BYTES} bytes), with an id derived from their
 * span ids so that a retried export rewrites the same chunk:
 * <ul>
 *   <li>in the header itself ({@code w_<chunkId>}) while the header's chunks stay within
 *       {@value #INLINE_BYTES} bytes ({@code inlineBytes}, an upper bound that retries only raise):
 *       a trace's usual few kilobytes of spans cost no item of their own;</li>
 *   <li>else as items of their own ({@code spans#<chunkId>}, listed in the header's {@code chunks}).</li>
 * </ul>
 * Every item carries {@code expiresAt} (the table's TTL attribute); expired items are ignored
 * before TTL removes them.
 *
 * <p>Spans are added by transactions that also check and list them on the header, and sealing
 * updates the header before the spans are read: so a span is either in the buffer before the seal
 * (and the assembling root sees it) or turned away after it, never silently left out of a stored
 * session. The traces of one export share transactions (up to 100 items each) and batch reads: an
 * export of 50 traces' children is one transaction of 50 header updates, their roots one seal
 * transaction and one batch read of the headers.
 *
 * <p>Until 2026-11-30 every waiting span had an item of its own ({@code span#<spanId>}); spans the
 * header lists but no chunk holds are still read from there, so spans that waited across the
 * upgrade are not lost. Such items expire with the TTL ({@code TRACE_BUFFER_HOURS}), after which
 * that fallback finds nothing and costs nothing.
 */
public final class DynamoTraceBuffer implements TraceBuffer {
    static final String HEADER = "trace";
    static final String CHUNK_PREFIX = "spans#";
    /** The layout before chunks: one item per waiting span. */
    static final String LEGACY_SPAN_PREFIX = "span#";
    static final String INLINE_PREFIX = "w_";
    /** A DynamoDB item holds at most 400 KB: chunks and the header's inline chunks stay well below, with room for the rest. */
    static final int CHUNK_BYTES = 300_000;
    static final int INLINE_BYTES = 300_000;
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

    /** Some waiting spans of one trace, stored as one item. */
    private record Chunk(String id, List<String> spanIds, String json, int bytes) {}

    /** One transaction's share of a trace: its header update and some of its chunks, in the header or as items. */
    private record Part(String traceId, List<Chunk> chunks, boolean inline) {
        int items() {
            return inline ? 1 : 1 + chunks.size();
        }

        int bytes() {
            return chunks.stream().mapToInt(Chunk::bytes).sum();
        }
    }

    @Override
    public Map<String, Admission> add(String tenantId, Map<String, List<Span>> spansByTrace) {
        Map<String, Admission> admissions = new LinkedHashMap<>();
        List<Part> parts = new ArrayList<>();
        for (Map.Entry<String, List<Span>> trace : spansByTrace.entrySet()) {
            admissions.put(trace.getKey(), Admission.BUFFERED);
            List<Chunk> chunks = chunks(trace.getValue());
            boolean inline = chunks.stream().mapToInt(Chunk::bytes).sum() <= INLINE_BYTES;
            parts.addAll(split(trace.getKey(), chunks, inline));
        }
        List<Part> spilled = write(tenantId, parts, admissions);
        // Traces whose header has no room left for more inline chunks: the same chunks as items of their own.
        write(tenantId, spilled.stream().flatMap(p -> split(p.traceId(), p.chunks(), false).stream()).toList(), admissions);
        return admissions;
    }

    /** A trace's chunks in parts that each fit one transaction. */
    private static List<Part> split(String traceId, List<Chunk> chunks, boolean inline) {
        List<Part> parts = new ArrayList<>();
        List<Chunk> part = new ArrayList<>();
        int bytes = 0;
        for (Chunk chunk : chunks) {
            if (!part.isEmpty() && (part.size() + 2 > MAX_ITEMS_PER_TRANSACTION || bytes + chunk.bytes() > BYTES_PER_TRANSACTION)) {
                parts.add(new Part(traceId, part, inline));
                part = new ArrayList<>();
                bytes = 0;
            }
            part.add(chunk);
            bytes += chunk.bytes();
        }
        if (!part.isEmpty()) parts.add(new Part(traceId, part, inline));
        return parts;
    }

    /** The parts in as few transactions as fit; returns the inline parts whose header had no room left. */
    private List<Part> write(String tenantId, List<Part> parts, Map<String, Admission> admissions) {
        List<Part> spilled = new ArrayList<>();
        List<Part> transaction = new ArrayList<>();
        int items = 0;
        int bytes = 0;
        for (Part part : parts) {
            if (!transaction.isEmpty() && (items + part.items() > MAX_ITEMS_PER_TRANSACTION || bytes + part.bytes() > BYTES_PER_TRANSACTION)) {
                spilled.addAll(addParts(tenantId, transaction, admissions));
                transaction = new ArrayList<>();
                items = 0;
                bytes = 0;
            }
            transaction.add(part);
            items += part.items();
            bytes += part.bytes();
        }
        if (!transaction.isEmpty()) spilled.addAll(addParts(tenantId, transaction, admissions));
        return spilled;
    }

    /** A trace's spans (each once) as chunks of at most {@link #CHUNK_BYTES} (a bigger span is a chunk of its own). */
    private static List<Chunk> chunks(List<Span> spans) {
        Map<String, Span> unique = new LinkedHashMap<>();
        spans.forEach(s -> unique.putIfAbsent(s.spanId(), s));
        List<Chunk> chunks = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        StringBuilder json = new StringBuilder();
        int bytes = 0;
        for (Span span : unique.values()) {
            byte[] one = write(span);
            if (!ids.isEmpty() && bytes + one.length + 2 > CHUNK_BYTES) {
                chunks.add(chunk(ids, json, bytes));
                ids = new ArrayList<>();
                json = new StringBuilder();
                bytes = 0;
            }
            ids.add(span.spanId());
            json.append(json.length() == 0 ? "[" : ",").append(new String(one, StandardCharsets.UTF_8));
            bytes += one.length + 1;
        }
        if (!ids.isEmpty()) chunks.add(chunk(ids, json, bytes));
        return chunks;
    }

    private static Chunk chunk(List<String> spanIds, StringBuilder json, int bytes) {
        return new Chunk(ContentIds.of(spanIds.toArray(String[]::new)).substring(0, 32), List.copyOf(spanIds), json.append(']').toString(), bytes + 1);
    }

    /**
     * One transaction of the parts still admitted; the traces whose header condition fails get their
     * admission (or, for an inline part that found no room in the header, are returned), and the others
     * are tried again.
     */
    private List<Part> addParts(String tenantId, List<Part> parts, Map<String, Admission> admissions) {
        parts = new ArrayList<>(parts);
        parts.removeIf(p -> admissions.get(p.traceId()) != Admission.BUFFERED);
        List<Part> spilled = new ArrayList<>();
        AttributeValue expiresAt = expiresAt();
        for (int attempt = 0; !parts.isEmpty(); attempt++) {
            List<TransactWriteItem> items = new ArrayList<>();
            List<Integer> headerIndex = new ArrayList<>();
            for (Part part : parts) {
                String pk = pk(tenantId, part.traceId());
                headerIndex.add(items.size());
                items.add(TransactWriteItem.builder().update(headerUpdate(pk, part, expiresAt)).build());
                if (part.inline()) continue;
                for (Chunk chunk : part.chunks()) {
                    Map<String, AttributeValue> item = new LinkedHashMap<>(key(pk, CHUNK_PREFIX + chunk.id()));
                    item.put("spans", AttributeValue.fromS(chunk.json()));
                    item.put("expiresAt", expiresAt);
                    items.add(TransactWriteItem.builder().put(put -> put.tableName(table).item(item)).build());
                }
            }
            try {
                client.transactWriteItems(r -> r.transactItems(items));
                return spilled;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                List<Part> stillOpen = new ArrayList<>();
                for (int i = 0; i < parts.size(); i++) {
                    Part part = parts.get(i);
                    if (!failed(reasons, headerIndex.get(i))) {
                        stillOpen.add(part);
                        continue;
                    }
                    Optional<Admission> refused = why(pk(tenantId, part.traceId()), part);
                    if (refused.isPresent()) admissions.put(part.traceId(), refused.get());
                    else if (part.inline()) spilled.add(part);
                    else stillOpen.add(part); // the header changed in between: ask again
                }
                // Cancelled for another reason (a concurrent write to the same items): try again a few times, then let the client retry.
                if (stillOpen.size() == parts.size() && attempt >= ATTEMPTS) throw e;
                parts = stillOpen;
            }
        }
        return spilled;
    }

    /** Lists the part's spans (and chunks) on the header, and holds an inline part's chunks, unless sealed, full or out of inline room. */
    private software.amazon.awssdk.services.dynamodb.model.Update headerUpdate(String pk, Part part, AttributeValue expiresAt) {
        List<String> ids = part.chunks().stream().flatMap(c -> c.spanIds().stream()).toList();
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        values.put(":ids", AttributeValue.fromSs(ids));
        values.put(":exp", expiresAt);
        values.put(":room", number(SpanLimits.MAX_BUFFERED_SPANS_PER_TRACE - ids.size()));
        String condition = "attribute_not_exists(sealedAt) AND (attribute_not_exists(spanIds) OR size(spanIds) <= :room)";
        StringBuilder set = new StringBuilder(" SET expiresAt = :exp");
        Map<String, String> names = new LinkedHashMap<>();
        String add = "ADD spanIds :ids";
        if (part.inline()) {
            values.put(":bytes", number(part.bytes()));
            values.put(":byteRoom", number(INLINE_BYTES - part.bytes()));
            add += ", inlineBytes :bytes";
            condition += " AND (attribute_not_exists(inlineBytes) OR inlineBytes <= :byteRoom)";
            for (int i = 0; i < part.chunks().size(); i++) {
                names.put("#c" + i, INLINE_PREFIX + part.chunks().get(i).id());
                values.put(":c" + i, AttributeValue.fromS(part.chunks().get(i).json()));
                set.append(", #c").append(i).append(" = :c").append(i);
            }
        } else {
            values.put(":chunks", AttributeValue.fromSs(part.chunks().stream().map(Chunk::id).toList()));
            add += ", chunks :chunks";
        }
        String expression = add + set;
        String conditionExpression = condition;
        return software.amazon.awssdk.services.dynamodb.model.Update.builder().tableName(table).key(key(pk, HEADER))
                .updateExpression(expression).conditionExpression(conditionExpression)
                .expressionAttributeNames(names.isEmpty() ? null : names).expressionAttributeValues(values).build();
    }

    /** Why a header refused a part: sealed, full, or (empty) neither, i.e. out of room for inline chunks. */
    private Optional<Admission> why(String pk, Part part) {
        Map<String, AttributeValue> header = client.getItem(r -> r.tableName(table).key(key(pk, HEADER)).consistentRead(true)).item();
        if (header != null && header.containsKey("sealedAt")) return Optional.of(Admission.ROOT_ALREADY_RECEIVED);
        int adding = part.chunks().stream().mapToInt(c -> c.spanIds().size()).sum();
        if (header != null && header.containsKey("spanIds")
                && header.get("spanIds").ss().size() > SpanLimits.MAX_BUFFERED_SPANS_PER_TRACE - adding) {
            return Optional.of(Admission.TRACE_FULL);
        }
        return Optional.empty();
    }

    @Override
    public void reject(String tenantId, String traceId, String reason) {
        client.updateItem(r -> r.tableName(table).key(key(pk(tenantId, traceId), HEADER))
                .updateExpression("SET rejected = if_not_exists(rejected, :why), expiresAt = :exp")
                .expressionAttributeValues(Map.of(":why", AttributeValue.fromS(reason), ":exp", expiresAt())));
    }

    @Override
    public void primeWrites(String tenantId, String traceId) {
        String pk = pk(tenantId, traceId);
        try {
            client.transactWriteItems(r -> r.transactItems(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(pk, HEADER))
                    .updateExpression("SET sealedAt = if_not_exists(sealedAt, :now), expiresAt = :exp")
                    .conditionExpression("attribute_exists(pk) AND attribute_not_exists(pk)")
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromS(clock.instant().toString()), ":exp", expiresAt()))).build()));
        } catch (TransactionCanceledException refused) {
            batchGet(List.of(key(pk, HEADER)));
            return;
        }
        throw new IllegalStateException("the priming transaction was accepted: its condition must refuse every item");
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
        List<Map<String, AttributeValue>> chunkKeys = new ArrayList<>();
        for (String id : ids) {
            Map<String, AttributeValue> header = headers.get(pk(tenantId, id));
            if (header != null && header.containsKey("chunks")) {
                header.get("chunks").ss().forEach(chunk -> chunkKeys.add(key(pk(tenantId, id), CHUNK_PREFIX + chunk)));
            }
        }
        Map<String, Map<String, Span>> spans = new LinkedHashMap<>();
        readInto(spans, new ArrayList<>(headers.values()));
        readInto(spans, batchGetItems(chunkKeys));
        List<Map<String, AttributeValue>> legacyKeys = new ArrayList<>();
        for (String id : ids) {
            Map<String, AttributeValue> header = headers.get(pk(tenantId, id));
            if (header == null || !header.containsKey("spanIds")) continue;
            Set<String> found = spans.getOrDefault(id, Map.of()).keySet();
            header.get("spanIds").ss().stream().filter(spanId -> !found.contains(spanId))
                    .forEach(spanId -> legacyKeys.add(key(pk(tenantId, id), LEGACY_SPAN_PREFIX + spanId)));
        }
        if (!legacyKeys.isEmpty()) readInto(spans, batchGetItems(legacyKeys));
        Map<String, Sealed> sealed = new LinkedHashMap<>();
        for (String id : ids) {
            Map<String, AttributeValue> header = headers.get(pk(tenantId, id));
            Optional<String> rejected = Optional.ofNullable(header == null ? null : header.get("rejected")).map(AttributeValue::s);
            sealed.put(id, new Sealed(List.copyOf(spans.getOrDefault(id, Map.of()).values()), rejected));
        }
        return sealed;
    }

    /** The unexpired spans of headers, chunk items and legacy span items, by trace and span id; a span held twice is kept once. */
    private void readInto(Map<String, Map<String, Span>> spans, List<Map<String, AttributeValue>> items) {
        long nowSeconds = clock.instant().getEpochSecond();
        items.sort(Comparator.comparing((Map<String, AttributeValue> i) -> i.get("pk").s()).thenComparing(i -> i.get("sk").s()));
        for (Map<String, AttributeValue> item : items) {
            if (Long.parseLong(item.get("expiresAt").n()) <= nowSeconds) continue;
            String pk = item.get("pk").s();
            String traceId = pk.substring(pk.lastIndexOf('#') + 1);
            Map<String, Span> ofTrace = spans.computeIfAbsent(traceId, t -> new LinkedHashMap<>());
            for (Span span : read(traceId, item)) ofTrace.putIfAbsent(span.spanId(), span);
        }
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
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            // the header (inline chunks), chunk items (spans#) and the items of the layout before them (span#)
            QueryResponse page = client.query(QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk(tenantId, traceId))))
                    .exclusiveStartKey(from).build());
            items.addAll(page.items());
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        Map<String, Map<String, Span>> spans = new LinkedHashMap<>();
        readInto(spans, items);
        return List.copyOf(spans.getOrDefault(traceId, Map.of()).values());
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

    /** The spans of a header's inline chunks, of a chunk item, or the one span of a legacy item. */
    private static List<Span> read(String traceId, Map<String, AttributeValue> item) {
        List<Span> spans = new ArrayList<>();
        if (item.containsKey("span")) {
            spans.add(span(traceId, Json.parse(item.get("span").s())));
        } else if (item.containsKey("spans")) {
            Json.parse(item.get("spans").s()).forEach(json -> spans.add(span(traceId, json)));
        } else {
            item.keySet().stream().filter(name -> name.startsWith(INLINE_PREFIX)).sorted()
                    .forEach(name -> Json.parse(item.get(name).s()).forEach(json -> spans.add(span(traceId, json))));
        }
        return spans;
    }

    private static Span span(String traceId, JsonNode json) {
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
