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
import java.net.URLDecoder;
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
                        pathParameters.put(compiled.parameters().get(i), URLDecoder.decode(m.group(i + 1), StandardCharsets.UTF_8));
                    }
                    invoke(exchange, compiled.route(), pathParameters, body);
                    return;
                }
            }
            respond(exchange, 404, Map.of("Content-Type", "application/json"), "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            e.printStackTrace();
            respond(exchange, 500, Map.of("Content-Type", "application/json"), "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8));
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

        boolean text = isText(headers.get("content-type"));
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
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.merge(name, value, (a, b) -> a + "," + b);
        }
        return params;
    }

    private static boolean isText(String contentType) {
        if (contentType == null) return true;
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.contains("json") || type.contains("xml") || type.contains("x-www-form-urlencoded");
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
