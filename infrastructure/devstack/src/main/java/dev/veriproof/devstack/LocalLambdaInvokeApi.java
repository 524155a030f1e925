package dev.veriproof.devstack;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.LocalLambdaContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The Lambda Invoke API on loopback ({@code POST /2015-03-31/functions/{name}/invocations}), so that
 * a real Step Functions interpreter can call the template's functions: the name (or an ARN ending in
 * it) is a function's logical id; the handler class the template names runs in this JVM. A handler
 * error answers like Lambda does: 200 with {@code X-Amz-Function-Error: Unhandled} and
 * {@code {errorType, errorMessage}}.
 */
final class LocalLambdaInvokeApi implements AutoCloseable {
    static final String PREFIX = "/2015-03-31/functions/";

    private final Map<String, String> handlerClasses = new HashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> invocations = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, java.util.Deque<String>> injectedErrors = new java.util.concurrent.ConcurrentHashMap<>();
    private final Function<String, Object> handlers;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "local-lambda-invoke");
        t.setDaemon(true);
        return t;
    });

    LocalLambdaInvokeApi(Path templateYaml, Function<String, Object> handlers) throws IOException {
        this.handlers = handlers;
        JsonNode resources = new YAMLMapper().readTree(templateYaml.toFile()).path("Resources");
        resources.fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                String handler = e.getValue().path("Properties").path("Handler").asText();
                handlerClasses.put(e.getKey(), handler.substring(0, handler.indexOf("::")));
            }
        });
        server = LoopbackServer.create(0, 16);
        server.createContext(PREFIX, this::invoke);
        server.setExecutor(executor);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The next invocation of {@code logicalId} fails with {@code errorType} without running the handler, as a
     * transient fault of the Lambda service or the function would (tests of the state machine's Retry).
     */
    void failNextInvocation(String logicalId, String errorType) {
        injectedErrors.computeIfAbsent(logicalId, k -> new java.util.concurrent.ConcurrentLinkedDeque<>()).add(errorType);
    }

    /** How many times {@code logicalId} was invoked, injected failures included. */
    int invocations(String logicalId) {
        var count = invocations.get(logicalId);
        return count == null ? 0 : count.get();
    }

    /** The ARN the local state machine's Task states use for a function. */
    static String arn(String logicalId) {
        return "arn:aws:lambda:us-east-1:000000000000:function:" + logicalId;
    }

    @SuppressWarnings("unchecked")
    private void invoke(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (!exchange.getRequestMethod().equals("POST") || !path.endsWith("/invocations")) {
                respond(exchange, 404, Map.of("message", "not found"), false);
                return;
            }
            String name = URLDecoder.decode(path.substring(PREFIX.length(), path.length() - "/invocations".length()), StandardCharsets.UTF_8);
            String logicalId = name.substring(name.lastIndexOf(':') + 1);
            String handlerClass = handlerClasses.get(logicalId);
            if (handlerClass == null) {
                respond(exchange, 404, Map.of("Type", "User", "message", "Function not found: " + name), false);
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            invocations.computeIfAbsent(logicalId, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            String injected = injectedErrors.getOrDefault(logicalId, new java.util.ArrayDeque<>()).pollFirst();
            if (injected != null) {
                respond(exchange, 200, Map.of("errorType", injected, "errorMessage", "injected by a test: the function failed once"), true);
                return;
            }
            Object input = body.length == 0 ? Map.of() : Json.mapper().readValue(body, Object.class);
            try {
                var handler = (RequestHandler<Object, Object>) handlers.apply(handlerClass);
                Object output = handler.handleRequest(input, new LocalLambdaContext(logicalId));
                respond(exchange, 200, output, false);
            } catch (RuntimeException e) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("errorType", e.getClass().getName());
                error.put("errorMessage", String.valueOf(e.getMessage()));
                respond(exchange, 200, error, true);
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, Object body, boolean functionError) throws IOException {
        byte[] bytes = Json.write(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (functionError) exchange.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
