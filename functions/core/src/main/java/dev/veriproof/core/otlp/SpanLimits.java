package dev.veriproof.core.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.session.SessionValidator;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The limits of OTLP ingestion (docs/otlp.md lists them): what one request, one span and one trace
 * may carry. A span outside them is rejected whole, and with it the session of its trace.
 */
public final class SpanLimits {
    /** Spans in one export request (OpenTelemetry's batch processors send at most 512 by default). */
    public static final int MAX_SPANS_PER_REQUEST = 1000;
    /** Attributes on one span (OpenTelemetry SDKs keep 128 by default). */
    public static final int MAX_ATTRIBUTES_PER_SPAN = 128;
    /** Bytes of one attribute value (UTF-8 text; an array or list counts all its members). */
    public static final int MAX_ATTRIBUTE_VALUE_BYTES = 64 * 1024;
    /** Bytes of one span's attributes together: a span can never be larger than a whole session. */
    public static final int MAX_SPAN_ATTRIBUTE_BYTES = SessionValidator.MAX_SESSION_BYTES;
    /** Spans of one trace that wait for their root: one step each, and a session has at most this many. */
    public static final int MAX_BUFFERED_SPANS_PER_TRACE = SessionValidator.MAX_STEPS;

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");
    private static final int MAX_KEY_LENGTH = 256;

    private SpanLimits() {}

    /** Why the span cannot be used, or nothing when it is within every limit. */
    public static Optional<String> violation(Span span) {
        if (!TRACE_ID.matcher(span.traceId()).matches() || span.traceId().chars().allMatch(c -> c == '0')) {
            return Optional.of("its trace id must be 16 bytes (32 hex characters) and not all zero");
        }
        if (!SPAN_ID.matcher(span.spanId()).matches() || span.spanId().chars().allMatch(c -> c == '0')) {
            return Optional.of("its span id must be 8 bytes (16 hex characters) and not all zero");
        }
        if (!span.isRoot() && !SPAN_ID.matcher(span.parentSpanId()).matches()) {
            return Optional.of("its parent span id must be empty or 8 bytes (16 hex characters)");
        }
        if (span.attributes().size() > MAX_ATTRIBUTES_PER_SPAN) {
            return Optional.of("it has " + span.attributes().size() + " attributes; at most " + MAX_ATTRIBUTES_PER_SPAN + " are accepted");
        }
        long total = 0;
        for (Map.Entry<String, JsonNode> attribute : span.attributes().entrySet()) {
            if (attribute.getKey().isEmpty() || attribute.getKey().length() > MAX_KEY_LENGTH) {
                return Optional.of("an attribute key must have 1 to " + MAX_KEY_LENGTH + " characters");
            }
            long bytes = bytes(attribute.getValue());
            if (bytes > MAX_ATTRIBUTE_VALUE_BYTES) {
                return Optional.of("attribute " + attribute.getKey() + " is " + bytes + " bytes; at most "
                        + MAX_ATTRIBUTE_VALUE_BYTES + " per value");
            }
            total += bytes + attribute.getKey().length();
        }
        if (total > MAX_SPAN_ATTRIBUTE_BYTES) {
            return Optional.of("its attributes are " + total + " bytes together; at most " + MAX_SPAN_ATTRIBUTE_BYTES);
        }
        return Optional.empty();
    }

    private static long bytes(JsonNode value) {
        if (value.isTextual()) {
            String text = value.textValue();
            return text.length() * 3L <= MAX_ATTRIBUTE_VALUE_BYTES ? text.length() : text.getBytes(StandardCharsets.UTF_8).length;
        }
        if (value.isContainerNode()) {
            long sum = 0;
            for (Map.Entry<String, JsonNode> field : value.properties()) sum += field.getKey().length() + bytes(field.getValue());
            for (JsonNode item : value.isArray() ? value : java.util.List.<JsonNode>of()) sum += bytes(item);
            return sum;
        }
        return 8;
    }
}
