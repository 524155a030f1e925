package dev.veriproof.ingest.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.otlp.Span;
import dev.veriproof.core.otlp.TraceBuffer;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.ingest.SessionIngest;
import dev.veriproof.local.EmfOutput;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/** POST /v1/traces through the handler, against DynamoDB Local: what is answered, and what is (not) stored. */
@ExtendWith(LocalAwsExtension.class)
class OtlpHandlerTest {
    // Real time: DynamoDB Local's TTL really deletes items whose expiresAt (now + 24 h) has passed.
    private static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private static final long T0 = NOW.minusSeconds(600).getEpochSecond() * 1_000_000_000L;

    private LocalAws aws;
    private DynamoSessionStore sessions;
    private DynamoTraceBuffer buffer;
    private OtlpHandler handler;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build();
        sessions = new DynamoSessionStore(aws.client(), aws.tableName("SessionsTable"));
        DynamoApplicationStore applications = new DynamoApplicationStore(enhanced, aws.tableName("GovernanceTable"));
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        for (String t : List.of(tenant, tenant + "-other")) {
            applications.create(new Application(t, "loan-review", "Loans", RiskLevel.HIGH, 80, "risk", RedactionPolicy.NONE, 1, NOW, NOW), "test");
        }
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        buffer = new DynamoTraceBuffer(aws.client(), aws.tableName("TraceBufferTable"), clock, Duration.ofHours(24));
        handler = new OtlpHandler(new TraceIngest(new SessionIngest(sessions, applications, clock), buffer));
    }

    // ------------------------------------------------------------------ building exports

    private static String newTraceId() {
        byte[] id = new byte[16];
        ThreadLocalRandom.current().nextBytes(id);
        return Hashes.hex(id);
    }

    private static KeyValue kv(String key, Object value) {
        AnyValue.Builder any = AnyValue.newBuilder();
        if (value instanceof String s) any.setStringValue(s);
        else if (value instanceof Boolean b) any.setBoolValue(b);
        else if (value instanceof Integer i) any.setIntValue(i);
        else if (value instanceof Double d) any.setDoubleValue(d);
        else if (value instanceof List<?> list) {
            ArrayValue.Builder array = ArrayValue.newBuilder();
            list.forEach(v -> array.addValues(AnyValue.newBuilder().setStringValue((String) v)));
            any.setArrayValue(array);
        }
        return KeyValue.newBuilder().setKey(key).setValue(any).build();
    }

    private static io.opentelemetry.proto.trace.v1.Span span(String traceId, String spanId, String parent, String name, long offsetMs,
                                                             KeyValue... attributes) {
        return io.opentelemetry.proto.trace.v1.Span.newBuilder()
                .setTraceId(ByteString.fromHex(traceId)).setSpanId(ByteString.fromHex(spanId))
                .setParentSpanId(parent.isEmpty() ? ByteString.EMPTY : ByteString.fromHex(parent))
                .setName(name).setKind(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_INTERNAL)
                .setStartTimeUnixNano(T0 + offsetMs * 1_000_000).setEndTimeUnixNano(T0 + offsetMs * 1_000_000 + 50_000_000)
                .addAllAttributes(List.of(attributes)).build();
    }

    private static io.opentelemetry.proto.trace.v1.Span root(String traceId, KeyValue... attributes) {
        List<KeyValue> all = new ArrayList<>(List.of(kv("gen_ai.operation.name", "invoke_agent"), kv("veriproof.risk.level", "LOW")));
        all.addAll(List.of(attributes));
        return span(traceId, "00f067aa0ba902b7", "", "invoke_agent loan", 0, all.toArray(KeyValue[]::new));
    }

    private static io.opentelemetry.proto.trace.v1.Span chat(String traceId, String spanId) {
        return span(traceId, spanId, "00f067aa0ba902b7", "chat gpt-4.1", 10, kv("gen_ai.operation.name", "chat"),
                kv("gen_ai.request.model", "gpt-4.1"), kv("gen_ai.usage.input_tokens", 812), kv("gen_ai.usage.output_tokens", 96));
    }

    private static byte[] export(io.opentelemetry.proto.trace.v1.Span... spans) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "loan-review"))
                        .addAttributes(kv("telemetry.sdk.name", "opentelemetry")))
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))).build().toByteArray();
    }

    // ------------------------------------------------------------------ calling the handler

    private APIGatewayV2HTTPResponse post(String contentType, byte[] body, Map<String, String> extraHeaders, String tenantId, String role) {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        if (contentType != null) headers.put("content-type", contentType);
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setLambda(Map.of(ApiRequest.CTX_AUTHENTICATED, "true", ApiRequest.CTX_TENANT, tenantId,
                ApiRequest.CTX_ROLE, role, ApiRequest.CTX_KEY_ID, "key_test"));
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAuthorizer(authorizer);
        context.setRequestId(UUID.randomUUID().toString());
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey(OtlpHandler.ROUTE);
        event.setHeaders(headers);
        // as the gateway passes bodies (docs/limits.md): text only when it is valid UTF-8
        boolean text = contentType != null && contentType.contains("json") && !headers.containsKey("content-encoding") && isUtf8(body);
        event.setBody(text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
        event.setIsBase64Encoded(!text);
        event.setRequestContext(context);
        return handler.handleRequest(event, null);
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private APIGatewayV2HTTPResponse postProtobuf(byte[] body) {
        return post("application/x-protobuf", body, Map.of(), tenant, "ingest");
    }

    private static ExportTraceServiceResponse protobufResponse(APIGatewayV2HTTPResponse response) throws IOException {
        assertEquals(200, response.getStatusCode());
        assertEquals("application/x-protobuf", response.getHeaders().get("Content-Type"));
        assertTrue(response.getIsBase64Encoded());
        return ExportTraceServiceResponse.parseFrom(Base64.getDecoder().decode(response.getBody()));
    }

    /** google.rpc.Status: code (1) and message (2), read with the protobuf runtime. */
    private static Map.Entry<Integer, String> status(APIGatewayV2HTTPResponse response) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(Base64.getDecoder().decode(response.getBody()));
        int code = 0;
        String message = "";
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (tag == (1 << 3)) code = in.readInt32();
            else if (tag == ((2 << 3) | 2)) message = in.readString();
            else in.skipField(tag);
        }
        return Map.entry(code, message);
    }

    private Optional<StoredSession> stored(String sessionId) {
        return sessions.find(tenant, sessionId);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ tests

    @Test
    void aWholeTraceInOneProtobufExportIsStoredAsOneSessionWithTheLeafHashOfItsRecord() throws IOException {
        String traceId = newTraceId();
        ExportTraceServiceResponse response = protobufResponse(postProtobuf(export(root(traceId), chat(traceId, "a000000000000001"))));
        assertFalse(response.hasPartialSuccess(), "full success leaves partial_success unset");
        StoredSession session = stored(traceId).orElseThrow();
        assertEquals(Hashes.hex(Hashes.leafHash(Canonical.jcs(Json.parse(session.canonicalRecord())))), session.leafHash());
        JsonNode record = Json.parse(session.canonicalRecord());
        assertEquals("loan-review", record.get("applicationId").asText());
        assertEquals("gpt-4.1", record.get("model").asText());
        assertEquals("LLM_CALL", record.get("steps").get(0).get("type").asText());
        assertEquals(812, record.get("steps").get(0).get("inputTokens").asInt());
    }

    @Test
    void childrenExportedBeforeTheRootWaitAndTheSessionHoldsThemAllOnceTheRootComes() throws IOException {
        String traceId = newTraceId();
        assertFalse(protobufResponse(postProtobuf(export(chat(traceId, "a000000000000001")))).hasPartialSuccess());
        assertTrue(stored(traceId).isEmpty(), "nothing is stored before the root");
        assertEquals(1, buffer.spans(tenant, traceId).size());

        io.opentelemetry.proto.trace.v1.Span tool = span(traceId, "a000000000000002", "00f067aa0ba902b7", "execute_tool score", 20,
                kv("gen_ai.operation.name", "execute_tool"), kv("gen_ai.tool.name", "score"));
        io.opentelemetry.proto.trace.v1.Span guard = span(traceId, "a000000000000003", "00f067aa0ba902b7", "pii-filter", 30,
                kv("veriproof.guardrail.action", "BLOCKED"), kv("veriproof.content_safety.flags", List.of("PII")));
        assertFalse(protobufResponse(postProtobuf(export(tool, guard, root(traceId)))).hasPartialSuccess());

        JsonNode record = Json.parse(stored(traceId).orElseThrow().canonicalRecord());
        assertEquals(3, record.get("steps").size());
        assertEquals(List.of("LLM_CALL", "TOOL_CALL", "GUARDRAIL"),
                List.of(record.get("steps").get(0).get("type").asText(), record.get("steps").get(1).get("type").asText(),
                        record.get("steps").get(2).get("type").asText()));
        assertEquals("BLOCKED", record.get("guardrails").get(0).get("action").asText());
    }

    /** The items of one trace in the buffer table, by sort key. */
    private Map<String, Map<String, AttributeValue>> bufferItems(String traceId) {
        Map<String, Map<String, AttributeValue>> items = new java.util.TreeMap<>();
        aws.client().query(r -> r.tableName(aws.tableName("TraceBufferTable")).consistentRead(true).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(tenant + "#" + traceId))))
                .items().forEach(i -> items.put(i.get("sk").s(), i));
        return items;
    }

    @Test
    void theChildrenOfATraceWaitInItsHeaderOneChunkPerExportAndARetryRewritesTheSameChunk() throws IOException {
        String traceId = newTraceId();
        byte[] children = export(chat(traceId, "a000000000000001"), chat(traceId, "a000000000000002"), chat(traceId, "a000000000000003"));
        assertFalse(protobufResponse(postProtobuf(children)).hasPartialSuccess());
        assertFalse(protobufResponse(postProtobuf(children)).hasPartialSuccess(), "a retried export");
        Map<String, Map<String, AttributeValue>> items = bufferItems(traceId);
        assertEquals(List.of("trace"), List.copyOf(items.keySet()), "no item besides the header");
        assertEquals(1, items.get("trace").keySet().stream().filter(a -> a.startsWith("w_")).count(), "one chunk: " + items.get("trace").keySet());
        assertEquals(3, items.get("trace").get("spanIds").ss().size());
        assertEquals(3, buffer.spans(tenant, traceId).size());

        assertFalse(protobufResponse(postProtobuf(export(chat(traceId, "a000000000000004")))).hasPartialSuccess());
        assertEquals(2, bufferItems(traceId).get("trace").keySet().stream().filter(a -> a.startsWith("w_")).count(), "a second export adds its chunk");
        assertFalse(protobufResponse(postProtobuf(export(root(traceId)))).hasPartialSuccess());
        assertEquals(4, Json.parse(stored(traceId).orElseThrow().canonicalRecord()).get("steps").size());
    }

    /** Chunks that no longer fit the header (400 KB an item) wait as items of their own, and are assembled all the same. */
    @Test
    void spansBeyondTheHeadersRoomWaitAsChunkItemsAndTheSessionHoldsThemAll() throws IOException {
        String traceId = newTraceId();
        KeyValue payload = kv("debug.payload", "p".repeat(60_000));
        java.util.function.Function<String, io.opentelemetry.proto.trace.v1.Span> big = id -> span(traceId, id, "00f067aa0ba902b7", "chat gpt-4.1", 10,
                kv("gen_ai.operation.name", "chat"), kv("gen_ai.request.model", "gpt-4.1"), payload, kv("debug.more", "q".repeat(60_000)));
        assertFalse(protobufResponse(postProtobuf(export(big.apply("a000000000000001"), big.apply("a000000000000002")))).hasPartialSuccess());
        assertEquals(List.of("trace"), List.copyOf(bufferItems(traceId).keySet()), "240 KB fit in the header");
        assertFalse(protobufResponse(postProtobuf(export(big.apply("a000000000000003")))).hasPartialSuccess());
        Map<String, Map<String, AttributeValue>> items = bufferItems(traceId);
        assertEquals(2, items.size(), "the third span's chunk has an item of its own: " + items.keySet());
        assertEquals(1, items.get("trace").get("chunks").ss().size());
        assertEquals(3, buffer.spans(tenant, traceId).size());

        assertFalse(protobufResponse(postProtobuf(export(root(traceId)))).hasPartialSuccess());
        assertEquals(3, Json.parse(stored(traceId).orElseThrow().canonicalRecord()).get("steps").size());
    }

    /** Spans that waited in the layout before chunks (one item per span) are still assembled: nothing is lost across the upgrade. */
    @Test
    void spansThatWaitedInTheOneItemPerSpanLayoutAreStillAssembled() throws IOException {
        String traceId = newTraceId();
        String pk = tenant + "#" + traceId;
        String expires = Long.toString(NOW.plusSeconds(3600).getEpochSecond());
        aws.client().putItem(r -> r.tableName(aws.tableName("TraceBufferTable")).item(Map.of("pk", AttributeValue.fromS(pk),
                "sk", AttributeValue.fromS("trace"), "spanIds", AttributeValue.fromSs(List.of("a000000000000001")),
                "expiresAt", AttributeValue.fromN(expires))));
        aws.client().putItem(r -> r.tableName(aws.tableName("TraceBufferTable")).item(Map.of("pk", AttributeValue.fromS(pk),
                "sk", AttributeValue.fromS("span#a000000000000001"), "expiresAt", AttributeValue.fromN(expires),
                "span", AttributeValue.fromS("{\"spanId\":\"a000000000000001\",\"parentSpanId\":\"00f067aa0ba902b7\",\"name\":\"chat\","
                        + "\"start\":" + (T0 + 10_000_000L) + ",\"end\":" + (T0 + 20_000_000L) + ",\"attributes\":{\"gen_ai.operation.name\":\"chat\","
                        + "\"gen_ai.request.model\":\"gpt-4.1\"}}"))));
        assertEquals(1, buffer.spans(tenant, traceId).size());

        assertFalse(protobufResponse(postProtobuf(export(chat(traceId, "a000000000000002")))).hasPartialSuccess());
        assertFalse(protobufResponse(postProtobuf(export(root(traceId)))).hasPartialSuccess());
        JsonNode steps = Json.parse(stored(traceId).orElseThrow().canonicalRecord()).get("steps");
        assertEquals(2, steps.size(), steps.toString());
        assertEquals("LLM_CALL", steps.get(0).get("type").asText());
    }

    @Test
    void manyTracesAndOneLargeTraceShareTransactionsAndEveryOneIsAssembledWhole() throws IOException {
        List<String> traceIds = new ArrayList<>();
        List<io.opentelemetry.proto.trace.v1.Span> children = new ArrayList<>();
        for (int t = 0; t < 40; t++) {
            String traceId = newTraceId();
            traceIds.add(traceId);
            for (int c = 1; c <= 3; c++) children.add(chat(traceId, String.format("a%015x", c)));
        }
        String large = newTraceId();
        for (int c = 1; c <= 150; c++) children.add(chat(large, String.format("b%015x", c)));
        assertFalse(protobufResponse(postProtobuf(export(children.toArray(io.opentelemetry.proto.trace.v1.Span[]::new)))).hasPartialSuccess());
        assertFalse(protobufResponse(postProtobuf(export(children.toArray(io.opentelemetry.proto.trace.v1.Span[]::new)))).hasPartialSuccess(),
                "the same export again: nothing added or counted twice");

        List<io.opentelemetry.proto.trace.v1.Span> roots = new ArrayList<>();
        traceIds.forEach(id -> roots.add(root(id)));
        roots.add(root(large));
        assertFalse(protobufResponse(postProtobuf(export(roots.toArray(io.opentelemetry.proto.trace.v1.Span[]::new)))).hasPartialSuccess());
        for (String traceId : traceIds) assertEquals(3, Json.parse(stored(traceId).orElseThrow().canonicalRecord()).get("steps").size());
        assertEquals(150, Json.parse(stored(large).orElseThrow().canonicalRecord()).get("steps").size());
    }

    @Test
    void aTraceWaitingWithMoreSpansThanASessionHasStepsIsRejectedBeyondTheLimit() throws IOException {
        String traceId = newTraceId();
        io.opentelemetry.proto.trace.v1.Span[] first = new io.opentelemetry.proto.trace.v1.Span[250];
        for (int c = 0; c < first.length; c++) first[c] = chat(traceId, String.format("c%015x", c + 1));
        assertFalse(protobufResponse(postProtobuf(export(first))).hasPartialSuccess());
        io.opentelemetry.proto.trace.v1.Span[] more = new io.opentelemetry.proto.trace.v1.Span[10];
        for (int c = 0; c < more.length; c++) more[c] = chat(traceId, String.format("d%015x", c + 1));
        ExportTraceServiceResponse response = protobufResponse(postProtobuf(export(more)));
        assertEquals(10, response.getPartialSuccess().getRejectedSpans());
        assertTrue(response.getPartialSuccess().getErrorMessage().contains("more than 256 spans"), response.getPartialSuccess().getErrorMessage());
        assertEquals(250, buffer.spans(tenant, traceId).size());
    }

    @Test
    void aRetriedExportIsASuccessAndChangesNothing() throws IOException {
        String traceId = newTraceId();
        byte[] children = export(chat(traceId, "a000000000000001"));
        byte[] rootExport = export(root(traceId));
        postProtobuf(children);
        postProtobuf(children);
        assertEquals(1, buffer.spans(tenant, traceId).size());
        postProtobuf(rootExport);
        StoredSession first = stored(traceId).orElseThrow();

        assertFalse(protobufResponse(postProtobuf(rootExport)).hasPartialSuccess(), "the root again: a duplicate, answered as success");
        assertFalse(protobufResponse(postProtobuf(children)).hasPartialSuccess(), "a child that waited before the root: success");
        assertEquals(first, stored(traceId).orElseThrow());
        assertEquals(1, Json.parse(first.canonicalRecord()).get("steps").size());
    }

    @Test
    void aChildAfterItsRootIsRejectedInPartialSuccessAndTheSessionIsUnchanged() throws IOException {
        String traceId = newTraceId();
        postProtobuf(export(root(traceId)));
        StoredSession before = stored(traceId).orElseThrow();
        ExportTraceServiceResponse response = protobufResponse(postProtobuf(export(chat(traceId, "a000000000000007"))));
        assertEquals(1, response.getPartialSuccess().getRejectedSpans());
        assertTrue(response.getPartialSuccess().getErrorMessage().contains("a000000000000007 arrived after the trace's root span"),
                response.getPartialSuccess().getErrorMessage());
        assertEquals(before, stored(traceId).orElseThrow());
    }

    @Test
    void theSameTraceIdWithOtherContentIsRejectedInPartialSuccessNotA409() throws IOException {
        String traceId = newTraceId();
        postProtobuf(export(root(traceId)));
        StoredSession before = stored(traceId).orElseThrow();
        APIGatewayV2HTTPResponse raw = postProtobuf(export(root(traceId, kv("veriproof.decision.outcome", "DENIED"))));
        ExportTraceServiceResponse response = protobufResponse(raw);
        assertEquals(1, response.getPartialSuccess().getRejectedSpans());
        assertTrue(response.getPartialSuccess().getErrorMessage().contains("session_conflict"), response.getPartialSuccess().getErrorMessage());
        assertEquals(before, stored(traceId).orElseThrow());
    }

    @Test
    void anInvalidTraceIsRejectedNamingTheAttributeWhileAValidOneOfTheSameExportIsStored() throws IOException {
        String bad = newTraceId();
        String good = newTraceId();
        ExportTraceServiceResponse response = protobufResponse(postProtobuf(export(
                root(bad, kv("veriproof.decision.outcome", "MAYBE")), chat(bad, "a000000000000001"), root(good))));
        assertEquals(2, response.getPartialSuccess().getRejectedSpans());
        String message = response.getPartialSuccess().getErrorMessage();
        assertTrue(message.contains("trace " + bad) && message.contains("veriproof.decision.outcome"), message);
        assertTrue(stored(bad).isEmpty());
        assertTrue(stored(good).isPresent());
    }

    @Test
    void theSessionsOfAnExportAreCountedInTheIngestMetricsAsPostV1SessionsCountsThem() throws IOException {
        String stored = newTraceId();
        String duplicate = newTraceId();
        String conflict = newTraceId();
        String invalid = newTraceId();
        String overLimits = newTraceId();
        postProtobuf(export(root(duplicate)));
        postProtobuf(export(root(conflict)));
        io.opentelemetry.proto.trace.v1.Span huge = span(overLimits, "a000000000000001", "00f067aa0ba902b7", "chat", 10,
                kv("gen_ai.operation.name", "chat"), kv("gen_ai.input.messages", "x".repeat(70_000)));

        EmfOutput emf = EmfOutput.capture(() -> assertEquals(200, postProtobuf(export(root(stored), root(duplicate),
                root(conflict, kv("veriproof.decision.outcome", "DENIED")), root(invalid, kv("veriproof.decision.outcome", "MAYBE")),
                root(overLimits), huge)).getStatusCode()));

        assertEquals(1, emf.sum("SessionsStored"), emf.metrics().toString());
        assertEquals(1, emf.sum("SessionsDuplicate"));
        assertEquals(3, emf.sum("SessionsRejected"), emf.metrics().toString());
        assertEquals(1, emf.sum("SessionsRejected", Map.of("errorCode", "session_conflict")));
        assertEquals(1, emf.sum("SessionsRejected", Map.of("errorCode", TraceIngest.SPAN_REJECTED)));
        assertTrue(stored(stored).isPresent() && stored(invalid).isEmpty() && stored(overLimits).isEmpty());
    }

    @Test
    void aSpanOverTheLimitsRejectsItsWholeTraceEvenWhenItsRootComesLater() throws IOException {
        String traceId = newTraceId();
        io.opentelemetry.proto.trace.v1.Span huge = span(traceId, "a000000000000001", "00f067aa0ba902b7", "chat", 10,
                kv("gen_ai.operation.name", "chat"), kv("gen_ai.input.messages", "x".repeat(70_000)));
        ExportTraceServiceResponse first = protobufResponse(postProtobuf(export(huge)));
        assertEquals(1, first.getPartialSuccess().getRejectedSpans());
        assertTrue(first.getPartialSuccess().getErrorMessage().contains("at most 65536 per value"));
        ExportTraceServiceResponse second = protobufResponse(postProtobuf(export(root(traceId))));
        assertEquals(1, second.getPartialSuccess().getRejectedSpans());
        assertTrue(second.getPartialSuccess().getErrorMessage().contains("an earlier export of this trace had a span rejected"));
        assertTrue(stored(traceId).isEmpty(), "nothing half-stored");
    }

    @Test
    void jsonWithHexIdsStringAndNumberInt64sUnknownFieldsAndGzipIsStoredAndAnsweredInJson() throws IOException {
        String traceId = newTraceId();
        byte[] json = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"loan-review"}}],
                   "droppedAttributesCount":0,"someFutureField":{"x":1}},
                  "scopeSpans":[{"scope":{"name":"agent","version":"1"},"spans":[
                   {"traceId":"%1$s","spanId":"00F067AA0BA902B7","name":"invoke_agent","kind":1,
                    "startTimeUnixNano":"%2$d","endTimeUnixNano":%3$d,"status":{"code":1},
                    "attributes":[{"key":"veriproof.decision.confidence","value":{"doubleValue":0.5}},
                                  {"key":"veriproof.grounding.sources","value":{"intValue":"3"}},
                                  {"key":"veriproof.grounding.status","value":{"stringValue":"PARTIAL"}}]}]}]}]}"""
                .formatted(traceId, T0, T0 + 1_000_000_000L).getBytes(StandardCharsets.UTF_8);
        APIGatewayV2HTTPResponse response = post("application/json", gzip(json), Map.of("content-encoding", "gzip"), tenant, "ingest");
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("application/json", response.getHeaders().get("Content-Type"));
        assertEquals("{}", response.getBody());
        JsonNode record = Json.parse(stored(traceId).orElseThrow().canonicalRecord());
        assertEquals(Json.parse("{\"status\":\"PARTIAL\",\"sources\":3}"), record.get("grounding"));
        assertEquals(0.5, record.get("decision").get("confidence").asDouble());
    }

    @Test
    void aPartialSuccessInJsonCarriesTheRejectedCountAsAnInt64String() {
        String traceId = newTraceId();
        post("application/json", ("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"loan-review\"}}]},"
                + "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + traceId + "\",\"spanId\":\"00f067aa0ba902b7\",\"startTimeUnixNano\":\"" + T0 + "\"}]}]}]}")
                .getBytes(StandardCharsets.UTF_8), Map.of(), tenant, "ingest");
        APIGatewayV2HTTPResponse late = post("application/json", ("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + traceId
                + "\",\"spanId\":\"a000000000000001\",\"parentSpanId\":\"00f067aa0ba902b7\",\"attributes\":[{\"key\":\"gen_ai.operation.name\","
                + "\"value\":{\"stringValue\":\"chat\"}}]}]}]}]}").getBytes(StandardCharsets.UTF_8), Map.of(), tenant, "ingest");
        assertEquals(200, late.getStatusCode());
        JsonNode body = Json.parse(late.getBody());
        assertEquals("1", body.get("partialSuccess").get("rejectedSpans").asText());
        assertTrue(body.get("partialSuccess").get("rejectedSpans").isTextual());
        assertTrue(body.get("partialSuccess").get("errorMessage").asText().contains("arrived after the trace's root span"));
    }

    @Test
    void undecodableBodiesAre400WithAStatusInTheRequestsEncodingAndStoreNothing() throws IOException {
        APIGatewayV2HTTPResponse protobuf = postProtobuf(new byte[] {0x0a, 0x7f, 0x01});
        assertEquals(400, protobuf.getStatusCode());
        Map.Entry<Integer, String> status = status(protobuf);
        assertEquals(3, status.getKey());
        assertTrue(status.getValue().contains("not a protobuf-encoded ExportTraceServiceRequest"), status.getValue());

        APIGatewayV2HTTPResponse json = post("application/json", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"S0z/base64==\"}]}]}]}"
                .getBytes(StandardCharsets.UTF_8), Map.of(), tenant, "ingest");
        assertEquals(400, json.getStatusCode());
        JsonNode body = Json.parse(json.getBody());
        assertEquals(3, body.get("code").asInt());
        assertTrue(body.get("message").asText().contains("$.resourceSpans[0].scopeSpans[0].spans[0].traceId must be hex-encoded"), body.toString());

        assertEquals(400, post("application/json", "{\"resourceSpans\":[".getBytes(StandardCharsets.UTF_8), Map.of(), tenant, "ingest").getStatusCode());
        assertEquals(400, post("application/x-protobuf", "not gzip".getBytes(StandardCharsets.UTF_8), Map.of("content-encoding", "gzip"),
                tenant, "ingest").getStatusCode());
    }

    /** OTLP/JSON goes through the API's strict request layer: the same encoding, nesting, number and duplicate rules and messages. */
    @Test
    void otlpJsonIsReadUnderTheApisStrictRequestRulesAndABreachStoresNothing() {
        String traceId = newTraceId();
        String valid = ("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"loan-review\"}}]},"
                + "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + traceId + "\",\"spanId\":\"00f067aa0ba902b7\",\"name\":\"x?y\",\"startTimeUnixNano\":" + T0
                + ",\"endTimeUnixNano\":\"" + (T0 + 1_000_000L) + "\",\"attributes\":[ATTRIBUTE]}]}]}]}");
        String attribute = "{\"key\":\"veriproof.grounding.status\",\"value\":{\"stringValue\":\"GROUNDED\"}}";
        byte[] invalidUtf8 = valid.replace("ATTRIBUTE", attribute).getBytes(StandardCharsets.UTF_8);
        invalidUtf8[valid.indexOf("x?y") + 1] = (byte) 0xFF;
        Map<String, byte[]> refused = new LinkedHashMap<>();
        refused.put("not valid UTF-8", invalidUtf8);
        refused.put("UTF-8 (RFC 8259", valid.replace("ATTRIBUTE", attribute).getBytes(StandardCharsets.UTF_16));
        refused.put("nested more than 64 levels", valid.replace("ATTRIBUTE", attribute + ",{\"key\":\"k\",\"x\":" + "[".repeat(70) + "]".repeat(70) + "}")
                .getBytes(StandardCharsets.UTF_8));
        refused.put("Duplicate field 'key'", valid.replace("ATTRIBUTE", "{\"key\":\"a\",\"key\":\"b\"}").getBytes(StandardCharsets.UTF_8));
        refused.put("too large a number", valid.replace("ATTRIBUTE", "{\"key\":\"d\",\"value\":{\"doubleValue\":1e400}}").getBytes(StandardCharsets.UTF_8));
        refused.put("NaN and Infinity are not JSON numbers", valid.replace("ATTRIBUTE", "{\"key\":\"d\",\"value\":{\"doubleValue\":NaN}}").getBytes(StandardCharsets.UTF_8));
        refused.put("beyond ±18446744073709551615", valid.replace("ATTRIBUTE", "{\"key\":\"i\",\"value\":{\"intValue\":" + "9".repeat(21) + "}}")
                .getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> bad : refused.entrySet()) {
            APIGatewayV2HTTPResponse response = post("application/json", bad.getValue(), Map.of(), tenant, "ingest");
            assertEquals(400, response.getStatusCode(), bad.getKey() + ": " + response.getBody());
            String message = Json.parse(response.getBody()).get("message").asText();
            assertTrue(message.contains(bad.getKey()), bad.getKey() + ": " + message);
            assertFalse(message.matches("(?s).*(Jackson|JsonReadFeature|ALLOW_|StreamReadConstraints|Exception).*"), "no parser internals: " + message);
        }
        assertTrue(stored(traceId).isEmpty());

        // An int64 attribute is read exactly, but the session record cannot hold it beyond 2^53: the trace is rejected, never rounded.
        APIGatewayV2HTTPResponse wide = post("application/json", valid.replace("ATTRIBUTE",
                "{\"key\":\"veriproof.attributes.n\",\"value\":{\"intValue\":9007199254740993}}").getBytes(StandardCharsets.UTF_8), Map.of(), tenant, "ingest");
        assertEquals(200, wide.getStatusCode(), wide.getBody());
        JsonNode partial = Json.parse(wide.getBody()).get("partialSuccess");
        assertEquals("1", partial.get("rejectedSpans").asText(), wide.getBody());
        assertTrue(partial.get("errorMessage").asText().contains("$.attributes.n"), wide.getBody());
        assertTrue(stored(traceId).isEmpty());

        APIGatewayV2HTTPResponse accepted = post("application/json", valid.replace("ATTRIBUTE", attribute).getBytes(StandardCharsets.UTF_8), Map.of(), tenant, "ingest");
        assertEquals("{}", accepted.getBody(), "int64 timestamps as numbers beyond 2^53 are read exactly");
        assertEquals(Instant.ofEpochSecond(0, T0), Instant.parse(Json.parse(stored(traceId).orElseThrow().canonicalRecord()).get("startedAt").asText()));
    }

    @Test
    void sizeMediaTypeEncodingAndRoleAreCheckedBeforeAnythingIsStored() throws IOException {
        String traceId = newTraceId();
        io.opentelemetry.proto.trace.v1.Span[] spans = new io.opentelemetry.proto.trace.v1.Span[1001];
        spans[0] = root(traceId);
        for (int i = 1; i < spans.length; i++) spans[i] = chat(traceId, String.format("a%015x", i));
        APIGatewayV2HTTPResponse tooMany = postProtobuf(export(spans));
        assertEquals(413, tooMany.getStatusCode());
        assertTrue(status(tooMany).getValue().contains("1001 spans; at most 1000"));

        byte[] bomb = gzip(new byte[OtlpHandler.MAX_DECOMPRESSED_BYTES + 1]);
        assertEquals(413, post("application/x-protobuf", bomb, Map.of("content-encoding", "gzip"), tenant, "ingest").getStatusCode());
        assertEquals(413, postProtobuf(new byte[OtlpHandler.MAX_BODY_BYTES + 1]).getStatusCode());

        byte[] ok = export(root(traceId));
        APIGatewayV2HTTPResponse text = post("text/plain", ok, Map.of(), tenant, "ingest");
        assertEquals(415, text.getStatusCode());
        assertEquals("application/json", text.getHeaders().get("Content-Type"));
        assertEquals(415, post("application/x-protobuf", ok, Map.of("content-encoding", "br"), tenant, "ingest").getStatusCode());
        APIGatewayV2HTTPResponse auditor = post("application/x-protobuf", ok, Map.of(), tenant, "auditor");
        assertEquals(403, auditor.getStatusCode());
        assertEquals(7, status(auditor).getKey());
        assertTrue(stored(traceId).isEmpty());
        assertTrue(buffer.spans(tenant, traceId).isEmpty());
        assertEquals(200, post("application/x-protobuf", ok, Map.of(), tenant, "admin").getStatusCode(), "admin may export too");
    }

    @Test
    void anotherTenantsTraceIdIsAnotherTrace() throws IOException {
        String traceId = newTraceId();
        postProtobuf(export(chat(traceId, "a000000000000001")));
        postProtobuf(export(root(traceId)));
        APIGatewayV2HTTPResponse other = post("application/x-protobuf", export(chat(traceId, "a000000000000009"), root(traceId)), Map.of(),
                tenant + "-other", "ingest");
        assertFalse(protobufResponse(other).hasPartialSuccess(), "neither sealed nor conflicting across tenants");
        JsonNode mine = Json.parse(stored(traceId).orElseThrow().canonicalRecord());
        JsonNode theirs = Json.parse(sessions.find(tenant + "-other", traceId).orElseThrow().canonicalRecord());
        assertEquals("a000000000000001", mine.get("steps").get(0).get("spanId").asText());
        assertEquals("a000000000000009", theirs.get("steps").get(0).get("spanId").asText());
        assertEquals(1, theirs.get("steps").size());
    }

    @Test
    void snapStartPrimingTakesAnExportThroughTheHandlerAndWritesNothing() throws IOException {
        APIGatewayV2HTTPResponse answer = handler.prime();
        assertEquals(200, answer.getStatusCode(), answer.getBody());
        assertEquals("{}", answer.getBody());
        assertEquals(0, aws.client().scan(r -> r.tableName(aws.tableName("TraceBufferTable"))
                .filterExpression("begins_with(pk, :p)").expressionAttributeValues(Map.of(":p",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("priming#")))).count());
    }

    @Test
    void primingsSealTransactionIsRefusedEvenForAWaitingTrace_whichStaysUnsealedAndUnchanged() throws IOException {
        String traceId = newTraceId();
        assertEquals(200, postProtobuf(export(chat(traceId, "00f067aa0ba902b7"))).getStatusCode());
        Map<String, Map<String, AttributeValue>> before = bufferItems(traceId);
        assertFalse(before.isEmpty(), "the child span waits in the buffer");

        buffer.primeWrites(tenant, traceId);

        assertEquals(before, bufferItems(traceId), "nothing was written: the header is not sealed");
        assertTrue(buffer.spans(tenant, traceId).size() == 1);
    }

    @Test
    void aThrottledDatabaseIs503WithRetryAfterAndTheRetrySucceeds() throws IOException {
        String traceId = newTraceId();
        TraceBuffer throttled = new TraceBuffer() {
            public Map<String, Admission> add(String t, Map<String, List<Span>> spans) { throw throttle(); }
            public void reject(String t, String id, String reason) { throw throttle(); }
            public Map<String, Sealed> seal(String t, java.util.Collection<String> ids) { throw throttle(); }
            public List<Span> spans(String t, String id) { throw throttle(); }
            private RuntimeException throttle() {
                return ProvisionedThroughputExceededException.builder().message("throughput exceeded").statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build()).build();
            }
        };
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build();
        OtlpHandler real = handler;
        handler = new OtlpHandler(new TraceIngest(new SessionIngest(sessions,
                new DynamoApplicationStore(enhanced, aws.tableName("GovernanceTable")), Clock.fixed(NOW, ZoneOffset.UTC)), throttled));
        APIGatewayV2HTTPResponse response = postProtobuf(export(root(traceId)));
        assertEquals(503, response.getStatusCode());
        assertEquals(OtlpHandler.RETRY_AFTER_SECONDS, response.getHeaders().get("Retry-After"));
        assertEquals(14, status(response).getKey());
        assertTrue(stored(traceId).isEmpty());
        handler = real;
        assertFalse(protobufResponse(postProtobuf(export(root(traceId)))).hasPartialSuccess());
        assertTrue(stored(traceId).isPresent());
    }
}
