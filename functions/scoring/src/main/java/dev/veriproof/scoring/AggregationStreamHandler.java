package dev.veriproof.scoring;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.snapstart.Priming;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.session.SessionValidator;
import dev.veriproof.core.session.Validation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sessions table's stream: a stored session (INSERT) and a session becoming anchored (MODIFY
 * that removes {@code anchorPending}) feed {@link Aggregation}. Failed records are reported as batch
 * item failures; the event source mapping retries from the first of them.
 */
public final class AggregationStreamHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private final Aggregation aggregation;
    @SuppressWarnings("unused") private final Priming priming;

    public AggregationStreamHandler() {
        this(Scoring.aggregation(Clock.systemUTC()));
    }

    /** With its ports given: for tests and the benchmark. */
    public AggregationStreamHandler(Aggregation aggregation) {
        this.aggregation = aggregation;
        this.priming = Priming.register(() -> aggregation.process(List.of()));
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<SessionEvent> events = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            SessionEvent parsed = parse(record);
            if (parsed != null) events.add(parsed);
        }
        List<String> failed = aggregation.process(events);
        if (!failed.isEmpty()) Log.warn("stream records failed; they will be retried", "failed", failed.size(), "batch", event.getRecords().size());
        return StreamsEventResponse.builder().withBatchItemFailures(failed.stream()
                .map(id -> StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(id).build()).toList()).build();
    }

    /** The aggregation event a stream record carries, or null when it carries none. */
    static SessionEvent parse(DynamodbEvent.DynamodbStreamRecord record) {
        var change = record.getDynamodb();
        Map<String, AttributeValue> image = change.getNewImage();
        if (image == null || !text(image, "pk").startsWith("S#") || image.get("record") == null) return null;
        boolean anchoring;
        switch (record.getEventName()) {
            case "INSERT" -> anchoring = false;
            case "MODIFY" -> {
                Map<String, AttributeValue> old = change.getOldImage();
                anchoring = old != null && old.containsKey("anchorPending") && !image.containsKey("anchorPending");
                if (!anchoring) return null;
            }
            default -> {
                return null;
            }
        }
        Instant receivedAt = Instant.parse(text(image, "receivedAt"));
        Validation validation = SessionValidator.validate(Json.parse(text(image, "record")), receivedAt);
        if (!(validation instanceof Validation.Valid valid)) {
            // stored sessions were validated at ingest; this would be a bug, not a reason to block the shard
            Log.warn("stored session record does not validate; not aggregated", "pk", text(image, "pk"));
            return null;
        }
        return new SessionEvent(change.getSequenceNumber(), text(image, "tenantId"), valid.session(),
                Integer.parseInt(image.get("governanceScore").getN()), anchoring);
    }

    private static String text(Map<String, AttributeValue> image, String name) {
        AttributeValue value = image.get(name);
        return value == null || value.getS() == null ? "" : value.getS();
    }
}
