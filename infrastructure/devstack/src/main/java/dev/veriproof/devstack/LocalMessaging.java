package dev.veriproof.devstack;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.LocalLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The template's SQS queues and EventBridge bus on loopback, speaking the real AWS JSON protocols
 * ({@code AmazonSQS.SendMessage}, {@code AWSEvents.PutEvents}) so that the functions' SDK clients
 * run unchanged against it. A message becomes visible after its {@code DelaySeconds} and is then
 * delivered, as Lambda's SQS event source would, to the handler of the function whose {@code SQS}
 * event names its queue, as a real {@link SQSEvent}; a reported batch item failure is delivered
 * again later, at most {@code maxReceiveCount} times (then it lands in
 * {@code notification-dead-letters.jsonl}). Events put on a bus are appended to
 * {@code eventbridge-events.jsonl} of the state directory.
 */
final class LocalMessaging implements AutoCloseable {
    private static final PojoSerializer<SQSEvent> EVENTS =
            LambdaEventSerializers.serializerFor(SQSEvent.class, LocalMessaging.class.getClassLoader());
    private static final long REDELIVERY_MILLIS = 2_000;
    private static final int MAX_RECEIVES = 5;

    private record Consumer(String functionLogicalId, String handlerClass) {
    }

    private final HttpServer server;
    private final ScheduledExecutorService deliveries;
    private final Map<String, Consumer> consumers; // queue logical id -> function
    private final Function<String, Object> handlers;
    private final Path stateDir;
    private final AtomicInteger pendingNow = new AtomicInteger();

    private LocalMessaging(Map<String, Consumer> consumers, Function<String, Object> handlers, Path stateDir) throws IOException {
        this.consumers = consumers;
        this.handlers = handlers;
        this.stateDir = stateDir;
        this.server = LoopbackServer.create(0, 0);
        this.server.createContext("/", this::serve);
        this.deliveries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "local-sqs-delivery");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts the endpoint and points the functions' configuration at it: the SDK settings {@code aws.endpointUrlSqs},
     * {@code aws.endpointUrlEventBridge}, every function variable that references a queue (its local URL)
     * or an event bus (its name), and
     * {@code ALLOW_LOOPBACK_WEBHOOKS=true} (the local runtime's webhook receivers are on loopback).
     */
    static LocalMessaging start(Path templateYaml, Function<String, Object> handlers, Path stateDir) throws IOException {
        JsonNode resources = new YAMLMapper().readTree(templateYaml.toFile()).path("Resources");
        Map<String, Consumer> consumers = new HashMap<>();
        for (Map.Entry<String, JsonNode> resource : resources.properties()) {
            JsonNode properties = resource.getValue().path("Properties");
            for (JsonNode event : properties.path("Events")) {
                if (!"SQS".equals(event.path("Type").asText())) continue;
                String handler = properties.path("Handler").asText();
                consumers.put(queueLogicalId(event.path("Properties").path("Queue")),
                        new Consumer(resource.getKey(), handler.substring(0, handler.indexOf("::"))));
            }
        }
        LocalMessaging messaging = new LocalMessaging(consumers, handlers, stateDir);
        messaging.server.start();
        String endpoint = "http://127.0.0.1:" + messaging.server.getAddress().getPort();
        System.setProperty("aws.endpointUrlSqs", endpoint);
        System.setProperty("aws.endpointUrlEventBridge", endpoint);
        // functions' own variables that name a queue (its URL) or a bus (its name): !Ref reads as the logical id
        for (JsonNode resource : resources) {
            for (Map.Entry<String, JsonNode> variable : resource.path("Properties").path("Environment").path("Variables").properties()) {
                String type = resources.path(variable.getValue().asText()).path("Type").asText();
                if (type.equals("AWS::SQS::Queue")) System.setProperty(variable.getKey(), endpoint + "/000000000000/" + variable.getValue().asText());
                if (type.equals("AWS::Events::EventBus")) System.setProperty(variable.getKey(), "local-" + variable.getValue().asText());
            }
        }
        System.setProperty("ALLOW_LOOPBACK_WEBHOOKS", "true");
        return messaging;
    }

    /** {@code !GetAtt Queue.Arn} as the YAML reader sees it: the text "Queue.Arn" (or Fn::GetAtt long form). */
    private static String queueLogicalId(JsonNode queue) {
        if (queue.isTextual()) return queue.asText().split("\\.")[0];
        return queue.path("Fn::GetAtt").path(0).asText();
    }

    /** Returns once no message is due or being delivered (messages delayed into the future are not waited for). */
    void drain() {
        long deadline = System.currentTimeMillis() + 30_000;
        while (pendingNow.get() > 0 && System.currentTimeMillis() < deadline) sleep(20);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode request = Json.parse(exchange.getRequestBody().readAllBytes());
            ObjectNode response = Json.mapper().createObjectNode();
            if ("AmazonSQS.SendMessage".equals(target)) {
                String queueUrl = request.path("QueueUrl").asText();
                String queue = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
                String body = request.path("MessageBody").asText();
                int delay = request.path("DelaySeconds").asInt(0);
                String id = UUID.randomUUID().toString();
                schedule(queue, id, body, 1, delay * 1000L);
                response.put("MessageId", id);
                response.put("MD5OfMessageBody", md5(body));
            } else if ("AWSEvents.PutEvents".equals(target)) {
                ArrayNode entries = response.putArray("Entries");
                for (JsonNode entry : request.path("Entries")) {
                    ObjectNode line = ((ObjectNode) entry.deepCopy()).put("receivedAt", Instant.now().toString());
                    append("eventbridge-events.jsonl", line);
                    entries.addObject().put("EventId", UUID.randomUUID().toString());
                }
                response.put("FailedEntryCount", 0);
            } else {
                respond(exchange, 400, Json.mapper().createObjectNode().put("__type", "UnknownOperationException").put("message", "not emulated: " + target));
                return;
            }
            respond(exchange, 200, response);
        }
    }

    private void schedule(String queue, String id, String body, int receive, long delayMillis) {
        Consumer consumer = consumers.get(queue);
        if (consumer == null) return; // a queue nothing consumes keeps its messages, as SQS would
        boolean dueNow = delayMillis == 0;
        if (dueNow) pendingNow.incrementAndGet();
        deliveries.schedule(() -> {
            try {
                deliver(consumer, queue, id, body, receive);
            } finally {
                if (dueNow) pendingNow.decrementAndGet();
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    @SuppressWarnings("unchecked")
    private void deliver(Consumer consumer, String queue, String id, String body, int receive) {
        ObjectNode event = Json.mapper().createObjectNode();
        ObjectNode record = event.putArray("Records").addObject();
        record.put("messageId", id);
        record.put("receiptHandle", id + "#" + receive);
        record.put("body", body);
        record.putObject("attributes").put("ApproximateReceiveCount", Integer.toString(receive))
                .put("SentTimestamp", Long.toString(System.currentTimeMillis()));
        record.putObject("messageAttributes");
        record.put("md5OfBody", md5(body));
        record.put("eventSource", "aws:sqs");
        record.put("eventSourceARN", "arn:aws:sqs:us-east-1:000000000000:" + queue);
        record.put("awsRegion", "us-east-1");
        boolean failed;
        try {
            var handler = (RequestHandler<SQSEvent, SQSBatchResponse>) handlers.apply(consumer.handlerClass());
            SQSBatchResponse response = handler.handleRequest(EVENTS.fromJson(new ByteArrayInputStream(Json.write(event))),
                    new LocalLambdaContext(consumer.functionLogicalId()));
            failed = response != null && response.getBatchItemFailures() != null && !response.getBatchItemFailures().isEmpty();
        } catch (RuntimeException e) {
            System.err.println(consumer.functionLogicalId() + " failed on a queue message: " + e);
            failed = true;
        }
        if (!failed) return;
        if (receive >= MAX_RECEIVES) {
            append("notification-dead-letters.jsonl", Json.mapper().createObjectNode().put("queue", queue).put("messageId", id).put("body", body));
        } else {
            schedule(queue, id, body, receive + 1, REDELIVERY_MILLIS);
        }
    }

    private synchronized void append(String file, JsonNode line) {
        try {
            Files.writeString(stateDir.resolve(file), Json.writeString(line) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String md5(String body) {
        try {
            return Hashes.hex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        deliveries.shutdownNow();
        server.stop(0);
    }
}
