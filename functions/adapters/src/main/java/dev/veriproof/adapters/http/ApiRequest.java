package dev.veriproof.adapters.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.ids.Identifiers;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.json.MalformedJsonException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** An HTTP API (payload 2.0) request, with the caller resolved by the authorizer. */
public final class ApiRequest {
    /** Authorizer context keys, shared with the authorizer that writes them. */
    public static final String CTX_AUTHENTICATED = "authenticated";
    public static final String CTX_TENANT = "tenantId";
    public static final String CTX_ROLE = "role";
    public static final String CTX_KEY_ID = "keyId";
    public static final String CTX_APPLICATIONS = "applications";

    private final APIGatewayV2HTTPEvent event;

    private ApiRequest(APIGatewayV2HTTPEvent event) {
        this.event = event;
    }

    public static ApiRequest of(APIGatewayV2HTTPEvent event) {
        return new ApiRequest(event);
    }

    /** e.g. {@code POST /v1/sessions} or {@code GET /v1/sessions/{id}}. */
    public String routeKey() {
        return event.getRouteKey();
    }

    public Optional<String> header(String name) {
        Map<String, String> headers = event.getHeaders();
        if (headers == null) return Optional.empty();
        String wanted = name.toLowerCase(Locale.ROOT);
        return headers.entrySet().stream()
                .filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals(wanted))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** Query values longer than this are refused (400), whatever the parameter. */
    public static final int MAX_QUERY_VALUE = 1024;

    /**
     * A path parameter that names a resource by its id. An id that cannot exist (longer than 128
     * characters, or outside the id character set) is 404, like an id that does not exist.
     */
    public String pathParameter(String name) {
        Map<String, String> params = event.getPathParameters();
        String value = params == null ? null : params.get(name);
        if (value == null) throw new IllegalStateException("route has no path parameter " + name);
        if (!Identifiers.isValid(value)) {
            throw new ApiException(404, "not_found", "Nothing exists under the id \"" + JsonFields.shorten(value)
                    + "\": ids are " + Identifiers.RULE + ".");
        }
        return value;
    }

    /** A query value, at most {@link #MAX_QUERY_VALUE} characters (400 {@code too_large} beyond); empty when absent or empty. */
    public Optional<String> queryParameter(String name) {
        Map<String, String> params = event.getQueryStringParameters();
        Optional<String> value = Optional.ofNullable(params == null ? null : params.get(name)).filter(v -> !v.isEmpty());
        value.ifPresent(text -> {
            if (text.length() > MAX_QUERY_VALUE) {
                throw ApiException.badRequest("too_large", "The query parameter " + name + " is " + text.length()
                        + " characters long; at most " + MAX_QUERY_VALUE + " are accepted.", queryField(name));
            }
        });
        return value;
    }

    /** A query value that must be an id ({@link Ids}); 400 {@code invalid_value} otherwise. */
    public Optional<String> queryId(String name) {
        return queryParameter(name).map(id -> {
            Ids.check(id, queryField(name));
            return id;
        });
    }

    /** The names of the query parameters the request carries (for endpoints that refuse unknown ones). */
    public Set<String> queryParameterNames() {
        Map<String, String> params = event.getQueryStringParameters();
        return params == null ? Set.of() : Set.copyOf(params.keySet());
    }

    /** How an error names a query parameter in its {@code field}: {@code query.after}. */
    public static String queryField(String name) {
        return "query." + name;
    }

    /** The body's bytes as the client sent them, at most {@code maxBytes} (413 beyond); see {@link RequestBody}. */
    public byte[] body(int maxBytes) {
        return RequestBody.bytes(event.getBody(), event.getIsBase64Encoded(), maxBytes);
    }

    /** The body as JSON, at most {@link RequestBody#DEFAULT_MAX_BYTES}; see {@link #jsonBody(int)}. */
    public JsonNode jsonBody() {
        return jsonBody(RequestBody.DEFAULT_MAX_BYTES);
    }

    /**
     * The body as one JSON value read by the API's rules: 415 unless the client said it is JSON in
     * UTF-8, 413 beyond {@code maxBytes}, 400 {@code invalid_encoding} unless it is valid UTF-8, 400
     * {@code malformed_json} unless it is JSON, 400 {@code invalid_value} for a number the API
     * refuses (docs/limits.md).
     */
    public JsonNode jsonBody(int maxBytes) {
        requireJsonContentType();
        String text = RequestBody.text(event.getBody(), event.getIsBase64Encoded(), maxBytes);
        try {
            return Json.parseRequest(text);
        } catch (MalformedJsonException e) {
            throw ApiException.badRequest(e.code(), e.getMessage(), e.field());
        }
    }

    public void requireJsonContentType() {
        String type = header("content-type").orElse("");
        String[] parts = type.split(";");
        String media = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") && !(media.startsWith("application/") && media.endsWith("+json"))) {
            throw new ApiException(415, "unsupported_media_type",
                    "Send the body as JSON with header Content-Type: application/json"
                            + (type.isEmpty() ? " (no Content-Type was given)." : " (got '" + RequestBody.shorten(type) + "')."));
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            if (parameter[0].trim().equalsIgnoreCase("charset") && parameter.length == 2
                    && !parameter[1].trim().replace("\"", "").equalsIgnoreCase("utf-8")) {
                throw new ApiException(415, "unsupported_media_type", "JSON bodies are UTF-8 (RFC 8259 §8.1); send"
                        + " Content-Type: application/json without a charset, or with charset=utf-8 (got '" + RequestBody.shorten(type) + "').");
            }
        }
        String encoding = header("content-encoding").orElse("identity").trim();
        if (!encoding.isEmpty() && !encoding.equalsIgnoreCase("identity")) {
            throw new ApiException(415, "unsupported_media_type", "This endpoint takes an uncompressed body; send it without"
                    + " Content-Encoding (got '" + RequestBody.shorten(encoding) + "').");
        }
    }

    /** The caller; 401 when the authorizer could not authenticate the key. */
    public Principal principal() {
        Map<String, Object> ctx = authorizerContext();
        if (ctx == null || !"true".equals(String.valueOf(ctx.get(CTX_AUTHENTICATED)))) throw ApiException.unauthorized();
        Role role = Role.fromWireName(String.valueOf(ctx.get(CTX_ROLE))).orElseThrow(ApiException::unauthorized);
        String apps = ctx.get(CTX_APPLICATIONS) == null ? "" : String.valueOf(ctx.get(CTX_APPLICATIONS));
        Set<String> applications = Arrays.stream(apps.split(",")).filter(s -> !s.isBlank()).collect(Collectors.toSet());
        return new Principal(String.valueOf(ctx.get(CTX_TENANT)), role, String.valueOf(ctx.get(CTX_KEY_ID)), applications);
    }

    /** The caller, who must hold one of the given roles (403 otherwise). */
    public Principal requireRole(Role... allowed) {
        Principal principal = principal();
        for (Role role : allowed) {
            if (principal.role() == role) return principal;
        }
        throw ApiException.forbidden(principal.role());
    }

    public String requestId() {
        return event.getRequestContext() == null ? "" : String.valueOf(event.getRequestContext().getRequestId());
    }

    private Map<String, Object> authorizerContext() {
        var rc = event.getRequestContext();
        if (rc == null || rc.getAuthorizer() == null) return null;
        return rc.getAuthorizer().getLambda();
    }
}
