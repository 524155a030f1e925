package dev.veriproof.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.ingest.IngestHandler;
import dev.veriproof.ingest.otlp.OtlpHandler;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalDynamoDb;
import dev.veriproof.local.TemplateTables;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * OTLP ingestion throughput: agent traces exported to {@code POST /v1/traces} and turned into stored
 * sessions, against {@code POST /v1/sessions} of the very same sessions, in one run.
 *
 * <pre>
 * mvn -q -pl bench -am -DskipTests install &amp;&amp; mvn -q -pl bench -Potlp-bench exec:exec [-Dbench.traces=2000]
 * </pre>
 *
 * <p>Starts DynamoDB Local in this JVM with the template's tables (the trace buffer included),
 * registers the application in three tenants, and generates N agent traces of four spans (root
 * {@code invoke_agent} with the {@code veriproof.*} annotations, {@code chat}, {@code execute_tool},
 * a guardrail). The reference sessions are what SPEC 13 maps those traces to, written out, and
 * the run checks that all sides stored byte-identical records. Single-threaded, the real handlers on API Gateway events,
 * in alternating blocks of B traces:
 * <ul>
 *   <li><b>POST /v1/sessions</b>: one batch request of the B sessions (207, each "stored");</li>
 *   <li><b>OTLP, two exports</b>: the B traces' children in one protobuf export, their roots in a
 *       second, as a batch processor ships spans as they end (children wait in the trace buffer);</li>
 *   <li><b>OTLP, one export</b>: the B whole traces in one protobuf export.</li>
 * </ul>
 * Every OTLP answer must be 200 without partial success, every session stored. Prints sessions per
 * second of each side and the ratios OTLP/POST (target ≥ 0.5). A benchmark, not a test.
 */
public final class OtlpBenchmark {
    static final String APPLICATION = "loan-review";
    static final String POST_TENANT = "bench-post";
    static final String TWO_EXPORTS_TENANT = "bench-otlp-two";
    static final String ONE_EXPORT_TENANT = "bench-otlp-one";
    static final double TARGET_RATIO = 0.5;
    private static final String ROOT_SPAN = "00f067aa0ba902b7";

    private record Trace(String traceId, List<Span> children, Span root, ObjectNode session) {}

    public static void main(String[] args) {
        int traces = Integer.getInteger("bench.traces", 2000);
        int block = Integer.getInteger("bench.block", 50);
        int warmUp = Integer.getInteger("bench.warmup", 200);
        new OtlpBenchmark().run(traces, block, warmUp);
    }

    private void run(int traces, int block, int warmUp) {
        System.out.printf("VeriProof OTLP benchmark: %d agent traces of 4 spans (+%d warm-up), blocks of %d%n", traces, warmUp, block);
        try (LocalDynamoDb db = LocalDynamoDb.start()) {
            Map<String, String> tables = TemplateTables.createAll(db.client(), CloudFormationTemplate.load(CloudFormationTemplate.locate()), "bench-");
            configure(db.endpoint(), tables);
            IngestHandler sessionsHandler = new IngestHandler();
            OtlpHandler otlpHandler = new OtlpHandler();

            Random random = new Random(42);
            long startNanos = Instant.now().minusSeconds(3600).getEpochSecond() * 1_000_000_000L;
            List<Trace> all = new ArrayList<>();
            for (int i = 0; i < warmUp + traces; i++) all.add(trace(random, i, startNanos + i * 1_000_000L));

            long[] nanos = new long[3];
            int request = 0;
            for (int start = 0, b = 0; start < all.size(); start += block, b++) {
                List<Trace> batch = all.subList(start, Math.min(all.size(), start + block));
                boolean measured = start >= warmUp;
                for (int turn = 0; turn < 3; turn++) {
                    int side = (turn + b) % 3; // rotate which side goes first
                    long t0 = System.nanoTime();
                    switch (side) {
                        case 0 -> postSessions(sessionsHandler, batch, "req-" + request++);
                        case 1 -> {
                            exportOtlp(otlpHandler, TWO_EXPORTS_TENANT, export(batch, true, false), "req-" + request++);
                            exportOtlp(otlpHandler, TWO_EXPORTS_TENANT, export(batch, false, true), "req-" + request++);
                        }
                        default -> exportOtlp(otlpHandler, ONE_EXPORT_TENANT, export(batch, true, true), "req-" + request++);
                    }
                    if (measured) nanos[side] += System.nanoTime() - t0;
                }
            }
            checkSameRecords(db, tables.get("SessionsTable"), all.get(all.size() - 1));
            report(traces, block, nanos);
        }
    }

    private static void configure(String endpoint, Map<String, String> tables) {
        System.setProperty("aws.endpointUrlDynamoDb", endpoint);
        System.setProperty("SESSIONS_TABLE", tables.get("SessionsTable"));
        System.setProperty("GOVERNANCE_TABLE", tables.get("GovernanceTable"));
        System.setProperty("TRACE_BUFFER_TABLE", tables.get("TraceBufferTable"));
        System.setProperty("aws.region", LocalDynamoDb.REGION.id());
        System.setProperty("aws.accessKeyId", LocalDynamoDb.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", LocalDynamoDb.SECRET_ACCESS_KEY);
        System.setProperty("SIGNER_PRIVATE_KEY", IngestBenchmark.DEV_SIGNER_KEY); // POST /v1/sessions signs its receipts
        Instant now = Instant.now();
        DynamoApplicationStore applications = new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), tables.get("GovernanceTable"));
        for (String tenant : List.of(POST_TENANT, TWO_EXPORTS_TENANT, ONE_EXPORT_TENANT)) {
            applications.create(new Application(tenant, APPLICATION, "Loan review", RiskLevel.HIGH, 80, "risk-office",
                    RedactionPolicy.NONE, 1, now, now), "bench");
        }
    }

    private static Trace trace(Random random, int index, long start) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        String traceId = Hashes.hex(id);
        long inputTokens = 800L + random.nextInt(400);
        long outputTokens = 50L + random.nextInt(100);
        String guardrailAction = random.nextInt(10) == 0 ? "FLAGGED" : "ALLOWED";
        String sessionId = String.format("otlp-bench-%08d", index);
        String outcome = random.nextBoolean() ? "APPROVED" : "DENIED";
        double confidence = Math.round(random.nextDouble() * 100) / 100.0;
        String reasoning = "DTI " + random.nextInt(60) + "%, income verified";
        List<Span> children = List.of(
                span(traceId, "a000000000000001", ROOT_SPAN, "chat gpt-4.1", start + 1_000_000, start + 400_000_000,
                        kv("gen_ai.operation.name", "chat"), kv("gen_ai.provider.name", "openai"), kv("gen_ai.request.model", "gpt-4.1"),
                        kv("gen_ai.response.model", "gpt-4.1-2025-04-14"), kv("gen_ai.usage.input_tokens", inputTokens),
                        kv("gen_ai.usage.output_tokens", outputTokens)),
                span(traceId, "a000000000000002", ROOT_SPAN, "execute_tool credit_score", start + 410_000_000, start + 600_000_000,
                        kv("gen_ai.operation.name", "execute_tool"), kv("gen_ai.tool.name", "credit_score"),
                        kv("gen_ai.tool.call.id", "call_" + index)),
                span(traceId, "a000000000000003", ROOT_SPAN, "pii-filter", start + 610_000_000, start + 650_000_000,
                        kv("veriproof.guardrail.action", guardrailAction),
                        kv("veriproof.guardrail.config_version", "7"), kv("veriproof.content_safety.flags", List.of("PII")),
                        kv("veriproof.content_safety.handled", true)));
        Span root = span(traceId, ROOT_SPAN, "", "invoke_agent loan-agent", start, start + 700_000_000,
                kv("gen_ai.operation.name", "invoke_agent"), kv("gen_ai.agent.name", "loan-agent"),
                kv("veriproof.session.id", sessionId), kv("veriproof.session.intent", "credit_decision"),
                kv("veriproof.decision.outcome", outcome), kv("veriproof.decision.confidence", confidence),
                kv("veriproof.decision.reasoning", reasoning),
                kv("veriproof.risk.level", "HIGH"), kv("veriproof.human_oversight.required", true),
                kv("veriproof.human_oversight.type", "HUMAN_IN_THE_LOOP"), kv("veriproof.grounding.status", "GROUNDED"),
                kv("veriproof.grounding.sources", 3L), kv("veriproof.attributes.region", "eu-west-1"));
        // The session the SPEC 13 mapping gives for this trace, written out by hand: POST /v1/sessions
        // sends it, and the run fails unless both OTLP sides store the very same record.
        ObjectNode session = (ObjectNode) Json.parse("""
                {"sessionId":"%s","applicationId":"%s","startedAt":"%s","endedAt":"%s",
                 "sdk":{"name":"opentelemetry","version":"1.68.0"},"intent":"credit_decision","model":"gpt-4.1-2025-04-14",
                 "reasoning":"%s","decision":{"outcome":"%s","confidence":%s},"riskLevel":"HIGH",
                 "humanOversight":{"required":true,"type":"HUMAN_IN_THE_LOOP"},
                 "guardrails":[{"name":"pii-filter","action":"%s","configVersion":"7"}],
                 "grounding":{"status":"GROUNDED","sources":3},"contentSafety":{"flags":["PII"],"handled":true},
                 "steps":[
                  {"spanId":"a000000000000001","type":"LLM_CALL","name":"chat gpt-4.1","model":"gpt-4.1-2025-04-14",
                   "startedAt":"%s","endedAt":"%s","inputTokens":%d,"outputTokens":%d},
                  {"spanId":"a000000000000002","type":"TOOL_CALL","name":"execute_tool credit_score","startedAt":"%s","endedAt":"%s"},
                  {"spanId":"a000000000000003","type":"GUARDRAIL","name":"pii-filter","startedAt":"%s","endedAt":"%s"}],
                 "attributes":{"region":"eu-west-1"}}""".formatted(sessionId, APPLICATION, time(start), time(start + 700_000_000),
                reasoning, outcome, Double.toString(confidence), guardrailAction,
                time(start + 1_000_000), time(start + 400_000_000), inputTokens, outputTokens,
                time(start + 410_000_000), time(start + 600_000_000), time(start + 610_000_000), time(start + 650_000_000)));
        return new Trace(traceId, children, root, session);
    }

    private static String time(long epochNanos) {
        return Instant.ofEpochSecond(epochNanos / 1_000_000_000L, epochNanos % 1_000_000_000L).toString();
    }

    private static final Resource RESOURCE = Resource.newBuilder()
            .addAttributes(kv("service.name", APPLICATION)).addAttributes(kv("telemetry.sdk.name", "opentelemetry"))
            .addAttributes(kv("telemetry.sdk.language", "java")).addAttributes(kv("telemetry.sdk.version", "1.68.0")).build();

    private static byte[] export(List<Trace> traces, boolean children, boolean roots) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        for (Trace trace : traces) {
            if (children) scope.addAllSpans(trace.children());
            if (roots) scope.addSpans(trace.root());
        }
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().setResource(RESOURCE).addScopeSpans(scope)).build().toByteArray();
    }

    private static void exportOtlp(OtlpHandler handler, String tenant, byte[] body, String requestId) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event("POST /v1/traces", "application/x-protobuf", tenant,
                Base64.getEncoder().encodeToString(body), true, requestId), null);
        try {
            ExportTraceServiceResponse answer = ExportTraceServiceResponse.parseFrom(Base64.getDecoder().decode(response.getBody()));
            if (response.getStatusCode() != 200 || answer.hasPartialSuccess()) {
                throw new IllegalStateException("export " + requestId + " answered " + response.getStatusCode() + ": " + answer);
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("export " + requestId + " answered " + response.getStatusCode() + " " + response.getBody());
        }
    }

    private static void postSessions(IngestHandler handler, List<Trace> traces, String requestId) {
        ObjectNode body = Json.mapper().createObjectNode();
        traces.forEach(t -> body.withArray("sessions").add(t.session()));
        APIGatewayV2HTTPResponse response = handler.handleRequest(event("POST /v1/sessions", "application/json", POST_TENANT,
                new String(Json.write(body), StandardCharsets.UTF_8), false, requestId), null);
        JsonNode results = Json.parse(response.getBody()).path("results");
        if (response.getStatusCode() != 207 || results.size() != traces.size()) {
            throw new IllegalStateException("POST /v1/sessions " + requestId + " answered " + response.getStatusCode() + ": " + response.getBody());
        }
        for (JsonNode result : results) {
            if (!"stored".equals(result.path("status").asText())) throw new IllegalStateException("not stored: " + result);
        }
    }

    private static APIGatewayV2HTTPEvent event(String route, String contentType, String tenant, String body, boolean base64, String requestId) {
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey(route)
                .withHeaders(Map.of("content-type", contentType))
                .withBody(body)
                .withIsBase64Encoded(base64)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(requestId)
                        .withRouteKey(route)
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withLambda(Map.of("authenticated", "true", "tenantId", tenant, "role", "ingest", "keyId", "k-bench",
                                        "applications", ""))
                                .build())
                        .build())
                .build();
    }

    /** Both OTLP sides must have stored the record POST /v1/sessions stored, byte for byte. */
    private static void checkSameRecords(LocalDynamoDb db, String table, Trace trace) {
        String sessionId = trace.session().get("sessionId").asText();
        List<String> records = new ArrayList<>();
        for (String tenant : List.of(POST_TENANT, TWO_EXPORTS_TENANT, ONE_EXPORT_TENANT)) {
            var item = db.client().getItem(r -> r.tableName(table).consistentRead(true)
                    .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("S#" + tenant + "#" + sessionId)))).item();
            if (item == null || item.isEmpty()) throw new IllegalStateException("session " + sessionId + " is missing in " + tenant);
            records.add(item.get("record").s());
        }
        if (!records.get(0).equals(records.get(1)) || !records.get(0).equals(records.get(2))) {
            throw new IllegalStateException("the three sides stored different records:\n" + String.join("\n", records));
        }
    }

    private static void report(int traces, int block, long[] nanos) {
        double post = traces / (nanos[0] / 1e9);
        double two = traces / (nanos[1] / 1e9);
        double one = traces / (nanos[2] / 1e9);
        System.out.printf(Locale.ROOT, "%nDatabase                       DynamoDB Local, in-process, in memory; %d traces per request%n", block);
        System.out.printf(Locale.ROOT, "POST /v1/sessions (batch)      %8.0f sessions/s   (reference)%n", post);
        System.out.printf(Locale.ROOT, "OTLP, children then roots      %8.0f sessions/s   %8.0f spans/s   ratio %.2f   target >= %.2f: %s%n",
                two, two * 4, two / post, TARGET_RATIO, two / post >= TARGET_RATIO ? "PASS" : "MISS");
        System.out.printf(Locale.ROOT, "OTLP, whole traces             %8.0f sessions/s   %8.0f spans/s   ratio %.2f   target >= %.2f: %s%n",
                one, one * 4, one / post, TARGET_RATIO, one / post >= TARGET_RATIO ? "PASS" : "MISS");
    }

    private static KeyValue kv(String key, Object value) {
        AnyValue.Builder any = AnyValue.newBuilder();
        if (value instanceof String s) any.setStringValue(s);
        else if (value instanceof Boolean b) any.setBoolValue(b);
        else if (value instanceof Long l) any.setIntValue(l);
        else if (value instanceof Double d) any.setDoubleValue(d);
        else if (value instanceof List<?> list) {
            ArrayValue.Builder array = ArrayValue.newBuilder();
            list.forEach(v -> array.addValues(AnyValue.newBuilder().setStringValue((String) v)));
            any.setArrayValue(array);
        } else throw new IllegalArgumentException("unsupported attribute value " + value);
        return KeyValue.newBuilder().setKey(key).setValue(any).build();
    }

    private static Span span(String traceId, String spanId, String parent, String name, long start, long end, KeyValue... attributes) {
        return Span.newBuilder().setTraceId(ByteString.fromHex(traceId)).setSpanId(ByteString.fromHex(spanId))
                .setParentSpanId(parent.isEmpty() ? ByteString.EMPTY : ByteString.fromHex(parent)).setName(name)
                .setKind(Span.SpanKind.SPAN_KIND_INTERNAL).setStartTimeUnixNano(start).setEndTimeUnixNano(end)
                .addAllAttributes(List.of(attributes)).build();
    }
}
