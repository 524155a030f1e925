package dev.veriproof.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Step Functions on loopback: serves {@code StartExecution} of the AWS JSON protocol for the
 * template's {@code AWS::Serverless::StateMachine}s and runs each execution's real ASL definition
 * (its {@code DefinitionUri}, with the {@code DefinitionSubstitutions} resolved to local Lambda
 * ARNs) with the npm interpreter {@code aws-local-stepfunctions}
 * (infrastructure/tools/run-state-machine.mjs) in a child process, whose Task states call
 * {@link LocalLambdaInvokeApi}. As on AWS, an execution that ends FAILED, TIMED_OUT (the definition's
 * {@code TimeoutSeconds}) or ABORTED ({@link #abort}: the runner killed) is announced as a
 * "Step Functions Execution Status Change" event to the listener (the template's EventBridge rule).
 */
final class LocalStepFunctions implements AutoCloseable {
    private record Machine(String arn, Path definition, Map<String, String> substitutions, Duration timeout) {}

    /** How an execution ended: {@code SUCCEEDED} with its output, or {@code FAILED} with the error. */
    record Execution(String name, String status, String detail) {}

    private final Path root;
    private final String lambdaEndpoint;
    private final Map<String, Machine> machines = new LinkedHashMap<>();
    private final Map<String, CompletableFuture<Execution>> executions = new ConcurrentHashMap<>();
    private final Map<String, Process> running = new ConcurrentHashMap<>();
    private final Map<String, Boolean> aborted = new ConcurrentHashMap<>();
    private volatile Consumer<Map<String, Object>> statusChanges = event -> {};
    private final HttpServer server;
    private final ExecutorService runner = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "local-step-functions");
        t.setDaemon(true);
        return t;
    });

    private final Consumer<ProcessHandle> children;

    /** @param children learns each runner process (the devstack records them, to end any a crash left behind) */
    LocalStepFunctions(Path templateYaml, String lambdaEndpoint, Consumer<ProcessHandle> children) throws IOException {
        this.children = children;
        this.root = templateYaml.toAbsolutePath().getParent();
        this.lambdaEndpoint = lambdaEndpoint;
        JsonNode resources = new YAMLMapper().readTree(templateYaml.toFile()).path("Resources");
        resources.fields().forEachRemaining(e -> {
            if (!e.getValue().path("Type").asText().equals("AWS::Serverless::StateMachine")) return;
            JsonNode properties = e.getValue().path("Properties");
            Map<String, String> substitutions = new LinkedHashMap<>();
            // "!Ref Function.Alias" reads as the text "Function.Alias": the local ARN is the function's logical id
            properties.path("DefinitionSubstitutions").fields().forEachRemaining(s ->
                    substitutions.put(s.getKey(), LocalLambdaInvokeApi.arn(s.getValue().asText().split("\\.")[0])));
            Path definition = root.resolve(properties.path("DefinitionUri").asText());
            long timeoutSeconds;
            try {
                timeoutSeconds = Json.parse(Files.readAllBytes(definition)).path("TimeoutSeconds").asLong(365L * 24 * 3600);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            machines.put(arn(e.getKey()), new Machine(arn(e.getKey()), definition, substitutions, Duration.ofSeconds(timeoutSeconds)));
        });
        server = LoopbackServer.create(0, 16);
        server.createContext("/", this::serve);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "local-step-functions-api");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    static String arn(String logicalId) {
        return "arn:aws:states:us-east-1:000000000000:stateMachine:" + logicalId;
    }

    /** Where executions that end without succeeding are announced (EventBridge's role on AWS). */
    void onStatusChange(Consumer<Map<String, Object>> listener) {
        this.statusChanges = listener;
    }

    /** Kills the runner of a running execution, as StopExecution (or a crashed interpreter) would end it: ABORTED. */
    boolean abort(String executionName) {
        Process process = running.get(executionName);
        if (process == null) return false;
        aborted.put(executionName, true);
        process.destroyForcibly();
        return true;
    }

    /** Names of the executions whose runner is alive now. */
    Set<String> runningExecutions() {
        return Set.copyOf(running.keySet());
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            JsonNode request = Json.parse(exchange.getRequestBody().readAllBytes());
            if (!target.equals("AWSStepFunctions.StartExecution")) {
                respond(exchange, 400, error("UnknownOperationException", "the local Step Functions serve StartExecution only, not " + target));
                return;
            }
            String machineArn = request.path("stateMachineArn").asText();
            Machine machine = machines.get(machineArn);
            if (machine == null) {
                respond(exchange, 400, error("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + machineArn + "'"));
                return;
            }
            String name = request.path("name").asText(UUID.randomUUID().toString());
            String executionArn = machineArn.replace(":stateMachine:", ":execution:") + ":" + name;
            CompletableFuture<Execution> started = new CompletableFuture<>();
            if (executions.putIfAbsent(executionArn, started) != null) {
                respond(exchange, 400, error("ExecutionAlreadyExists", "Execution Already Exists: '" + executionArn + "'"));
                return;
            }
            String input = request.path("input").asText("{}");
            runner.submit(() -> started.complete(announce(machine, run(machine, name, input), input)));
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("executionArn", executionArn);
            body.put("startDate", System.currentTimeMillis() / 1000.0);
            respond(exchange, 200, body);
        }
    }

    private Execution run(Machine machine, String name, String input) {
        try {
            Path dir = Files.createTempDirectory("veriproof-sfn");
            Path substitutions = Files.write(dir.resolve("substitutions.json"), Json.write(machine.substitutions()));
            Path inputFile = Files.writeString(dir.resolve("input.json"), input);
            Path definition = retryIntervalsCapped(machine.definition(), dir);
            ProcessBuilder builder = new ProcessBuilder("node", root.resolve("infrastructure/tools/run-state-machine.mjs").toString(),
                    definition.toString(), substitutions.toString(), inputFile.toString())
                    .redirectErrorStream(true);
            builder.environment().put("AWS_ENDPOINT_URL_LAMBDA", lambdaEndpoint);
            builder.environment().put("AWS_REGION", "us-east-1");
            builder.environment().put("AWS_ACCESS_KEY_ID", "local");
            builder.environment().put("AWS_SECRET_ACCESS_KEY", "local");
            Process process = builder.start();
            children.accept(process.toHandle());
            running.put(name, process);
            try {
                CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                    try {
                        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    } catch (IOException e) {
                        return e.getMessage();
                    }
                });
                if (!process.waitFor(machine.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                    return new Execution(name, "TIMED_OUT", "States.Timeout: the execution ran longer than " + machine.timeout().toSeconds() + " s");
                }
                if (aborted.remove(name) != null) return new Execution(name, "ABORTED", "the runner was stopped");
                return new Execution(name, process.exitValue() == 0 ? "SUCCEEDED" : "FAILED", output.join());
            } finally {
                running.remove(name);
            }
        } catch (IOException e) {
            return new Execution(name, "FAILED", "cannot run the state machine: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Execution(name, "FAILED", "interrupted");
        }
    }

    /**
     * The definition as deployed, or, with {@code DEVSTACK_RETRY_INTERVAL_SECONDS} set (the end-to-end tests set 1), a copy
     * whose Retry intervals are at most that: the same retries, without waiting 10 s for each.
     */
    private static Path retryIntervalsCapped(Path definition, Path dir) throws IOException {
        String cap = System.getProperty("DEVSTACK_RETRY_INTERVAL_SECONDS");
        if (cap == null) return definition;
        JsonNode asl = Json.parse(Files.readAllBytes(definition));
        capRetries(asl, Integer.parseInt(cap));
        return Files.write(dir.resolve("definition.json"), Json.write(asl));
    }

    private static void capRetries(JsonNode node, int cap) {
        if (node.isObject() && node.path("Retry").isArray()) {
            for (JsonNode retry : node.path("Retry")) {
                if (retry.path("IntervalSeconds").asInt(1) > cap) ((ObjectNode) retry).put("IntervalSeconds", cap);
            }
        }
        for (JsonNode child : node) capRetries(child, cap);
    }

    private Execution announce(Machine machine, Execution execution, String input) {
        if (!execution.status().equals("SUCCEEDED")) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("executionArn", machine.arn().replace(":stateMachine:", ":execution:") + ":" + execution.name());
            detail.put("stateMachineArn", machine.arn());
            detail.put("name", execution.name());
            detail.put("status", execution.status());
            detail.put("input", input);
            detail.put("cause", execution.detail());
            try {
                statusChanges.accept(Map.of("source", "aws.states", "detail-type", "Step Functions Execution Status Change", "detail", detail));
            } catch (RuntimeException e) {
                System.err.println("local step functions: status change listener failed: " + e);
            }
        }
        return execution;
    }

    /** Waits for every execution started so far to end, and answers how each one ended. */
    List<Execution> awaitAll(Duration timeout) {
        List<Execution> ended = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (CompletableFuture<Execution> execution : executions.values()) {
            try {
                ended.add(execution.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (Exception e) {
                throw new IllegalStateException("a state machine execution did not end in time", e);
            }
        }
        return ended;
    }

    private static ObjectNode error(String type, String message) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("__type", type);
        body.put("message", message);
        return body;
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        runner.shutdownNow();
    }
}
