package dev.veriproof.anchoring;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoAnchorPointers;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.adapters.telemetry.Telemetry;
import dev.veriproof.core.ingest.StoredSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Puts every stored session into the anchoring backlog: the sessions stream's INSERT of a session creates its small
 * anchoring pointer ({@link DynamoAnchorPointers#enqueue}), a put conditional on its absence, so that at-least-once
 * delivery, replays and retries (even after the session was anchored) change nothing, and ingest's write stays as it
 * is. A record that fails is reported with everything after it (ReportBatchItemFailures).
 */
public final class AnchorBacklogStreamHandler extends PrimedHandler<DynamodbEvent, StreamsEventResponse> {
    private final DynamoAnchorPointers pointers;

    public AnchorBacklogStreamHandler() {
        this(new DynamoAnchorPointers(AwsClients.dynamoDb(), Config.sessionsTable()));
    }

    AnchorBacklogStreamHandler(DynamoAnchorPointers pointers) {
        this.pointers = pointers;
    }

    /** A stream batch of one removed session: parsed and skipped, as every record that is not a stored session. */
    @Override
    protected DynamodbEvent primingEvent() {
        return primingStreamBatch();
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        Telemetry.begin(context);
        List<StoredSession> stored = new ArrayList<>();
        List<String> sequenceNumbers = new ArrayList<>();
        String unreadable = null;
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            Optional<DynamoSessionStore.Change> change;
            try {
                change = DynamoSessionStore.change(record);
            } catch (RuntimeException e) {
                Log.error("unreadable session image; the stream retries it", e, "eventID", record.getEventID());
                unreadable = record.getDynamodb().getSequenceNumber();
                break;
            }
            if (change.isEmpty() || change.get().kind() != DynamoSessionStore.Change.Kind.STORED) continue;
            stored.add(change.get().session().session());
            sequenceNumbers.add(record.getDynamodb().getSequenceNumber());
        }
        int done = pointers.enqueueAll(stored);
        String retryFrom = done < stored.size() ? sequenceNumbers.get(done) : unreadable;
        if (retryFrom == null) return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
        Telemetry.count("StreamRecordsRetried", 1);
        return StreamsEventResponse.builder().withBatchItemFailures(List.of(
                StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(retryFrom).build())).build();
    }
}
