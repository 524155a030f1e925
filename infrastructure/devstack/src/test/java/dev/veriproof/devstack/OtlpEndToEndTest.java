package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.InclusionProof;
import dev.veriproof.verifier.Main;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * POST /v1/traces through the devstack's gateway and authorizer, with the real OpenTelemetry
 * clients: the Java SDK's OTLP/HTTP protobuf exporter (gzip) and the npm OTLP/HTTP JSON exporter,
 * each exporting an agent trace in two calls; the session must be stored as SPEC 13 maps it,
 * recompute its leaf hash, count in the aggregates and be anchored with a proof that verifies.
 */
class OtlpEndToEndTest {

    /** The SDK's own exporter, counting what each export call held and answered. */
    private static final class RecordingExporter implements SpanExporter {
        final SpanExporter delegate;
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        final List<CompletableResultCode> results = new CopyOnWriteArrayList<>();

        RecordingExporter(SpanExporter delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            batchSizes.add(spans.size());
            CompletableResultCode result = delegate.export(spans);
            results.add(result);
            return result;
        }

        /** Waits until the exporter was called {@code calls} times and those calls have completed. */
        void awaitCalls(int calls) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (results.size() < calls && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(calls, results.size(), "export calls so far: " + batchSizes);
            results.forEach(r -> r.join(20, TimeUnit.SECONDS));
        }

        @Override
        public CompletableResultCode flush() {
            return delegate.flush();
        }

        @Override
        public CompletableResultCode shutdown() {
            return delegate.shutdown();
        }
    }

    @Test
    void theJavaSdkExportsAnAgentTraceInTwoGzipProtobufCallsAndItBecomesAnAnchoredVerifiableSession() throws Exception {
        Devstack stack = RunningDevstack.get();
        Seed.SeededTenant demo = stack.tenant("demo");
        ApiClient api = new ApiClient(stack.apiUrl());
        int sessionsBefore = todaysSessions(api, demo.key("admin"));
        String sessionId = "otel-java-" + UUID.randomUUID();

        RecordingExporter exporter = new RecordingExporter(OtlpHttpSpanExporter.builder()
                .setEndpoint(stack.apiUrl() + "/v1/traces")
                .addHeader("X-API-Key", demo.key("ingest"))
                .setCompression("gzip")
                .build());
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "loan-review"))))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        Tracer tracer = provider.get("loan-agent", "1.0.0");
        // Explicit times, as real work takes some: steps are ordered by start time.
        long t0 = System.currentTimeMillis();
        Span root = tracer.spanBuilder("invoke_agent loan-agent").setStartTimestamp(t0, TimeUnit.MILLISECONDS)
                .setAttribute("gen_ai.operation.name", "invoke_agent")
                .setAttribute("veriproof.session.id", sessionId)
                .setAttribute("veriproof.session.intent", "credit_decision")
                .setAttribute("veriproof.decision.outcome", "APPROVED")
                .setAttribute("veriproof.decision.confidence", 0.82)
                .setAttribute("veriproof.decision.reasoning", "Income verified; DTI 0.31")
                .setAttribute("veriproof.risk.level", "HIGH")
                .setAttribute("veriproof.human_oversight.required", true)
                .setAttribute("veriproof.human_oversight.type", "HUMAN_IN_THE_LOOP")
                .setAttribute("veriproof.human_oversight.reviewer", "u-17")
                .setAttribute("veriproof.grounding.status", "GROUNDED")
                .setAttribute("veriproof.grounding.sources", 3L)
                .setAttribute("veriproof.attributes.region", "eu-west-1")
                .startSpan();
        Context inRoot = Context.current().with(root);
        tracer.spanBuilder("chat gpt-4.1").setParent(inRoot).setStartTimestamp(t0 + 5, TimeUnit.MILLISECONDS)
                .setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.system", "openai")
                .setAttribute("gen_ai.request.model", "gpt-4.1").setAttribute("gen_ai.response.model", "gpt-4.1-2025-04-14")
                .setAttribute("gen_ai.usage.input_tokens", 812L).setAttribute("gen_ai.usage.output_tokens", 96L)
                .startSpan().end(t0 + 400, TimeUnit.MILLISECONDS);
        tracer.spanBuilder("execute_tool credit_score").setParent(inRoot).setStartTimestamp(t0 + 410, TimeUnit.MILLISECONDS)
                .setAttribute("gen_ai.operation.name", "execute_tool").setAttribute("gen_ai.tool.name", "credit_score")
                .startSpan().end(t0 + 600, TimeUnit.MILLISECONDS);
        tracer.spanBuilder("pii-filter").setParent(inRoot).setStartTimestamp(t0 + 610, TimeUnit.MILLISECONDS)
                .setAttribute("veriproof.guardrail.action", "ALLOWED").setAttribute("veriproof.guardrail.config_version", "7")
                .setAttribute(AttributeKey.stringArrayKey("veriproof.content_safety.flags"), List.of("PII"))
                .setAttribute("veriproof.content_safety.handled", true)
                .startSpan().end(t0 + 650, TimeUnit.MILLISECONDS);
        assertTrue(provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess());
        exporter.awaitCalls(1);
        root.end(t0 + 700, TimeUnit.MILLISECONDS);
        assertTrue(provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess());
        // A flush asked for right after the previous one can be answered by it; the processor's own
        // schedule (5 s) then exports the root.
        exporter.awaitCalls(2);
        provider.shutdown().join(10, TimeUnit.SECONDS);

        assertEquals(List.of(3, 1), exporter.batchSizes, "children in a first export call, the root in a second");
        assertTrue(exporter.results.stream().allMatch(CompletableResultCode::isSuccess));

        JsonNode record = storedRecord(api, demo, sessionId);
        assertEquals("loan-review", record.get("applicationId").asText());
        assertEquals(root.getSpanContext().getTraceId().length(), 32);
        assertEquals("opentelemetry", record.get("sdk").get("name").asText());
        assertEquals("1.68.0", record.get("sdk").get("version").asText());
        assertEquals("gpt-4.1-2025-04-14", record.get("model").asText());
        assertEquals(Json.parse("{\"outcome\":\"APPROVED\",\"confidence\":0.82}"), record.get("decision"));
        assertEquals(Json.parse("{\"required\":true,\"type\":\"HUMAN_IN_THE_LOOP\",\"reviewer\":\"u-17\"}"), record.get("humanOversight"));
        assertEquals(Json.parse("[{\"name\":\"pii-filter\",\"action\":\"ALLOWED\",\"configVersion\":\"7\"}]"), record.get("guardrails"));
        assertEquals(Json.parse("{\"flags\":[\"PII\"],\"handled\":true}"), record.get("contentSafety"));
        assertEquals(Json.parse("{\"region\":\"eu-west-1\"}"), record.get("attributes"));
        assertSteps(record, 812, 96);

        assertAggregatedAnchoredAndVerified(stack, api, demo, sessionId, sessionsBefore);
    }

    @Test
    void theNpmJsonExporterExportsAnAgentTraceInTwoCallsAndItBecomesAnAnchoredVerifiableSession() throws Exception {
        Devstack stack = RunningDevstack.get();
        Seed.SeededTenant demo = stack.tenant("demo");
        ApiClient api = new ApiClient(stack.apiUrl());
        int sessionsBefore = todaysSessions(api, demo.key("admin"));
        String sessionId = "otel-js-" + UUID.randomUUID();

        Path root = Path.of(System.getProperty("veriproof.root"));
        Process node = new ProcessBuilder("node", root.resolve("infrastructure/tools/export-otlp-trace.mjs").toString(),
                stack.apiUrl(), demo.key("ingest"), sessionId, "loan-review").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, node.exitValue(), output);
        JsonNode exported = Json.parse(output);
        assertEquals(2, exported.get("results").size());
        assertEquals(3, exported.get("results").get(0).get("spans").asInt());

        JsonNode record = storedRecord(api, demo, sessionId);
        assertEquals("loan-review", record.get("applicationId").asText(), "veriproof.application.id wins over service.name");
        assertEquals("opentelemetry", record.get("sdk").get("name").asText());
        assertEquals("DENIED", record.get("decision").get("outcome").asText());
        assertEquals(Json.parse("[{\"name\":\"pii-filter\",\"action\":\"FLAGGED\",\"configVersion\":\"3\"}]"), record.get("guardrails"));
        assertEquals(Json.parse("{\"status\":\"GROUNDED\",\"sources\":2}"), record.get("grounding"));
        assertSteps(record, 640, 88);

        assertAggregatedAnchoredAndVerified(stack, api, demo, sessionId, sessionsBefore);
    }

    @Test
    void theGatewayPassesGzipJsonAndReportsPartialSuccessBadBodiesWrongKeysAndTenantsAsOtlpSays() throws Exception {
        Devstack stack = RunningDevstack.get();
        Seed.SeededTenant demo = stack.tenant("demo");
        Seed.SeededTenant acme = stack.tenant("acme");
        ApiClient api = new ApiClient(stack.apiUrl());
        String traceId = UUID.randomUUID().toString().replace("-", "");
        long start = System.currentTimeMillis() * 1_000_000L;
        String rootExport = json(traceId, "00f067aa0ba902b7", "", "loan-review", start);

        ApiClient.Response stored = post(api, demo.key("ingest"), "application/json", gzip(rootExport), true);
        assertEquals(200, stored.status(), stored.body());
        assertEquals("{}", stored.body());
        assertEquals(200, api.get("/v1/sessions/" + traceId, demo.key("admin")).status());

        ApiClient.Response late = post(api, demo.key("ingest"), "application/json",
                json(traceId, "a000000000000001", "00f067aa0ba902b7", "loan-review", start + 1).getBytes(StandardCharsets.UTF_8), false);
        assertEquals(200, late.status());
        assertEquals("1", late.json().get("partialSuccess").get("rejectedSpans").asText());
        assertTrue(late.json().get("partialSuccess").get("errorMessage").asText().contains("arrived after the trace's root span"));

        ApiClient.Response retried = post(api, demo.key("ingest"), "application/json", gzip(rootExport), true);
        assertEquals("{}", retried.body(), "a retried export is a success");

        ApiClient.Response malformed = post(api, demo.key("ingest"), "application/x-protobuf", new byte[] {0x0a, 0x7f}, false);
        assertEquals(400, malformed.status());

        String otherTrace = UUID.randomUUID().toString().replace("-", "");
        byte[] body = json(otherTrace, "00f067aa0ba902b7", "", "loan-review", start).getBytes(StandardCharsets.UTF_8);
        ApiClient.Response unknownKey = post(api, "vp_ingest_" + "x".repeat(40), "application/json", body, false);
        assertEquals(401, unknownKey.status());
        assertEquals(16, unknownKey.json().get("code").asInt(), "a google.rpc.Status: UNAUTHENTICATED");
        ApiClient.Response auditor = post(api, demo.key("auditor"), "application/json", body, false);
        assertEquals(403, auditor.status());
        assertEquals(7, auditor.json().get("code").asInt(), "a google.rpc.Status: PERMISSION_DENIED");
        assertEquals(404, api.get("/v1/sessions/" + otherTrace, demo.key("admin")).status(), "nothing stored with a wrong key");

        ApiClient.Response acmeExport = post(api, acme.key("ingest"), "application/json",
                json(traceId, "00f067aa0ba902b7", "", "claims-triage", start).getBytes(StandardCharsets.UTF_8), false);
        assertEquals("{}", acmeExport.body(), "the same trace id in another tenant is another trace");
        assertEquals("claims-triage", api.get("/v1/sessions/" + traceId, acme.key("admin")).json().get("record").get("applicationId").asText());
        assertEquals("loan-review", api.get("/v1/sessions/" + traceId, demo.key("admin")).json().get("record").get("applicationId").asText());
    }

    private static String json(String traceId, String spanId, String parent, String application, long startNanos) {
        return """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"%s"}}]},
                  "scopeSpans":[{"spans":[{"traceId":"%s","spanId":"%s","parentSpanId":"%s","name":"invoke_agent","kind":1,
                    "startTimeUnixNano":"%d","endTimeUnixNano":"%d",
                    "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                                  {"key":"veriproof.risk.level","value":{"stringValue":"LOW"}}]}]}]}]}"""
                .formatted(application, traceId, spanId, parent, startNanos, startNanos + 1_000_000);
    }

    private static ApiClient.Response post(ApiClient api, String key, String contentType, byte[] body, boolean gzipped) {
        HttpRequest.Builder request = api.request("/v1/traces", key).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (gzipped) request.header("Content-Encoding", "gzip");
        return api.send(request.build());
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static JsonNode storedRecord(ApiClient api, Seed.SeededTenant tenant, String sessionId) {
        ApiClient.Response response = api.get("/v1/sessions/" + sessionId, tenant.key("admin"));
        assertEquals(200, response.status(), response.body());
        JsonNode view = response.json();
        JsonNode record = view.get("record");
        assertEquals(Hashes.hex(Hashes.leafHash(Canonical.jcs(record))), view.get("receipt").get("leafHash").asText(),
                "the leaf hash recomputes from the stored record");
        return record;
    }

    private static void assertSteps(JsonNode record, int inputTokens, int outputTokens) {
        JsonNode steps = record.get("steps");
        assertEquals(3, steps.size(), steps.toString());
        assertEquals("LLM_CALL", steps.get(0).get("type").asText());
        assertEquals(inputTokens, steps.get(0).get("inputTokens").asInt());
        assertEquals(outputTokens, steps.get(0).get("outputTokens").asInt());
        assertEquals("TOOL_CALL", steps.get(1).get("type").asText());
        assertEquals("GUARDRAIL", steps.get(2).get("type").asText());
        for (JsonNode step : steps) assertTrue(step.get("spanId").asText().matches("[0-9a-f]{16}"));
    }

    private static int todaysSessions(ApiClient api, String adminKey) {
        JsonNode metrics = api.get("/v1/applications/loan-review/metrics", adminKey).json();
        return metrics.get("rolling7d").get("sessions").asInt();
    }

    private static void assertAggregatedAnchoredAndVerified(Devstack stack, ApiClient api, Seed.SeededTenant demo, String sessionId,
                                                            int sessionsBefore) throws Exception {
        stack.drainStreams();
        assertEquals(sessionsBefore + 1, todaysSessions(api, demo.key("admin")), "the session counts in the application's aggregates");

        assertEquals(200, api.post(LocalChainService.FIRE_PATH, null, "").status());
        JsonNode proof = api.get("/v1/sessions/" + sessionId + "/proof", demo.key("auditor")).json();
        assertTrue(InclusionProof.fromJson(proof.get("proof")).verifies(Hashes.fromHex(proof.get("leafHash").asText())));

        JsonNode session = api.get("/v1/sessions/" + sessionId, demo.key("auditor")).json();
        ObjectNode evidence = Json.mapper().createObjectNode();
        evidence.put("sessionId", sessionId);
        evidence.set("record", session.get("record"));
        evidence.set("proof", proof.get("proof"));
        evidence.set("anchor", proof.get("anchor"));
        Path file = Files.createTempFile("otlp-evidence", ".json");
        Files.write(file, Json.write(evidence));
        String rpcUrl = Json.parse(Files.readAllBytes(RunningDevstack.stateDir().resolve("devstack.json"))).get("rpcUrl").asText();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {file.toString(), "--rpc", rpcUrl}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        Files.delete(file);
        assertEquals(0, exit, out.toString(StandardCharsets.UTF_8));
    }
}
