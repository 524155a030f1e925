package dev.veriproof.devstack;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.CloudFormationTemplate.StreamSubscription;
import dev.veriproof.local.LambdaStreamEvents;
import dev.veriproof.local.LocalLambdaContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Lambda's DynamoDB event source mapping, on DynamoDB Local's real streams: for each {@code DynamoDB}
 * event in template.yaml, reads the table's stream shard by shard, in order, and invokes the
 * function's handler with a {@link DynamodbEvent} built by the Lambda runtime's own deserializer
 * from the JSON Lambda sends. Failures follow the mapping's settings: with
 * {@code ReportBatchItemFailures} the batch is retried from the first failed record; a handler that
 * throws is retried, bisecting the batch when {@code BisectBatchOnFunctionError} is set; after
 * {@code MaximumRetryAttempts} the batch goes to the on-failure destination (locally: a JSON line in
 * {@code stream-failures.jsonl} of the state directory) and the shard moves on.
 */
final class LocalStreams implements AutoCloseable {
    private static final long POLL_MILLIS = 200;

    private final class Subscription {
        final StreamSubscription settings;
        final String streamArn;
        final Map<String, String> iterators = new LinkedHashMap<>(); // shard id -> next iterator; null once drained
        final Map<String, String> lastSequence = new LinkedHashMap<>(); // shard id -> last record delivered
        final RequestHandler<DynamodbEvent, StreamsEventResponse> handler;

        @SuppressWarnings("unchecked")
        Subscription(StreamSubscription settings, String streamArn) {
            this.settings = settings;
            this.streamArn = streamArn;
            this.handler = (RequestHandler<DynamodbEvent, StreamsEventResponse>) handlers.apply(settings.handlerClass());
        }
    }

    private final DynamoDbStreamsClient streams;
    private final Function<String, Object> handlers;
    private final Path failureLog;
    private final List<String> tableNames = new ArrayList<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;
    private long delivered;

    LocalStreams(List<StreamSubscription> settings, Map<String, String> tables, DynamoDbClient dynamoDb,
                 DynamoDbStreamsClient streams, Function<String, Object> handlers, Path failureLog) {
        this.streams = streams;
        this.handlers = handlers;
        this.failureLog = failureLog;
        for (StreamSubscription s : settings) {
            String table = tables.get(s.tableLogicalId());
            tableNames.add(table);
            String arn = dynamoDb.describeTable(r -> r.tableName(table)).table().latestStreamArn();
            subscriptions.add(new Subscription(s, arn));
        }
        this.poller = new Thread(this::pollForever, "local-stream-poller");
        poller.setDaemon(true);
    }

    void start() {
        if (!subscriptions.isEmpty()) poller.start();
    }

    /** The physical tables read, in subscription order. */
    List<String> tableNames() {
        return tableNames;
    }

    /** Records delivered so far (successfully or to the failure destination). */
    synchronized long delivered() {
        return delivered;
    }

    /**
     * Delivers everything written so far before returning: used by tests and the demo to wait for
     * "eventually" without guessing a sleep.
     */
    void drain() {
        synchronized (this) {
            pollOnce();
            long before;
            do {
                before = delivered;
                pollOnce();
            } while (delivered != before);
        }
    }

    private void pollForever() {
        while (running) {
            try {
                synchronized (this) {
                    pollOnce();
                }
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (running) System.err.println("local stream poller: " + e);
            }
        }
    }

    private void pollOnce() {
        for (Subscription subscription : subscriptions) {
            refreshShards(subscription);
            for (Map.Entry<String, String> shard : subscription.iterators.entrySet()) {
                String iterator = shard.getValue();
                while (iterator != null) {
                    String current = iterator;
                    GetRecordsResponse page;
                    try {
                        page = streams.getRecords(r -> r.shardIterator(current).limit(subscription.settings.batchSize()));
                    } catch (TrimmedDataAccessException e) {
                        // DynamoDB Local: an iterator taken while the shard was empty goes stale once records
                        // arrive. Resume after the last record delivered (or from the start) with a fresh one.
                        String fresh = restart(subscription, shard.getKey());
                        page = streams.getRecords(r -> r.shardIterator(fresh).limit(subscription.settings.batchSize()));
                    }
                    iterator = page.nextShardIterator();
                    shard.setValue(iterator);
                    if (page.records().isEmpty()) break;
                    deliver(subscription, page.records());
                    subscription.lastSequence.put(shard.getKey(), page.records().get(page.records().size() - 1).dynamodb().sequenceNumber());
                }
            }
        }
    }

    private String restart(Subscription subscription, String shardId) {
        String last = subscription.lastSequence.get(shardId);
        return streams.getShardIterator(r -> r.streamArn(subscription.streamArn).shardId(shardId)
                .shardIteratorType(last == null ? ShardIteratorType.TRIM_HORIZON : ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                .sequenceNumber(last)).shardIterator();
    }

    private void refreshShards(Subscription subscription) {
        for (Shard shard : streams.describeStream(r -> r.streamArn(subscription.streamArn)).streamDescription().shards()) {
            if (!subscription.iterators.containsKey(shard.shardId())) {
                subscription.iterators.put(shard.shardId(), streams.getShardIterator(r -> r.streamArn(subscription.streamArn)
                        .shardId(shard.shardId()).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator());
            }
        }
    }

    private void deliver(Subscription subscription, List<Record> batch) {
        List<Record> remaining = batch;
        int retries = 0;
        while (true) {
            List<Record> retry;
            try {
                StreamsEventResponse response = subscription.handler.handleRequest(LambdaStreamEvents.event(remaining, subscription.streamArn),
                        new LocalLambdaContext(subscription.settings.functionLogicalId()));
                retry = fromFirstFailure(subscription, remaining, response);
            } catch (RuntimeException e) {
                System.err.println(subscription.settings.functionLogicalId() + " failed on a stream batch: " + e);
                if (subscription.settings.bisectOnError() && remaining.size() > 1) {
                    int half = remaining.size() / 2;
                    deliver(subscription, remaining.subList(0, half));
                    deliver(subscription, remaining.subList(half, remaining.size()));
                    return;
                }
                retry = remaining;
            }
            if (retry.isEmpty()) {
                delivered += batch.size();
                return;
            }
            int max = subscription.settings.maximumRetryAttempts();
            if (max >= 0 && retries >= max) {
                recordFailure(subscription, retry);
                delivered += batch.size();
                return;
            }
            retries++;
            remaining = retry;
            sleep(Math.min(2_000, 50L << Math.min(retries, 5)));
        }
    }

    private static List<Record> fromFirstFailure(Subscription subscription, List<Record> batch, StreamsEventResponse response) {
        if (!subscription.settings.reportBatchItemFailures() || response == null || response.getBatchItemFailures() == null
                || response.getBatchItemFailures().isEmpty()) {
            return List.of();
        }
        for (int i = 0; i < batch.size(); i++) {
            String sequence = batch.get(i).dynamodb().sequenceNumber();
            boolean failed = response.getBatchItemFailures().stream().anyMatch(f -> sequence.equals(f.getItemIdentifier()));
            if (failed) return batch.subList(i, batch.size());
        }
        return List.of();
    }

    private void recordFailure(Subscription subscription, List<Record> records) {
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("at", Instant.now().toString());
        line.put("function", subscription.settings.functionLogicalId());
        line.put("streamArn", subscription.streamArn);
        line.put("firstSequenceNumber", records.get(0).dynamodb().sequenceNumber());
        line.put("lastSequenceNumber", records.get(records.size() - 1).dynamodb().sequenceNumber());
        line.put("batchSize", records.size());
        try {
            Files.writeString(failureLog, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.err.println("stream batch sent to the on-failure destination: " + line);
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
        running = false;
        poller.interrupt();
    }
}
