package dev.veriproof.devstack;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.veriproof.local.CloudFormationTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API Gateway HTTP API on loopback: routes each request by the {@code HttpApi} events of
 * template.yaml, runs the template's Lambda REQUEST authorizer, and invokes the route's handler class
 * with a real payload 2.0 {@link APIGatewayV2HTTPEvent}, as API Gateway would.
 */
final class LocalHttpApi implements AutoCloseable {
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private record CompiledRoute(CloudFormationTemplate.Route route, Pattern pattern, List<String> parameters) {}

    /** A local-only control endpoint (the {@code /_devstack} paths of SPEC §12). */
    interface ControlEndpoint extends Function<Map<String, String>, String> {}

    private final List<CompiledRoute> routes = new ArrayList<>();
    private final String authorizerClass;
    private final Map<String, Object> handlers = new ConcurrentHashMap<>();
    private final Map<String, ControlEndpoint> controls = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);

    LocalHttpApi(CloudFormationTemplate template, int port) throws IOException {
        for (CloudFormationTemplate.Route route : template.httpRoutes()) routes.add(compile(route));
        this.authorizerClass = template.authorizerHandlerClass().orElseThrow(() -> new IllegalStateException("template has no authorizer"));
        this.server = LoopbackServer.create(port, 64);
        server.createContext("/", this::serve);
        server.setExecutor(executor);
    }

    void start() {
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void addControl(String path, ControlEndpoint endpoint) {
        controls.put(path, endpoint);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static CompiledRoute compile(CloudFormationTemplate.Route route) {
        List<String> parameters = new ArrayList<>();
        Matcher m = Pattern.compile("\\{([^}/]+)}").matcher(route.path());
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            // a greedy {name+} (last in the path) takes the rest of the path, slashes included
            boolean greedy = m.group(1).endsWith("+");
            regex.append(Pattern.quote(route.path().substring(last, m.start()))).append(greedy ? "(.*)" : "([^/]+)");
            parameters.add(greedy ? m.group(1).substring(0, m.group(1).length() - 1) : m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(route.path().substring(last)));
        return new CompiledRoute(route, Pattern.compile(regex.toString()), parameters);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            byte[] body = readAll(exchange.getRequestBody());
            if (path.startsWith("/_devstack/") && method.equals("POST") && controls.containsKey(path)) {
                String answer = controls.get(path).apply(query(exchange.getRequestURI().getRawQuery()));
                respond(exchange, 200, Map.of("Content-Type", "application/json"), answer.getBytes(StandardCharsets.UTF_8));
                return;
            }
            for (CompiledRoute compiled : routes) {
                Matcher m = compiled.pattern().matcher(path);
                if (compiled.route().method().equalsIgnoreCase(method) && m.matches()) {
                    Map<String, String> pathParameters = new LinkedHashMap<>();
                    for (int i = 0; i < compiled.parameters().size(); i++) {
                        Optional<String> value = decodePathSegment(m.group(i + 1));
                        if (value.isEmpty()) {
                            respondError(exchange, 400, "invalid_path", "The path segment '" + shorten(m.group(i + 1))
                                    + "' is not valid percent-encoded UTF-8 (RFC 3986 §2.1); encode reserved characters as %XX.");
                            return;
                        }
                        pathParameters.put(compiled.parameters().get(i), value.get());
                    }
                    invoke(exchange, compiled.route(), pathParameters, body);
                    return;
                }
            }
            respondError(exchange, 404, "not_found", "No route " + method + " " + shorten(path) + ".");
        } catch (MalformedTarget e) {
            respondError(exchange, 400, "invalid_path", e.getMessage());
        } catch (RuntimeException e) {
            e.printStackTrace();
            respondError(exchange, 500, "internal_error", "The local gateway failed on this request; see the devstack's log.");
        }
    }

    private void invoke(HttpExchange exchange, CloudFormationTemplate.Route route, Map<String, String> pathParameters, byte[] body) throws IOException {
        String routeKey = route.method().toUpperCase(Locale.ROOT) + " " + route.path();
        Map<String, String> headers = headers(exchange);
        String requestId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        String rawQuery = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");

        Map<String, Object> authorizerContext = null;
        if (route.authorized()) {
            Map<String, Object> decision = authorize(routeKey, exchange, headers, pathParameters, rawQuery, requestId, now);
            if (!Boolean.TRUE.equals(decision.get("isAuthorized"))) {
                respond(exchange, 403, Map.of("Content-Type", "application/json"), "{\"message\":\"Forbidden\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            @SuppressWarnings("unchecked") Map<String, Object> context = (Map<String, Object>) decision.getOrDefault("context", Map.of());
            authorizerContext = context;
        }

        boolean text = passedAsText(headers, body);
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(exchange.getRequestURI().getRawPath())
                .withRawQueryString(rawQuery)
                .withHeaders(headers)
                .withQueryStringParameters(rawQuery.isEmpty() ? null : query(rawQuery))
                .withPathParameters(pathParameters.isEmpty() ? null : pathParameters)
                .withBody(body.length == 0 ? null : text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && !text)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRouteKey(routeKey)
                        .withAccountId("000000000000")
                        .withApiId("local")
                        .withStage("$default")
                        .withRequestId(requestId)
                        .withDomainName("127.0.0.1")
                        .withTime(REQUEST_TIME.format(now))
                        .withTimeEpoch(now.toEpochMilli())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(route.method().toUpperCase(Locale.ROOT))
                                .withPath(exchange.getRequestURI().getRawPath())
                                .withProtocol("HTTP/1.1")
                                .withSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress())
                                .withUserAgent(headers.getOrDefault("user-agent", ""))
                                .build())
                        .withAuthorizer(authorizerContext == null ? null
                                : APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder().withLambda(authorizerContext).build())
                        .build())
                .build();

        @SuppressWarnings("unchecked")
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler =
                (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) handler(route.handlerClass());
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, new LocalLambdaContext(route.functionLogicalId()));
        byte[] out = response.getBody() == null ? new byte[0]
                : response.getIsBase64Encoded() ? Base64.getDecoder().decode(response.getBody()) : response.getBody().getBytes(StandardCharsets.UTF_8);
        respond(exchange, response.getStatusCode(), response.getHeaders() == null ? Map.of() : response.getHeaders(), out);
    }

    private Map<String, Object> authorize(String routeKey, HttpExchange exchange, Map<String, String> headers,
                                          Map<String, String> pathParameters, String rawQuery, String requestId, Instant now) {
        String apiKey = headers.get("x-api-key");
        APIGatewayV2CustomAuthorizerEvent event = APIGatewayV2CustomAuthorizerEvent.builder()
                .withVersion("2.0")
                .withType("REQUEST")
                .withRouteArn("arn:aws:execute-api:us-east-1:000000000000:local/$default/" + routeKey.replace(' ', '/'))
                .withIdentitySource(apiKey == null ? List.of() : List.of(apiKey))
                .withRouteKey(routeKey)
                .withRawPath(exchange.getRequestURI().getRawPath())
                .withRawQueryString(rawQuery)
                .withHeaders(headers)
                .withPathParameters(pathParameters)
                .withRequestContext(APIGatewayV2CustomAuthorizerEvent.RequestContext.builder()
                        .withAccountId("000000000000")
                        .withApiId("local")
                        .withDomainName("127.0.0.1")
                        .withRequestId(requestId)
                        .withRouteKey(routeKey)
                        .withStage("$default")
                        .withTimeEpoch(now.toEpochMilli())
                        .withHttp(APIGatewayV2CustomAuthorizerEvent.Http.builder()
                                .withMethod(exchange.getRequestMethod())
                                .withPath(exchange.getRequestURI().getRawPath())
                                .withProtocol("HTTP/1.1")
                                .withSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress())
                                .withUserAgent(headers.getOrDefault("user-agent", ""))
                                .build())
                        .build())
                .build();
        @SuppressWarnings("unchecked")
        RequestHandler<APIGatewayV2CustomAuthorizerEvent, Map<String, Object>> authorizer =
                (RequestHandler<APIGatewayV2CustomAuthorizerEvent, Map<String, Object>>) handler(authorizerClass);
        return authorizer.handleRequest(event, new LocalLambdaContext("AuthorizerFunction"));
    }

    /** One instance per handler class, built with its public no-arg constructor as the Lambda runtime does. */
    Object handler(String className) {
        return handlers.computeIfAbsent(className, name -> {
            try {
                return Class.forName(name).getConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot construct handler " + name, e);
            }
        });
    }

    private static Map<String, String> headers(HttpExchange exchange) {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        return headers;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return params;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = decodeQueryComponent(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decodeQueryComponent(pair.substring(eq + 1));
            params.merge(name, value, (a, b) -> a + "," + b);
        }
        return params;
    }

    /**
     * Whether a request body reaches the handler as a string ({@code isBase64Encoded: false}) or as
     * base64 ({@code isBase64Encoded: true}), as API Gateway HTTP APIs decide it; handlers must take
     * both (docs/limits.md):
     * <ul>
     *   <li>a body with a {@code Content-Encoding} header (gzip, deflate, br, even identity) → base64;</li>
     *   <li>else a body whose media type is a text type → string: {@code text/*},
     *       {@code application/json}, {@code application/*+json}, {@code application/xml},
     *       {@code application/*+xml}, {@code application/javascript},
     *       {@code application/x-www-form-urlencoded} (parameters such as charset are ignored);</li>
     *   <li>every other media type, and a body without {@code Content-Type} → base64;</li>
     *   <li>a text-type body that is not valid UTF-8 → base64 as well, because a string cannot carry
     *       such bytes without replacing them; the handler then sees the bytes as sent.</li>
     * </ul>
     */
    static boolean passedAsText(Map<String, String> headers, byte[] body) {
        if (headers.containsKey("content-encoding")) return false;
        String contentType = headers.get("content-type");
        if (contentType == null) return false;
        String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        boolean textType = media.startsWith("text/")
                || media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"))
                || media.equals("application/xml") || (media.startsWith("application/") && media.endsWith("+xml"))
                || media.equals("application/javascript") || media.equals("application/x-www-form-urlencoded");
        return textType && isUtf8(body);
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** A path segment decoded as API Gateway does ({@code +} stays {@code +}); empty when it is not valid percent-encoded UTF-8. */
    static Optional<String> decodePathSegment(String raw) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0 || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    return Optional.empty();
                }
                bytes.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        byte[] decoded = bytes.toByteArray();
        if (!isUtf8(decoded)) return Optional.empty();
        return Optional.of(new String(decoded, StandardCharsets.UTF_8));
    }

    private static String decodeQueryComponent(String raw) {
        return decodePathSegment(raw.replace('+', ' ')).orElseThrow(() -> new MalformedTarget("The query component '" + shorten(raw)
                + "' is not valid percent-encoded UTF-8 (RFC 3986 §2.1); encode reserved characters as %XX."));
    }

    /** A request target that cannot be decoded: the client's mistake, answered with 400. */
    private static final class MalformedTarget extends RuntimeException {
        MalformedTarget(String message) {
            super(message, null, false, false);
        }
    }

    private static String shorten(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }

    /** The API's error body (SPEC §4), for what the gateway itself refuses. */
    private static void respondError(HttpExchange exchange, int status, String code, String message) throws IOException {
        byte[] body = dev.veriproof.core.json.Json.write(Map.of("error", Map.of("code", code, "message", message)));
        respond(exchange, status, Map.of("Content-Type", "application/json"), body);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static void respond(HttpExchange exchange, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
