package dev.veriproof.ingest.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.RequestBody;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.json.MalformedJsonException;
import dev.veriproof.core.otlp.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * OTLP/JSON ({@code application/json}), read directly rather than through protobuf's JsonFormat,
 * which cannot take OTLP/JSON as it is: trace and span ids are hex strings (not base64), enums are
 * integers, 64-bit integers come as strings or numbers, and unknown fields must be ignored. The
 * text is read by the API's strict request layer (strict UTF-8, nesting, number and duplicate-name
 * rules, the project's own parse messages), with integers allowed the full 64 bits. Only the fields
 * the session mapping reads are decoded; a field of the wrong type is a 400 that names its path.
 */
final class OtlpJson implements OtlpCodec {
    static final String CONTENT_TYPE = "application/json";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern HEX = Pattern.compile("([0-9a-fA-F]{2})*");
    private static final Pattern UNSIGNED = Pattern.compile("\\d{1,20}");

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public List<Span> decode(byte[] body) {
        JsonNode request;
        try {
            request = Json.parseRequestWith64BitIntegers(RequestBody.utf8(body));
        } catch (ApiException e) {
            throw new MalformedExportException(e.getMessage());
        } catch (MalformedJsonException e) {
            throw new MalformedExportException("The body is not an OTLP/JSON request: " + e.getMessage());
        }
        if (!request.isObject()) throw malformed("$", "must be an ExportTraceServiceRequest object, e.g. {\"resourceSpans\": [...]}");
        List<Span> spans = new ArrayList<>();
        List<JsonNode> resourceSpansList = list(request, "resourceSpans", "$");
        for (int r = 0; r < resourceSpansList.size(); r++) {
            JsonNode resourceSpans = object(resourceSpansList.get(r), "$.resourceSpans[" + r + "]");
            String resourcePath = "$.resourceSpans[" + r + "]";
            JsonNode resourceNode = resourceSpans.get("resource");
            Map<String, JsonNode> resource = resourceNode == null || resourceNode.isNull() ? Map.of()
                    : attributes(object(resourceNode, resourcePath + ".resource"), resourcePath + ".resource");
            List<JsonNode> scopeSpansList = list(resourceSpans, "scopeSpans", resourcePath);
            for (int s = 0; s < scopeSpansList.size(); s++) {
                String scopePath = resourcePath + ".scopeSpans[" + s + "]";
                List<JsonNode> spanList = list(object(scopeSpansList.get(s), scopePath), "spans", scopePath);
                for (int i = 0; i < spanList.size(); i++) {
                    String path = scopePath + ".spans[" + i + "]";
                    JsonNode span = object(spanList.get(i), path);
                    spans.add(new Span(id(span, "traceId", path), id(span, "spanId", path), id(span, "parentSpanId", path),
                            text(span, "name", path), int64(span, "startTimeUnixNano", path), int64(span, "endTimeUnixNano", path),
                            attributes(span, path), resource));
                }
            }
        }
        return spans;
    }

    @Override
    public byte[] response(TraceIngest.Outcome outcome) {
        ObjectNode response = NODES.objectNode();
        if (!outcome.fullSuccess()) {
            ObjectNode partial = response.putObject("partialSuccess");
            partial.put("rejectedSpans", Long.toString(outcome.rejectedSpans())); // int64: a string in proto3 JSON
            partial.put("errorMessage", outcome.errorMessage());
        }
        return Json.write(response);
    }

    @Override
    public byte[] status(int grpcCode, String message) {
        ObjectNode status = NODES.objectNode();
        status.put("code", grpcCode);
        status.put("message", message);
        return Json.write(status);
    }

    private static Map<String, JsonNode> attributes(JsonNode owner, String path) {
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        List<JsonNode> keyValues = list(owner, "attributes", path);
        for (int i = 0; i < keyValues.size(); i++) {
            String at = path + ".attributes[" + i + "]";
            JsonNode keyValue = object(keyValues.get(i), at);
            attributes.put(text(keyValue, "key", at), value(keyValue.get("value"), at + ".value"));
        }
        return attributes;
    }

    /** An AnyValue: exactly one of stringValue, boolValue, intValue, doubleValue, arrayValue, kvlistValue, bytesValue (none: empty). */
    private static JsonNode value(JsonNode value, String path) {
        if (value == null || value.isNull()) return NODES.nullNode();
        object(value, path);
        if (value.has("stringValue")) return NODES.textNode(text(value, "stringValue", path));
        if (value.has("boolValue")) {
            JsonNode bool = value.get("boolValue");
            if (!bool.isBoolean()) throw malformed(path + ".boolValue", "must be true or false");
            return bool;
        }
        if (value.has("intValue")) return NODES.numberNode(signedInt64(value.get("intValue"), path + ".intValue"));
        if (value.has("doubleValue")) return NODES.numberNode(doubleValue(value.get("doubleValue"), path + ".doubleValue"));
        if (value.has("bytesValue")) return NODES.textNode(text(value, "bytesValue", path));
        if (value.has("arrayValue")) {
            String at = path + ".arrayValue";
            ArrayNode array = NODES.arrayNode();
            List<JsonNode> values = list(object(value.get("arrayValue"), at), "values", at);
            for (int i = 0; i < values.size(); i++) array.add(value(values.get(i), at + ".values[" + i + "]"));
            return array;
        }
        if (value.has("kvlistValue")) {
            String at = path + ".kvlistValue";
            ObjectNode object = NODES.objectNode();
            List<JsonNode> values = list(object(value.get("kvlistValue"), at), "values", at);
            for (int i = 0; i < values.size(); i++) {
                String kvPath = at + ".values[" + i + "]";
                JsonNode keyValue = object(values.get(i), kvPath);
                object.set(text(keyValue, "key", kvPath), value(keyValue.get("value"), kvPath + ".value"));
            }
            return object;
        }
        return NODES.nullNode();
    }

    /** A hex id (OTLP/JSON's one deviation from proto3 JSON); absent or empty: "". */
    private static String id(JsonNode span, String field, String path) {
        String hex = text(span, field, path);
        if (!HEX.matcher(hex).matches()) {
            throw malformed(path + "." + field, "must be hex-encoded bytes (OTLP/JSON writes ids as hex, not base64), got \"" + abbreviate(hex) + "\"");
        }
        return hex.toLowerCase(Locale.ROOT);
    }

    /** fixed64 nanoseconds: a string or a number of digits; absent: 0. */
    private static long int64(JsonNode span, String field, String path) {
        JsonNode value = span.get(field);
        if (value == null || value.isNull()) return 0;
        String digits = value.isIntegralNumber() ? value.asText() : value.isTextual() ? value.textValue() : null;
        if (digits == null || !UNSIGNED.matcher(digits).matches()) {
            throw malformed(path + "." + field, "must be a non-negative 64-bit integer, as a string or a number");
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw malformed(path + "." + field, "is beyond the year 2262: at most " + Long.MAX_VALUE + " nanoseconds");
        }
    }

    private static long signedInt64(JsonNode value, String path) {
        String digits = value.isIntegralNumber() ? value.asText() : value.isTextual() ? value.textValue() : null;
        try {
            if (digits != null && digits.matches("-?\\d{1,19}")) return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            // out of range: reported below
        }
        throw malformed(path, "must be a 64-bit integer, as a string or a number");
    }

    private static double doubleValue(JsonNode value, String path) {
        if (value.isNumber()) return value.doubleValue();
        if (value.isTextual()) {
            switch (value.textValue()) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default:
                    try {
                        return Double.parseDouble(value.textValue());
                    } catch (NumberFormatException e) {
                        // reported below
                    }
            }
        }
        throw malformed(path, "must be a number");
    }

    private static String text(JsonNode owner, String field, String path) {
        JsonNode value = owner.get(field);
        if (value == null || value.isNull()) return "";
        if (!value.isTextual()) throw malformed(path + "." + field, "must be a string");
        return value.textValue();
    }

    private static List<JsonNode> list(JsonNode owner, String field, String path) {
        JsonNode value = owner.get(field);
        if (value == null || value.isNull()) return List.of();
        if (!value.isArray()) throw malformed(path + "." + field, "must be an array");
        List<JsonNode> items = new ArrayList<>(value.size());
        value.forEach(items::add);
        return items;
    }

    private static JsonNode object(JsonNode value, String path) {
        if (!value.isObject()) throw malformed(path, "must be an object");
        return value;
    }

    private static MalformedExportException malformed(String path, String what) {
        return new MalformedExportException("Not an OTLP/JSON ExportTraceServiceRequest: " + path + " " + what + ".");
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
