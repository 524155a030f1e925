package dev.veriproof.adapters.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.json.MalformedJsonException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
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
    private final byte[] body;

    private ApiRequest(APIGatewayV2HTTPEvent event) {
        this.event = event;
        String raw = event.getBody() == null ? "" : event.getBody();
        this.body = event.getIsBase64Encoded() ? Base64.getDecoder().decode(raw) : raw.getBytes(StandardCharsets.UTF_8);
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

    public String pathParameter(String name) {
        Map<String, String> params = event.getPathParameters();
        String value = params == null ? null : params.get(name);
        if (value == null) throw new IllegalStateException("route has no path parameter " + name);
        return value;
    }

    public Optional<String> queryParameter(String name) {
        Map<String, String> params = event.getQueryStringParameters();
        return Optional.ofNullable(params == null ? null : params.get(name)).filter(v -> !v.isEmpty());
    }

    public byte[] body() {
        return body;
    }

    /** The body as JSON; 415 unless the client said it is JSON, 400 if it is not. */
    public JsonNode jsonBody() {
        requireJsonContentType();
        try {
            return Json.parse(body);
        } catch (MalformedJsonException e) {
            throw ApiException.badRequest("malformed_json", "The body is not valid JSON: " + e.getMessage(), null);
        }
    }

    public void requireJsonContentType() {
        String type = header("content-type").orElse("");
        String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") && !(media.startsWith("application/") && media.endsWith("+json"))) {
            throw new ApiException(415, "unsupported_media_type",
                    "Send the body as JSON with header Content-Type: application/json"
                            + (type.isEmpty() ? " (no Content-Type was given)." : " (got '" + type + "')."));
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
