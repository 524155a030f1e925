package dev.veriproof.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the fields of an administrative request body strictly: unknown fields, wrong types and bad
 * values are 400s that name the JSON path of the field.
 */
public final class JsonFields {
    private final ObjectNode body;
    private final String path;

    private JsonFields(ObjectNode body, String path) {
        this.body = body;
        this.path = path;
    }

    /** The body, which must be an object holding only the allowed fields. */
    public static JsonFields of(JsonNode body, String... allowed) {
        return of(body, "$", allowed);
    }

    private static JsonFields of(JsonNode body, String path, String... allowed) {
        if (!(body instanceof ObjectNode object)) {
            throw ApiException.badRequest("invalid_type",
                    (path.equals("$") ? "The body" : path.substring(2)) + " must be a JSON object.", path);
        }
        Set<String> known = Set.of(allowed);
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiException.badRequest("unknown_field",
                        "Unknown field '" + name + "'; allowed: " + String.join(", ", allowed) + ".", path + "." + name);
            }
        }
        return new JsonFields(object, path);
    }

    public boolean has(String name) {
        return body.has(name);
    }

    public String requiredString(String name) {
        return optionalString(name).orElseThrow(() -> missing(name));
    }

    public Optional<String> optionalString(String name) {
        JsonNode value = body.get(name);
        if (value == null) return Optional.empty();
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw ApiException.badRequest("invalid_type", name + " must be a non-empty string.", field(name));
        }
        return Optional.of(value.textValue());
    }

    public <E extends Enum<E>> E requiredEnum(String name, Class<E> type, Set<E> allowed) {
        return optionalEnum(name, type, allowed).orElseThrow(() -> missing(name));
    }

    public <E extends Enum<E>> Optional<E> optionalEnum(String name, Class<E> type, Set<E> allowed) {
        return optionalString(name).map(text -> {
            for (E candidate : allowed) if (candidate.name().equals(text)) return candidate;
            String choices = Arrays.stream(type.getEnumConstants()).filter(allowed::contains)
                    .map(Enum::name).collect(Collectors.joining(", "));
            throw ApiException.badRequest("invalid_value",
                    name + " must be one of " + choices + " (case-sensitive), got \"" + text + "\".", field(name));
        });
    }

    public Optional<Integer> optionalInt(String name, int min, int max) {
        JsonNode value = body.get(name);
        if (value == null) return Optional.empty();
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            throw ApiException.badRequest("invalid_value",
                    name + " must be a whole number from " + min + " to " + max + ".", field(name));
        }
        return Optional.of(value.intValue());
    }

    public Optional<Boolean> optionalBoolean(String name) {
        JsonNode value = body.get(name);
        if (value == null) return Optional.empty();
        if (!value.isBoolean()) throw ApiException.badRequest("invalid_type", name + " must be true or false.", field(name));
        return Optional.of(value.booleanValue());
    }

    public Optional<List<String>> optionalStringList(String name, int maxItems) {
        JsonNode value = body.get(name);
        if (value == null) return Optional.empty();
        if (!value.isArray() || value.size() > maxItems) {
            throw ApiException.badRequest("invalid_type",
                    name + " must be an array of at most " + maxItems + " strings.", field(name));
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isTextual() || item.textValue().isBlank()) {
                throw ApiException.badRequest("invalid_type", name + "[" + i + "] must be a non-empty string.",
                        field(name) + "[" + i + "]");
            }
            items.add(item.textValue());
        }
        return Optional.of(items);
    }

    public Optional<JsonFields> optionalObject(String name, String... allowed) {
        JsonNode value = body.get(name);
        return value == null ? Optional.empty() : Optional.of(of(value, field(name), allowed));
    }

    private String field(String name) {
        return path + "." + name;
    }

    private ApiException missing(String name) {
        return ApiException.badRequest("missing_field", name + " is required.", field(name));
    }
}
