package dev.veriproof.anchoring;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoAnchorBacklog;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.adapters.telemetry.Telemetry;
import dev.veriproof.core.ingest.StoredSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Puts every stored session into the anchoring backlog: the sessions stream's INSERTs of a batch are listed in one
 * pending chunk (a few for a large batch; {@link DynamoAnchorBacklog#enqueueAll}), one PutItem instead of one per
 * session. At-least-once delivery, replays and retries (even after the sessions were anchored) are harmless: a retried
 * batch rewrites the same chunk, and the run anchors each session once, only while it has no anchored pointer. If the
 * chunk cannot be written the batch is retried from its first stored session; an unreadable record is retried with
 * everything after it (ReportBatchItemFailures).
 */
public final class AnchorBacklogStreamHandler extends PrimedHandler<DynamodbEvent, StreamsEventResponse> {
    private final DynamoAnchorBacklog backlog;

    public AnchorBacklogStreamHandler() {
        this(new DynamoAnchorBacklog(AwsClients.dynamoDb(), Config.sessionsTable(), Config.governanceTable()));
    }

    AnchorBacklogStreamHandler(DynamoAnchorBacklog backlog) {
        this.backlog = backlog;
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
        String retryFrom = unreadable;
        try {
            backlog.enqueueAll(stored);
        } catch (RuntimeException e) {
            Log.error("pending chunk not written; the stream retries the batch", e, "sessions", stored.size());
            retryFrom = sequenceNumbers.get(0);
        }
        if (retryFrom == null) return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
        Telemetry.count("StreamRecordsRetried", 1);
        return StreamsEventResponse.builder().withBatchItemFailures(List.of(
                StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(retryFrom).build())).build();
    }
}
