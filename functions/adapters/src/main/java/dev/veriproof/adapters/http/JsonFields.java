package dev.veriproof.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.json.JsonPath;
import dev.veriproof.core.time.Timestamps;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one strict reader of a request body's fields, for every endpoint: unknown fields, missing
 * fields, wrong types, values out of range and text over its length limit are 400s naming the JSON
 * path ({@code $.sdk.version}, {@code $.guardrails[2].name}). Rules (docs/limits.md):
 * <ul>
 *   <li>JSON {@code null} is never a way to say "absent": an optional field sent as null is
 *       {@code invalid_type}; leave it out instead.</li>
 *   <li>Every string has a maximum length in characters (the constants below); strings are
 *       non-empty and not blank.</li>
 *   <li>Integer fields take integers written as integers ({@code 100}, not {@code 100.0}).</li>
 *   <li>Times and dates are read by {@link Timestamps}.</li>
 * </ul>
 */
public final class JsonFields {
    /** Identifiers: application ids, session ids, key and rule ids, framework names. */
    public static final int MAX_ID = 128;
    /** Short names: application, key and rule names, owners, reviewers, versions, enum-like values. */
    public static final int MAX_NAME = 200;
    /** Free text: notes, descriptions, intended use. */
    public static final int MAX_TEXT = 4000;
    /** URLs. */
    public static final int MAX_URL = 2048;
    /** Secrets chosen by the client, such as a webhook signing secret. */
    public static final int MAX_SECRET = 256;

    private final ObjectNode body;
    private final String path;

    private JsonFields(ObjectNode body, String path) {
        this.body = body;
        this.path = path;
    }

    /** The body, which must be an object holding only the allowed fields. */
    public static JsonFields of(JsonNode body, String... allowed) {
        return at(body, "$", allowed);
    }

    /** The value at {@code path}, which must be an object holding only the allowed fields. */
    public static JsonFields at(JsonNode value, String path, String... allowed) {
        if (!(value instanceof ObjectNode object)) {
            throw invalidType(path, JsonPath.display(path) + " must be a JSON object" + nullHint(value) + ".");
        }
        Set<String> known = Set.of(allowed);
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            if (!known.contains(member.getKey())) {
                String name = member.getKey();
                throw ApiException.badRequest("unknown_field", "Unknown field '" + shorten(name) + "'"
                        + (path.equals("$") ? "" : " in " + JsonPath.display(path)) + "; allowed: " + String.join(", ", allowed) + ".",
                        JsonPath.child(path, shorten(name)));
            }
        }
        return new JsonFields(object, path);
    }

    public ObjectNode node() {
        return body;
    }

    public boolean has(String name) {
        return body.has(name);
    }

    /** The JSON path of a field of this object. */
    public String field(String name) {
        return JsonPath.child(path, name);
    }

    public String requiredString(String name, int maxLength) {
        return optionalString(name, maxLength).orElseThrow(() -> missing(name));
    }

    public Optional<String> optionalString(String name, int maxLength) {
        JsonNode value = body.get(name);
        if (value == null) return Optional.empty();
        return Optional.of(string(value, field(name), maxLength));
    }

    /** An identifier: 1 to {@link dev.veriproof.core.ids.Identifiers}. */
    public String requiredId(String name) {
        return optionalId(name).orElseThrow(() -> missing(name));
    }

    public Optional<String> optionalId(String name) {
        return optionalString(name, MAX_ID).map(id -> {
            Ids.check(id, field(name));
            return id;
        });
    }

    public <E extends Enum<E>> E requiredEnum(String name, Class<E> type) {
        return optionalEnum(name, type).orElseThrow(() -> missing(name));
    }

    public <E extends Enum<E>> Optional<E> optionalEnum(String name, Class<E> type) {
        return optionalEnum(name, type, Set.of(type.getEnumConstants()));
    }

    public <E extends Enum<E>> E requiredEnum(String name, Class<E> type, Set<E> allowed) {
        return optionalEnum(name, type, allowed).orElseThrow(() -> missing(name));
    }

    public <E extends Enum<E>> Optional<E> optionalEnum(String name, Class<E> type, Set<E> allowed) {
        return optionalString(name, MAX_NAME).map(text -> {
            for (E candidate : allowed) if (candidate.name().equals(text)) return candidate;
            String choices = Arrays.stream(type.getEnumConstants()).filter(allowed::contains)
                    .map(Enum::name).collect(Collectors.joining(", "));
            throw invalidValue(name, " must be one of " + choices + " (case-sensitive), got \"" + shorten(text) + "\".");
        });
    }

    /** One of {@code allowed}, case-sensitive. */
    public Optional<String> optionalChoice(String name, Collection<String> allowed) {
        return optionalString(name, MAX_NAME).map(text -> {
            if (!allowed.contains(text)) {
                throw invalidValue(name, " must be one of " + String.join(", ", allowed) + " (case-sensitive), got \"" + shorten(text) + "\".");
            }
            return text;
        });
    }

    /** A timestamp ({@link Timestamps}) of something that happened: at most 5 minutes after {@code now}. */
    public Instant requiredPastInstant(String name, Instant now) {
        Instant at = requiredInstant(name);
        if (Timestamps.tooFarInFuture(at, now)) {
            throw invalidValue(name, " (" + body.get(name).textValue() + ") is more than 5 minutes in the future; send the time it happened.");
        }
        return at;
    }

    public Instant requiredInstant(String name) {
        return optionalInstant(name).orElseThrow(() -> missing(name));
    }

    public Optional<Instant> optionalInstant(String name) {
        return optionalString(name, 64).map(text -> Timestamps.parse(text).orElseThrow(() ->
                invalidValue(name, " must be " + Timestamps.TIMESTAMP_RULE + ", got \"" + shorten(text) + "\".")));
    }

    public LocalDate requiredDate(String name) {
        return optionalDate(name).orElseThrow(() -> missing(name));
    }

    public Optional<LocalDate> optionalDate(String name) {
        return optionalString(name, 64).map(text -> Timestamps.parseDate(text).orElseThrow(() ->
                invalidValue(name, " must be " + Timestamps.DATE_RULE + ", got \"" + shorten(text) + "\".")));
    }

    public Optional<Integer> optionalInt(String name, int min, int max) {
        JsonNode value = body.get(name);
        if (value == null) return Optional.empty();
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            throw ApiException.badRequest("invalid_value", JsonPath.display(field(name))
                    + " must be a whole number (written without fraction or exponent) from " + min + " to " + max + nullHint(value) + ".", field(name));
        }
        return Optional.of(value.intValue());
    }

    /** A whole number, 0 or more, at most 2^53 − 1. */
    public Optional<Long> optionalCount(String name) {
        JsonNode value = body.get(name);
        if (value == null) return Optional.empty();
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0 || value.longValue() > Json.MAX_SAFE_INTEGER) {
            throw ApiException.badRequest(value.isNumber() ? "invalid_value" : "invalid_type", JsonPath.display(field(name))
                    + " must be a whole number (written without fraction or exponent), 0 or more" + nullHint(value) + ".", field(name));
        }
        return Optional.of(value.longValue());
    }

    public double requiredNumber(String name, double min, double max) {
        return optionalNumber(name, min, max).orElseThrow(() -> missing(name));
    }

    public Optional<Double> optionalNumber(String name, double min, double max) {
        JsonNode value = body.get(name);
        if (value == null) return Optional.empty();
        if (!value.isNumber()) throw invalidType(field(name), JsonPath.display(field(name)) + " must be a number" + nullHint(value) + ".");
        double number = value.doubleValue();
        if (!(number >= min && number <= max)) {
            throw invalidValue(name, " must be from " + format(min) + " to " + format(max) + ".");
        }
        return Optional.of(number);
    }

    public double requiredNonNegative(String name) {
        return requiredNumber(name, 0, Double.MAX_VALUE);
    }

    public boolean requiredBoolean(String name) {
        return optionalBoolean(name).orElseThrow(() -> missing(name));
    }

    public Optional<Boolean> optionalBoolean(String name) {
        JsonNode value = body.get(name);
        if (value == null) return Optional.empty();
        if (!value.isBoolean()) throw invalidType(field(name), JsonPath.display(field(name)) + " must be true or false" + nullHint(value) + ".");
        return Optional.of(value.booleanValue());
    }

    /** A list of {@code minItems} to {@code maxItems} strings of at most {@code maxLength} characters each. */
    public Optional<List<String>> optionalStringList(String name, int minItems, int maxItems, int maxLength) {
        JsonNode value = body.get(name);
        if (value == null) return Optional.empty();
        if (!value.isArray() || value.size() < minItems || value.size() > maxItems) {
            throw ApiException.badRequest(value.isArray() ? "invalid_value" : "invalid_type", JsonPath.display(field(name))
                    + " must be an array of " + minItems + " to " + maxItems + " strings" + nullHint(value)
                    + (value.isArray() && value.isEmpty() ? " (leave the field out rather than sending an empty list)" : "") + ".", field(name));
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            items.add(string(value.get(i), JsonPath.index(field(name), i), maxLength));
        }
        return Optional.of(items);
    }

    /**
     * A list of 1 to {@code maxItems} ids ({@link Ids}). An empty list is refused: leaving the field
     * out is the one way to say "no restriction", so that no grant is ambiguous.
     */
    public Optional<List<String>> optionalIdList(String name, int maxItems) {
        return optionalStringList(name, 1, maxItems, MAX_ID).map(ids -> {
            for (int i = 0; i < ids.size(); i++) Ids.check(ids.get(i), JsonPath.index(field(name), i));
            return ids;
        });
    }

    public JsonFields requiredObject(String name, String... allowed) {
        return optionalObject(name, allowed).orElseThrow(() -> missing(name));
    }

    public Optional<JsonFields> optionalObject(String name, String... allowed) {
        JsonNode value = body.get(name);
        return value == null ? Optional.empty() : Optional.of(at(value, field(name), allowed));
    }

    /** An object of any content, at most {@code maxBytes} of JSON. */
    public ObjectNode requiredFreeObject(String name, int maxBytes) {
        JsonNode value = body.get(name);
        if (value == null) throw missing(name);
        if (!value.isObject()) throw invalidType(field(name), JsonPath.display(field(name)) + " must be a JSON object" + nullHint(value) + ".");
        if (Json.write(value).length > maxBytes) {
            throw ApiException.badRequest("too_large", JsonPath.display(field(name)) + " must be at most " + maxBytes + " bytes of JSON.", field(name));
        }
        return (ObjectNode) value;
    }

    public ArrayNode requiredArray(String name, int minItems, int maxItems) {
        JsonNode value = body.get(name);
        if (value == null) throw missing(name);
        if (!value.isArray() || value.size() < minItems || value.size() > maxItems) {
            throw invalidType(field(name), JsonPath.display(field(name))
                    + " must be an array of " + minItems + " to " + maxItems + " items" + nullHint(value) + ".");
        }
        return (ArrayNode) value;
    }

    public ApiException missing(String name) {
        return ApiException.badRequest("missing_field", JsonPath.display(field(name)) + " is required.", field(name));
    }

    public ApiException invalidValue(String name, String problem) {
        return ApiException.badRequest("invalid_value", JsonPath.display(field(name)) + problem, field(name));
    }

    public static ApiException invalidType(String field, String message) {
        return ApiException.badRequest("invalid_type", message, field);
    }

    private static String string(JsonNode value, String at, int maxLength) {
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw invalidType(at, JsonPath.display(at) + " must be a non-empty string" + nullHint(value) + ".");
        }
        String text = value.textValue();
        int length = text.codePointCount(0, text.length());
        if (length > maxLength) {
            throw ApiException.badRequest("too_large", JsonPath.display(at) + " is " + length + " characters long; at most "
                    + maxLength + " are accepted.", at);
        }
        return text;
    }

    private static String nullHint(JsonNode value) {
        return value != null && value.isNull() ? " (leave an optional field out rather than sending null)" : "";
    }

    /** A value from the request, cut so that an error message stays short. */
    public static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
