package dev.veriproof.ingest.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.otlp.Span;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** OTLP/HTTP binary protobuf ({@code application/x-protobuf}), with the generated OTLP classes. */
final class OtlpProtobuf implements OtlpCodec {
    static final String CONTENT_TYPE = "application/x-protobuf";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public List<Span> decode(byte[] body) {
        ExportTraceServiceRequest request;
        try {
            request = ExportTraceServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedExportException("The body is not a protobuf-encoded ExportTraceServiceRequest (OTLP/HTTP binary): it is truncated "
                    + "or holds a field of the wrong wire type. Send what an OTLP exporter produces, or use Content-Type: application/json for OTLP/JSON.");
        }
        List<Span> spans = new ArrayList<>();
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            Map<String, JsonNode> resource = attributes(resourceSpans.getResource().getAttributesList());
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : scopeSpans.getSpansList()) {
                    spans.add(new Span(hex(span.getTraceId()), hex(span.getSpanId()), hex(span.getParentSpanId()), span.getName(),
                            span.getStartTimeUnixNano(), span.getEndTimeUnixNano(), attributes(span.getAttributesList()), resource));
                }
            }
        }
        return spans;
    }

    @Override
    public byte[] response(TraceIngest.Outcome outcome) {
        ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
        if (!outcome.fullSuccess()) {
            response.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
                    .setRejectedSpans(outcome.rejectedSpans()).setErrorMessage(outcome.errorMessage()));
        }
        return response.build().toByteArray();
    }

    /** google.rpc.Status has fields code (1, int32), message (2, string) and details (3, not used): written by hand, no extra jar. */
    @Override
    public byte[] status(int grpcCode, String message) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeInt32(1, grpcCode);
            out.writeString(2, message);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, JsonNode> attributes(List<KeyValue> keyValues) {
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        for (KeyValue keyValue : keyValues) attributes.put(keyValue.getKey(), value(keyValue.getValue()));
        return attributes;
    }

    private static JsonNode value(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> NODES.textNode(value.getStringValue());
            case BOOL_VALUE -> NODES.booleanNode(value.getBoolValue());
            case INT_VALUE -> NODES.numberNode(value.getIntValue());
            case DOUBLE_VALUE -> NODES.numberNode(value.getDoubleValue());
            case BYTES_VALUE -> NODES.textNode(Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                ArrayNode array = NODES.arrayNode();
                value.getArrayValue().getValuesList().forEach(v -> array.add(value(v)));
                yield array;
            }
            case KVLIST_VALUE -> {
                ObjectNode object = NODES.objectNode();
                value.getKvlistValue().getValuesList().forEach(kv -> object.set(kv.getKey(), value(kv.getValue())));
                yield object;
            }
            case VALUE_NOT_SET -> NODES.nullNode();
        };
    }

    private static String hex(ByteString bytes) {
        return bytes.isEmpty() ? "" : Hashes.hex(bytes.toByteArray());
    }
}
