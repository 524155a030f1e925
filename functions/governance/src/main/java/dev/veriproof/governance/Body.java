package dev.veriproof.governance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.core.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Strict reader of a governance record's JSON body: unknown fields, missing fields, wrong types and
 * out-of-range values are 400s naming the JSON path ({@code $.sdk.version}, {@code $.guardrails[2].name}).
 */
final class Body {
    static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    private final ObjectNode node;
    private final String path;

    private Body(ObjectNode node, String path) {
        this.node = node;
        this.path = path;
    }

    static Body of(JsonNode body, String... allowed) {
        return at(body, "$", allowed);
    }

    static Body at(JsonNode value, String path, String... allowed) {
        if (!(value instanceof ObjectNode object)) {
            throw invalidType(path, (path.equals("$") ? "The body" : path) + " must be a JSON object.");
        }
        Set<String> known = Set.of(allowed);
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiException.badRequest("unknown_field", "Unknown field '" + name + "'; allowed: " + String.join(", ", allowed) + ".",
                        path + "." + name);
            }
        }
        return new Body(object, path);
    }

    ObjectNode node() {
        return node;
    }

    boolean has(String name) {
        return node.has(name);
    }

    String field(String name) {
        return path + "." + name;
    }

    String requiredString(String name, int maxLength) {
        return optionalString(name, maxLength).orElseThrow(() -> missing(name));
    }

    Optional<String> optionalString(String name, int maxLength) {
        JsonNode value = node.get(name);
        if (value == null) return Optional.empty();
        if (!value.isTextual() || value.textValue().isBlank()) throw invalidType(field(name), field(name) + " must be a non-empty string.");
        if (value.textValue().length() > maxLength) {
            throw ApiException.badRequest("invalid_value", field(name) + " must be at most " + maxLength + " characters.", field(name));
        }
        return Optional.of(value.textValue());
    }

    <E extends Enum<E>> E requiredEnum(String name, Class<E> type) {
        return optionalEnum(name, type).orElseThrow(() -> missing(name));
    }

    <E extends Enum<E>> Optional<E> optionalEnum(String name, Class<E> type) {
        return optionalString(name, 64).map(text -> {
            for (E candidate : type.getEnumConstants()) if (candidate.name().equals(text)) return candidate;
            throw ApiException.badRequest("invalid_value", field(name) + " must be one of "
                    + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "))
                    + " (case-sensitive), got \"" + text + "\".", field(name));
        });
    }

    /** One of {@code allowed}, case-sensitive. */
    Optional<String> optionalChoice(String name, java.util.List<String> allowed) {
        return optionalString(name, 64).map(text -> {
            if (!allowed.contains(text)) {
                throw ApiException.badRequest("invalid_value", field(name) + " must be one of " + String.join(", ", allowed)
                        + " (case-sensitive), got \"" + text + "\".", field(name));
            }
            return text;
        });
    }

    /** An RFC 3339 date-time with an offset, not more than 5 minutes after {@code now}. */
    Instant requiredPastInstant(String name, Instant now) {
        String text = requiredString(name, 64);
        Instant at;
        try {
            at = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_value", field(name) + " must be an RFC 3339 date-time with an offset, e.g. 2026-11-20T10:15:00Z.", field(name));
        }
        if (at.isAfter(now.plus(MAX_FUTURE_SKEW))) {
            throw ApiException.badRequest("invalid_value", field(name) + " (" + text + ") is more than 5 minutes in the future; send the time it happened.", field(name));
        }
        return at;
    }

    Optional<LocalDate> optionalDate(String name) {
        return optionalString(name, 10).map(text -> {
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("invalid_value", field(name) + " must be a date as YYYY-MM-DD, got \"" + text + "\".", field(name));
            }
        });
    }

    LocalDate requiredDate(String name) {
        return optionalDate(name).orElseThrow(() -> missing(name));
    }

    double requiredNumber(String name, double min, double max) {
        return optionalNumber(name, min, max).orElseThrow(() -> missing(name));
    }

    Optional<Double> optionalNumber(String name, double min, double max) {
        JsonNode value = node.get(name);
        if (value == null) return Optional.empty();
        if (!value.isNumber()) throw invalidType(field(name), field(name) + " must be a number.");
        double number = value.doubleValue();
        if (!(number >= min && number <= max)) {
            throw ApiException.badRequest("invalid_value", field(name) + " must be from " + format(min) + " to " + format(max) + ".", field(name));
        }
        return Optional.of(number);
    }

    double requiredNonNegative(String name) {
        JsonNode value = node.get(name);
        if (value == null) throw missing(name);
        if (!value.isNumber()) throw invalidType(field(name), field(name) + " must be a number.");
        if (!(value.doubleValue() >= 0) || Double.isInfinite(value.doubleValue())) {
            throw ApiException.badRequest("invalid_value", field(name) + " must be a number, 0 or more.", field(name));
        }
        return value.doubleValue();
    }

    Optional<Long> optionalCount(String name) {
        JsonNode value = node.get(name);
        if (value == null) return Optional.empty();
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw ApiException.badRequest("invalid_value", field(name) + " must be a whole number, 0 or more.", field(name));
        }
        return Optional.of(value.longValue());
    }

    Optional<Boolean> optionalBoolean(String name) {
        JsonNode value = node.get(name);
        if (value == null) return Optional.empty();
        if (!value.isBoolean()) throw invalidType(field(name), field(name) + " must be true or false.");
        return Optional.of(value.booleanValue());
    }

    boolean requiredBoolean(String name) {
        return optionalBoolean(name).orElseThrow(() -> missing(name));
    }

    Body requiredObject(String name, String... allowed) {
        return optionalObject(name, allowed).orElseThrow(() -> missing(name));
    }

    Optional<Body> optionalObject(String name, String... allowed) {
        JsonNode value = node.get(name);
        return value == null ? Optional.empty() : Optional.of(at(value, field(name), allowed));
    }

    /** An object of any content, at most {@code maxBytes} of JSON. */
    ObjectNode requiredFreeObject(String name, int maxBytes) {
        JsonNode value = node.get(name);
        if (value == null) throw missing(name);
        if (!value.isObject()) throw invalidType(field(name), field(name) + " must be a JSON object.");
        if (Json.write(value).length > maxBytes) {
            throw ApiException.badRequest("too_large", field(name) + " must be at most " + maxBytes + " bytes of JSON.", field(name));
        }
        return (ObjectNode) value;
    }

    ArrayNode requiredArray(String name, int minItems, int maxItems) {
        JsonNode value = node.get(name);
        if (value == null) throw missing(name);
        if (!value.isArray() || value.size() < minItems || value.size() > maxItems) {
            throw invalidType(field(name), field(name) + " must be an array of " + minItems + " to " + maxItems + " items.");
        }
        return (ArrayNode) value;
    }

    ApiException missing(String name) {
        return ApiException.badRequest("missing_field", field(name) + " is required.", field(name));
    }

    static ApiException invalidType(String field, String message) {
        return ApiException.badRequest("invalid_type", message, field);
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
