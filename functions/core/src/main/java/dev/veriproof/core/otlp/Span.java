package dev.veriproof.core.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One OpenTelemetry span as the OTLP decoders hand it over, reduced to what the trace-to-session
 * mapping (SPEC §13) reads. Ids are lowercase hex (32 characters for a trace, 16 for a span; an
 * empty {@code parentSpanId} marks a root). Attribute values keep their OTLP type as JSON: string,
 * boolean, integer, double, array, object (a key-value list), or base64 text for bytes.
 *
 * @param resource the attributes of the span's resource ({@code service.name}, ...); empty for a
 *                 span read back from the trace buffer, where only roots need them and roots are never buffered
 */
public record Span(String traceId, String spanId, String parentSpanId, String name, long startNanos, long endNanos,
                   Map<String, JsonNode> attributes, Map<String, JsonNode> resource) {

    public Span {
        parentSpanId = parentSpanId == null ? "" : parentSpanId;
        name = name == null ? "" : name;
        attributes = Map.copyOf(attributes);
        resource = Map.copyOf(resource);
    }

    public boolean isRoot() {
        return parentSpanId.isEmpty();
    }

    /** True when the span says something about the AI decision: a {@code gen_ai.*} or {@code veriproof.*} attribute. */
    public boolean describesDecision() {
        for (String key : attributes.keySet()) {
            if (key.startsWith("gen_ai.") || key.startsWith("veriproof.")) return true;
        }
        return false;
    }

    public JsonNode attribute(String key) {
        return attributes.get(key);
    }
}
