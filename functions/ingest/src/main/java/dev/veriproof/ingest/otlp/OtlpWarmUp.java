package dev.veriproof.ingest.otlp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.ingest.IngestMetrics;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.otlp.Span;
import dev.veriproof.core.otlp.SpanLimits;
import dev.veriproof.core.otlp.TraceMapping;
import dev.veriproof.core.session.SessionValidator;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The SnapStart warm-up of the OTLP path: decode a fixed export in both encodings, map it to a
 * session, validate, canonicalize and hash it, with no I/O and nothing unique.
 */
final class OtlpWarmUp {
    private static final String SAMPLE = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"warm-up"}},
              {"key":"telemetry.sdk.name","value":{"stringValue":"opentelemetry"}}]},
             "scopeSpans":[{"spans":[
              {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"invoke_agent warm-up",
               "kind":1,"startTimeUnixNano":"1767225600000000000","endTimeUnixNano":1767225601000000000,
               "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"invoke_agent"}},
                 {"key":"veriproof.risk.level","value":{"stringValue":"HIGH"}},
                 {"key":"veriproof.decision.confidence","value":{"doubleValue":0.5}},
                 {"key":"veriproof.content_safety.flags","value":{"arrayValue":{"values":[{"stringValue":"PII"}]}}}]},
              {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b7","parentSpanId":"b7ad6b7169203331",
               "name":"chat m","startTimeUnixNano":"1767225600100000000","endTimeUnixNano":"1767225600900000000",
               "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                 {"key":"gen_ai.request.model","value":{"stringValue":"m"}},
                 {"key":"gen_ai.usage.input_tokens","value":{"intValue":"10"}}]}]}]}]}""";

    private static final byte[] PROTOBUF_SAMPLE = ExportTraceServiceRequest.newBuilder()
            .addResourceSpans(ResourceSpans.newBuilder()
                    .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                            .setValue(AnyValue.newBuilder().setStringValue("warm-up"))))
                    .addScopeSpans(ScopeSpans.newBuilder().addSpans(io.opentelemetry.proto.trace.v1.Span.newBuilder()
                            .setTraceId(ByteString.fromHex("0af7651916cd43dd8448eb211c80319c"))
                            .setSpanId(ByteString.fromHex("b7ad6b7169203331"))
                            .setName("invoke_agent warm-up").setStartTimeUnixNano(1767225600000000000L).setEndTimeUnixNano(1767225601000000000L)
                            .addAttributes(KeyValue.newBuilder().setKey("veriproof.decision.confidence")
                                    .setValue(AnyValue.newBuilder().setDoubleValue(0.5))))))
            .build().toByteArray();

    /** A span with no gen_ai.* or veriproof.* attribute and a parent: accepted, and nothing is written for it. */
    static final String NOTHING_TO_STORE = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b7",
              "parentSpanId":"b7ad6b7169203331","name":"GET /warm-up","startTimeUnixNano":"1767225600000000000",
              "attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}}]}]}]}]}""";

    private OtlpWarmUp() {}

    static void run() {
        OtlpJson json = new OtlpJson();
        OtlpProtobuf protobuf = new OtlpProtobuf();
        // once a priming round: PrimedHandler repeats the rounds until C1 has compiled the path
        List<Span> spans = json.decode(SAMPLE.getBytes(StandardCharsets.UTF_8));
        spans.forEach(SpanLimits::violation);
        ObjectNode session = TraceMapping.toSession(spans.get(0), spans.subList(1, spans.size()));
        SessionValidator.validate(session, Instant.parse("2026-01-01T00:00:00Z"));
        Hashes.leafHash(Canonical.jcs(session));
        protobuf.decode(PROTOBUF_SAMPLE);
        protobuf.response(new TraceIngest.Outcome(1, List.of("warm-up"), new IngestMetrics.Tally()));
        json.response(new TraceIngest.Outcome(0, List.of(), new IngestMetrics.Tally()));
    }
}
