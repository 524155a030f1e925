package dev.veriproof.governance;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.adapters.telemetry.Telemetry;
import dev.veriproof.core.governance.SdkSighting;
import dev.veriproof.core.governance.SdkTelemetryStore;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.session.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SDK version history from sessions (SPEC §8), fed by the sessions table's stream instead of a
 * write in the ingest path: each new session that names its SDK moves the first/last seen of that
 * SDK version (by the session's {@code startedAt}). A batch's sightings are coalesced per SDK version
 * and written at most once each ({@link SdkTelemetryStore#saw}); the moves are order-independent
 * min/max/union, so at-least-once delivery, replays and retries change nothing. An unreadable record
 * is reported with everything after it (ReportBatchItemFailures), the ones before it are recorded;
 * a failed write reports the whole batch, whose retry is harmless.
 */
public final class SdkVersionStreamHandler extends PrimedHandler<DynamodbEvent, StreamsEventResponse> {
    private final SdkTelemetryStore sdk;

    public SdkVersionStreamHandler() {
        this(GovernanceStores.sdk());
    }

    /** With its store given: for tests and the benchmark. */
    public SdkVersionStreamHandler(SdkTelemetryStore sdk) {
        this.sdk = sdk;
    }

    /** A stream batch of one removed session: parsed and skipped, as every record that is not a stored or anchored session. */
    @Override
    protected DynamodbEvent primingEvent() {
        return primingStreamBatch();
    }

    @Override
    protected void warmUp() {
        sdk.versions(PRIMING, PRIMING);
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        Telemetry.begin(context);
        List<SdkSighting> sightings = new ArrayList<>();
        int processed = 0;
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            try {
                sighting(record).ifPresent(sightings::add);
            } catch (RuntimeException e) {
                Log.error("stream record unreadable", e, "eventID", record.getEventID());
                break; // Lambda retries from this record on; the ones after it are redelivered too
            }
            processed++;
        }
        int firstFailed = processed;
        try {
            sdk.saw(sightings);
        } catch (RuntimeException e) {
            Log.error("sdk version update failed", e, "records", processed);
            firstFailed = 0; // the writes are idempotent: the whole batch is retried
        }
        if (firstFailed == event.getRecords().size()) return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
        Telemetry.count("StreamRecordsRetried", 1);
        return StreamsEventResponse.builder().withBatchItemFailures(List.of(StreamsEventResponse.BatchItemFailure.builder()
                .withItemIdentifier(event.getRecords().get(firstFailed).getDynamodb().getSequenceNumber()).build())).build();
    }

    /** The SDK version a newly stored session names, if any. */
    private static Optional<SdkSighting> sighting(DynamodbEvent.DynamodbStreamRecord record) {
        Optional<DynamoSessionStore.Change> change = DynamoSessionStore.change(record);
        if (change.isEmpty() || change.get().kind() != DynamoSessionStore.Change.Kind.STORED) return Optional.empty();
        StoredSession stored = change.get().session().session();
        Session session = stored.session();
        if (session.sdkName() == null || session.sdkVersion() == null) return Optional.empty();
        return Optional.of(SdkSighting.at(stored.tenantId(), stored.applicationId(), session.sdkName(), session.sdkVersion(), stored.startedAt(), "session"));
    }
}
