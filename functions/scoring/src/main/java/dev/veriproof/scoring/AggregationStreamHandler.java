package dev.veriproof.scoring;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.adapters.telemetry.Telemetry;
import dev.veriproof.core.ingest.StoredSession;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sessions table's stream: a stored session (INSERT), a session becoming anchored (MODIFY of its anchoring
 * pointer that removes {@code anchorPending}) and a waiting session being reviewed (MODIFY that removes {@code reviewQueue})
 * feed {@link Aggregation}. Failed records are reported as batch
 * item failures; the event source mapping retries from the first of them.
 */
public final class AggregationStreamHandler extends PrimedHandler<DynamodbEvent, StreamsEventResponse> {
    private final Aggregation aggregation;

    public AggregationStreamHandler() {
        this(Scoring.aggregation(Clock.systemUTC()));
    }

    /** With its ports given: for tests and the benchmark. */
    public AggregationStreamHandler(Aggregation aggregation) {
        this.aggregation = aggregation;
    }

    /** A stream batch of one removed session: parsed and skipped, as every record that is not a stored or anchored session. */
    @Override
    protected DynamodbEvent primingEvent() {
        return primingStreamBatch();
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        Telemetry.begin(context);
        List<SessionEvent> events = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            SessionEvent parsed = parse(record);
            if (parsed != null) events.add(parsed);
        }
        List<String> failed = aggregation.process(events);
        if (!failed.isEmpty()) {
            Log.warn("stream records failed; they will be retried", "failed", failed.size(), "batch", event.getRecords().size());
            Telemetry.count("StreamRecordsRetried", failed.size());
        }
        return StreamsEventResponse.builder().withBatchItemFailures(failed.stream()
                .map(id -> StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(id).build()).toList()).build();
    }

    /** The aggregation event a stream record carries, or null when it carries none. */
    static SessionEvent parse(DynamodbEvent.DynamodbStreamRecord record) {
        Optional<DynamoSessionStore.Change> found = DynamoSessionStore.change(record);
        if (found.isEmpty()) return null;
        DynamoSessionStore.Change change = found.get();
        if (change.kind() == DynamoSessionStore.Change.Kind.ANCHORED) {
            return SessionEvent.anchored(change.sequenceNumber(), change.tenantId(), change.sessionId(), change.applicationId(), change.day());
        }
        StoredSession stored = change.session().session();
        SessionEvent.Change kind = change.kind() == DynamoSessionStore.Change.Kind.STORED ? SessionEvent.Change.STORED : SessionEvent.Change.REVIEWED;
        return SessionEvent.of(change.sequenceNumber(), stored.tenantId(), stored.session(), stored.governanceScore(), kind);
    }
}
