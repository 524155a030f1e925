package dev.veriproof.governance;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.adapters.telemetry.Telemetry;
import dev.veriproof.core.governance.SdkTelemetryStore;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.session.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SDK version history from sessions (SPEC §8), fed by the sessions table's stream instead of a
 * write in the ingest path: each new session that names its SDK moves the first/last seen of that
 * SDK version (by the session's {@code startedAt}). The updates are order-independent min/max
 * moves, so at-least-once delivery, replays and retries change nothing. A failing record is
 * reported with everything after it (ReportBatchItemFailures), so nothing is skipped.
 */
public final class SdkVersionStreamHandler extends PrimedHandler<DynamodbEvent, StreamsEventResponse> {
    private final SdkTelemetryStore sdk;

    public SdkVersionStreamHandler() {
        this(GovernanceStores.sdk());
    }

    SdkVersionStreamHandler(SdkTelemetryStore sdk) {
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
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            try {
                process(record);
            } catch (RuntimeException e) {
                Log.error("sdk version update failed", e, "eventID", record.getEventID());
                failures.add(StreamsEventResponse.BatchItemFailure.builder()
                        .withItemIdentifier(record.getDynamodb().getSequenceNumber()).build());
                break; // Lambda retries from this record on; the ones after it are redelivered too
            }
        }
        if (!failures.isEmpty()) Telemetry.count("StreamRecordsRetried", 1);
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }

    private void process(DynamodbEvent.DynamodbStreamRecord record) {
        Optional<DynamoSessionStore.Change> change = DynamoSessionStore.change(record);
        if (change.isEmpty() || change.get().kind() != DynamoSessionStore.Change.Kind.STORED) return;
        StoredSession stored = change.get().session().session();
        Session session = stored.session();
        if (session.sdkName() == null || session.sdkVersion() == null) return;
        sdk.sawSdk(stored.tenantId(), stored.applicationId(), session.sdkName(), session.sdkVersion(), stored.startedAt(), "session");
    }
}
