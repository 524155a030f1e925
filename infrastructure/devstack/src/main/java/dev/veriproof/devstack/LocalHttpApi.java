package dev.veriproof.devstack;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalLambdaContext;
import java.io.IOException;
import java.net.InetAddress;
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
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * API Gateway HTTP API on loopback: routes each request by the {@code HttpApi} events of
 * template.yaml, runs the template's Lambda REQUEST authorizer, and invokes the route's handler class
 * with a real payload 2.0 {@link APIGatewayV2HTTPEvent}, as API Gateway would.
 *
 * <p>It runs on Jetty's core server (the version DynamoDB Local already brings) rather than the JDK's
 * {@code HttpServer}: the JDK server answers a request target it cannot parse as a {@code java.net.URI}
 * ({@code /v1/sessions/%zz}) with its own HTML page before any handler runs. Here every request target
 * reaches {@link #serve} raw (no URI compliance rule refuses it: the route and the percent-decoding
 * rules below decide), and what Jetty's HTTP parser itself cannot read (a malformed request line,
 * {@code %} not followed by two hex digits, headers over the limit) is answered by {@link #refused}
 * with the API's JSON error body, never with the server's page or message.
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
    private final Server server;
    private final ServerConnector connector;

    LocalHttpApi(CloudFormationTemplate template, int port) throws IOException {
        for (CloudFormationTemplate.Route route : template.httpRoutes()) routes.add(compile(route));
        this.authorizerClass = template.authorizerHandlerClass().orElseThrow(() -> new IllegalStateException("template has no authorizer"));
        QueuedThreadPool threads = new QueuedThreadPool(24, 2);
        threads.setName("local-http-api");
        threads.setDaemon(true);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // API Gateway's quota for the request line and headers together is 10 KiB; a little room above it
        // keeps the local gateway from refusing what the API's own checks are there to answer.
        http.setRequestHeaderSize(64 * 1024);
        http.setUriCompliance(UriCompliance.UNSAFE);
        // ServerConnector sets TCP_NODELAY on accepted sockets: no delayed-ACK wait on kept-alive connections.
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        connector.setPort(port);
        connector.setAcceptQueueSize(64);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(request, response, callback);
                return true;
            }
        });
        server.setErrorHandler(this::refused);
        connector.open();
    }

    void start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("the local HTTP API did not start", e);
        }
    }

    int port() {
        return connector.getLocalPort();
    }

    void addControl(String path, ControlEndpoint endpoint) {
        controls.put(path, endpoint);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the local HTTP API did not stop", e);
        }
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

    /** One request as the gateway passes it on: the raw target, the headers (names in lower case), the body's bytes. */
    private record Exchange(String method, String rawPath, String rawQuery, Map<String, String> headers, byte[] body, String sourceIp) {}

    private void serve(Request request, Response response, Callback callback) {
        try {
            HttpURI uri = request.getHttpURI();
            Exchange exchange = new Exchange(request.getMethod(), uri.getPath(), Optional.ofNullable(uri.getQuery()).orElse(""),
                    headers(request), Content.Source.asInputStream(request).readAllBytes(), Request.getRemoteAddr(request));
            route(exchange, response, callback);
        } catch (IOException e) {
            callback.failed(e); // the client went away or sent a body that is not valid HTTP framing
        } catch (MalformedTarget e) {
            respondError(response, callback, 400, "invalid_path", e.getMessage());
        } catch (RuntimeException e) {
            e.printStackTrace();
            respondError(response, callback, 500, "internal_error", "The local gateway failed on this request; see the devstack's log.");
        }
    }

    private void route(Exchange exchange, Response response, Callback callback) {
        String method = exchange.method();
        String path = exchange.rawPath();
        if (path.startsWith("/_devstack/") && method.equals("POST") && controls.containsKey(path)) {
            String answer = controls.get(path).apply(query(exchange.rawQuery()));
            respond(response, callback, 200, Map.of("Content-Type", "application/json"), answer.getBytes(StandardCharsets.UTF_8));
            return;
        }
        for (CompiledRoute compiled : routes) {
            Matcher m = compiled.pattern().matcher(path);
            if (compiled.route().method().equalsIgnoreCase(method) && m.matches()) {
                Map<String, String> pathParameters = new LinkedHashMap<>();
                for (int i = 0; i < compiled.parameters().size(); i++) {
                    Optional<String> value = decodePathSegment(m.group(i + 1));
                    if (value.isEmpty()) {
                        respondError(response, callback, 400, "invalid_path", "The path segment '" + shorten(m.group(i + 1))
                                + "' is not valid percent-encoded UTF-8 (RFC 3986 §2.1); encode reserved characters as %XX.");
                        return;
                    }
                    pathParameters.put(compiled.parameters().get(i), value.get());
                }
                invoke(exchange, compiled.route(), pathParameters, response, callback);
                return;
            }
        }
        respondError(response, callback, 404, "not_found", "No route " + shorten(method) + " " + shorten(path) + ".");
    }

    /**
     * What Jetty's HTTP parser refuses before any route runs, answered with the API's error body. Jetty's
     * own reason is never shown: it names the parser's internals, not what the client should send.
     */
    private boolean refused(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        Throwable cause = request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof BadMessageException bad ? bad.getCause() : null;
        if (status == 400 && cause instanceof IllegalArgumentException) {
            // the request line's target failed percent-decoding or holds a character a URI cannot hold
            respondError(response, callback, 400, "invalid_path", "The request target is not a valid URI path (RFC 3986): every '%' must be "
                    + "followed by two hexadecimal digits (send a literal % as %25), and spaces or control characters must be percent-encoded.");
            return true;
        }
        switch (status) {
            case 413 -> respondError(response, callback, 413, "payload_too_large", "The request body is larger than the gateway accepts.");
            case 414, 431 -> respondError(response, callback, status, "too_large",
                    "The request line and headers together must stay within 64 KiB (API Gateway allows 10 KiB).");
            case 505 -> respondError(response, callback, 505, "unsupported_http_version", "Send HTTP/1.1 (or HTTP/1.0).");
            default -> {
                if (status >= 500) {
                    respondError(response, callback, status, "internal_error", "The local gateway failed on this request; see the devstack's log.");
                } else {
                    respondError(response, callback, status, "malformed_request", "The request is not valid HTTP/1.1 (RFC 9112): send a request line "
                            + "'METHOD /path?query HTTP/1.1' without spaces or control characters in the target, then well-formed headers.");
                }
            }
        }
        return true;
    }

    private void invoke(Exchange exchange, CloudFormationTemplate.Route route, Map<String, String> pathParameters, Response response, Callback callback) {
        String routeKey = route.method().toUpperCase(Locale.ROOT) + " " + route.path();
        Map<String, String> headers = exchange.headers();
        byte[] body = exchange.body();
        String requestId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        String rawQuery = exchange.rawQuery();

        Map<String, Object> authorizerContext = null;
        if (route.authorized()) {
            Map<String, Object> decision = authorize(routeKey, exchange, pathParameters, requestId, now);
            if (!Boolean.TRUE.equals(decision.get("isAuthorized"))) {
                respond(response, callback, 403, Map.of("Content-Type", "application/json"), "{\"message\":\"Forbidden\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            @SuppressWarnings("unchecked") Map<String, Object> context = (Map<String, Object>) decision.getOrDefault("context", Map.of());
            authorizerContext = context;
        }

        boolean text = passedAsText(headers, body);
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(exchange.rawPath())
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
                                .withPath(exchange.rawPath())
                                .withProtocol("HTTP/1.1")
                                .withSourceIp(exchange.sourceIp())
                                .withUserAgent(headers.getOrDefault("user-agent", ""))
                                .build())
                        .withAuthorizer(authorizerContext == null ? null
                                : APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder().withLambda(authorizerContext).build())
                        .build())
                .build();

        @SuppressWarnings("unchecked")
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler =
                (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) handler(route.handlerClass());
        APIGatewayV2HTTPResponse answer = handler.handleRequest(event, new LocalLambdaContext(route.functionLogicalId()));
        byte[] out = answer.getBody() == null ? new byte[0]
                : answer.getIsBase64Encoded() ? Base64.getDecoder().decode(answer.getBody()) : answer.getBody().getBytes(StandardCharsets.UTF_8);
        respond(response, callback, answer.getStatusCode(), answer.getHeaders() == null ? Map.of() : answer.getHeaders(), out);
    }

    private Map<String, Object> authorize(String routeKey, Exchange exchange, Map<String, String> pathParameters, String requestId, Instant now) {
        Map<String, String> headers = exchange.headers();
        String apiKey = headers.get("x-api-key");
        APIGatewayV2CustomAuthorizerEvent event = APIGatewayV2CustomAuthorizerEvent.builder()
                .withVersion("2.0")
                .withType("REQUEST")
                .withRouteArn("arn:aws:execute-api:us-east-1:000000000000:local/$default/" + routeKey.replace(' ', '/'))
                .withIdentitySource(apiKey == null ? List.of() : List.of(apiKey))
                .withRouteKey(routeKey)
                .withRawPath(exchange.rawPath())
                .withRawQueryString(exchange.rawQuery())
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
                                .withMethod(exchange.method())
                                .withPath(exchange.rawPath())
                                .withProtocol("HTTP/1.1")
                                .withSourceIp(exchange.sourceIp())
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

    private static Map<String, String> headers(Request request) {
        Map<String, String> headers = new HashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.merge(field.getName().toLowerCase(Locale.ROOT), field.getValue(), (a, b) -> a + "," + b);
        }
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
    private static void respondError(Response response, Callback callback, int status, String code, String message) {
        byte[] body = dev.veriproof.core.json.Json.write(Map.of("error", Map.of("code", code, "message", message)));
        respond(response, callback, status, Map.of("Content-Type", "application/json"), body);
    }

    private static void respond(Response response, Callback callback, int status, Map<String, String> headers, byte[] body) {
        response.setStatus(status);
        headers.forEach((name, value) -> response.getHeaders().put(name, value));
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
