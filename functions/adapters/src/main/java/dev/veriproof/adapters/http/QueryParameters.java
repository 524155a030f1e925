package dev.veriproof.adapters.http;

import dev.veriproof.core.time.Timestamps;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one way a handler reads its query parameters. Every refusal is a 400 whose {@code field} names the parameter as
 * {@link ApiRequest#queryField} does ({@code query.days}), and whose message says what is accepted; every value is at
 * most {@link ApiRequest#MAX_QUERY_VALUE} characters; an empty value is an absent one.
 */
public final class QueryParameters {
    private final ApiRequest request;

    private QueryParameters(ApiRequest request) {
        this.request = request;
    }

    /** The request's query, for an endpoint that ignores parameters it does not know. */
    public static QueryParameters of(ApiRequest request) {
        return new QueryParameters(request);
    }

    /** The request's query; any parameter other than {@code accepted} is refused ({@code unknown_parameter}). */
    public static QueryParameters only(ApiRequest request, String... accepted) {
        List<String> names = List.of(accepted);
        for (String name : new TreeSet<>(request.queryParameterNames())) {
            if (!names.contains(name)) {
                throw ApiException.badRequest("unknown_parameter", "Unknown query parameter '" + JsonFields.shorten(name)
                        + "'; this endpoint takes " + String.join(", ", names) + ".", ApiRequest.queryField(name));
            }
        }
        return new QueryParameters(request);
    }

    /** Every parameter the request gives a value, for a domain type that reads them itself (e.g. the explorer's filter). */
    public Map<String, String> values() {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : new TreeSet<>(request.queryParameterNames())) request.queryParameter(name).ifPresent(v -> values.put(name, v));
        return values;
    }

    public Optional<String> text(String name) {
        return request.queryParameter(name);
    }

    /** A whole number from {@code min} to {@code max}, written in digits ({@code invalid_value} otherwise). */
    public Optional<Integer> wholeNumber(String name, int min, int max) {
        return request.queryParameter(name).map(text -> {
            if (!text.matches("[0-9]{1," + Integer.toString(max).length() + "}") || Integer.parseInt(text) < min || Integer.parseInt(text) > max) {
                throw ApiException.badRequest("invalid_value", name + " must be a whole number from " + min + " to " + max + ".",
                        ApiRequest.queryField(name));
            }
            return Integer.parseInt(text);
        });
    }

    /** A UTC day, by the API's one date rule ({@link Timestamps#DATE_RULE}). */
    public Optional<LocalDate> day(String name) {
        return request.queryParameter(name).map(text -> Timestamps.parseDate(text).orElseThrow(() -> ApiException.badRequest("invalid_value",
                name + " must be " + Timestamps.DATE_RULE + ", got \"" + JsonFields.shorten(text) + "\".", ApiRequest.queryField(name))));
    }

    /** One of an enum's names, exactly as written there. */
    public <E extends Enum<E>> Optional<E> oneOf(String name, Class<E> type) {
        return request.queryParameter(name).map(text -> Arrays.stream(type.getEnumConstants()).filter(e -> e.name().equals(text)).findFirst()
                .orElseThrow(() -> ApiException.badRequest("invalid_value", name + " is one of " + Arrays.stream(type.getEnumConstants())
                        .map(Enum::name).collect(Collectors.joining(", ")) + "; got \"" + JsonFields.shorten(text) + "\".", ApiRequest.queryField(name))));
    }
}
