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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The trace buffer in its own DynamoDB table ({@code TraceBufferTable}), the one owner of its item
 * layout. Partition {@code <tenant>#<traceId>}; one item per waiting span ({@code span#<spanId>},
 * the span as JSON) and a header ({@code trace}) that counts them, says whether the root was
 * received ({@code sealedAt}) and why the trace is unusable ({@code rejected}). Every item carries
 * {@code expiresAt} (the table's TTL attribute); expired items are ignored before TTL removes them.
 *
 * <p>Spans are added by transactions that also check and count on the header, and sealing updates
 * the header: so a span is either in the buffer before the seal (and the assembling root sees it)
 * or turned away after it, never silently left out of a stored session.
 */
public final class DynamoTraceBuffer implements TraceBuffer {
    static final String HEADER = "trace";
    static final String SPAN_PREFIX = "span#";
    /** A transaction holds at most 100 items (the header and 99 spans) and 4 MB. */
    private static final int SPANS_PER_TRANSACTION = 99;
    private static final int BYTES_PER_TRANSACTION = 3_000_000;
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

    @Override
    public Admission add(String tenantId, String traceId, List<Span> spans) {
        Map<String, Span> unique = new LinkedHashMap<>();
        spans.forEach(s -> unique.putIfAbsent(s.spanId(), s));
        List<Span> chunk = new ArrayList<>();
        int chunkBytes = 0;
        for (Span span : unique.values()) {
            byte[] json = write(span);
            if (!chunk.isEmpty() && (chunk.size() == SPANS_PER_TRANSACTION || chunkBytes + json.length > BYTES_PER_TRANSACTION)) {
                Admission admission = addChunk(tenantId, traceId, chunk);
                if (admission != Admission.BUFFERED) return admission;
                chunk = new ArrayList<>();
                chunkBytes = 0;
            }
            chunk.add(span);
            chunkBytes += json.length;
        }
        return chunk.isEmpty() ? Admission.BUFFERED : addChunk(tenantId, traceId, chunk);
    }

    private Admission addChunk(String tenantId, String traceId, List<Span> spans) {
        String pk = pk(tenantId, traceId);
        AttributeValue expiresAt = expiresAt();
        List<Span> toAdd = new ArrayList<>(spans);
        for (int attempt = 0; attempt < ATTEMPTS && !toAdd.isEmpty(); attempt++) {
            List<TransactWriteItem> items = new ArrayList<>(toAdd.size() + 1);
            Map<String, AttributeValue> values = Map.of(":n", number(toAdd.size()), ":exp", expiresAt,
                    ":room", number(SpanLimits.MAX_BUFFERED_SPANS_PER_TRACE - toAdd.size()));
            items.add(TransactWriteItem.builder().update(u -> u.tableName(table)
                    .key(key(pk, HEADER))
                    .updateExpression("ADD spans :n SET expiresAt = :exp")
                    .conditionExpression("attribute_not_exists(sealedAt) AND (attribute_not_exists(spans) OR spans <= :room)")
                    .expressionAttributeValues(values)).build());
            for (Span span : toAdd) {
                Map<String, AttributeValue> item = new LinkedHashMap<>(key(pk, SPAN_PREFIX + span.spanId()));
                item.put("span", AttributeValue.fromS(new String(write(span), StandardCharsets.UTF_8)));
                item.put("expiresAt", expiresAt);
                items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(pk)")).build());
            }
            try {
                client.transactWriteItems(r -> r.transactItems(items));
                return Admission.BUFFERED;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (failed(reasons, 0)) return why(pk);
                // Spans buffered before (a retried export) are not added or counted twice.
                List<Span> stillNew = new ArrayList<>();
                for (int i = 0; i < toAdd.size(); i++) if (!failed(reasons, i + 1)) stillNew.add(toAdd.get(i));
                if (stillNew.size() == toAdd.size()) throw e; // cancelled for another reason (a conflicting write): let the client retry
                toAdd = stillNew;
            }
        }
        if (!toAdd.isEmpty()) throw new IllegalStateException("the spans of trace " + traceId + " kept changing under the buffer transaction");
        return Admission.BUFFERED;
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
    public Sealed seal(String tenantId, String traceId) {
        Map<String, AttributeValue> header = client.updateItem(r -> r.tableName(table).key(key(pk(tenantId, traceId), HEADER))
                .updateExpression("SET sealedAt = if_not_exists(sealedAt, :now), expiresAt = :exp")
                .expressionAttributeValues(Map.of(":now", AttributeValue.fromS(clock.instant().toString()), ":exp", expiresAt()))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        Optional<String> rejected = Optional.ofNullable(header.get("rejected")).map(AttributeValue::s);
        // Spans are only ever added together with the header's count: no count, nothing to read.
        return new Sealed(header.containsKey("spans") ? spans(tenantId, traceId) : List.of(), rejected);
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
