package dev.veriproof.governance;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.snapstart.Priming;
import dev.veriproof.core.governance.SdkTelemetryStore;
import dev.veriproof.core.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The SDK version history from sessions (SPEC §8), fed by the sessions table's stream instead of a
 * write in the ingest path: each new session that names its SDK moves the first/last seen of that
 * SDK version (by the session's {@code startedAt}). The updates are order-independent min/max
 * moves, so at-least-once delivery, replays and retries change nothing. A failing record is
 * reported with everything after it (ReportBatchItemFailures), so nothing is skipped.
 */
public final class SdkVersionStreamHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private final SdkTelemetryStore sdk;
    @SuppressWarnings("unused") private final Priming priming;

    public SdkVersionStreamHandler() {
        this(RecordsIngestHandler.governanceStore());
    }

    SdkVersionStreamHandler(SdkTelemetryStore sdk) {
        this.sdk = sdk;
        this.priming = Priming.register(() -> sdk.versions("priming", "priming"));
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
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
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }

    private void process(DynamodbEvent.DynamodbStreamRecord record) {
        if (!"INSERT".equals(record.getEventName()) || record.getDynamodb().getNewImage() == null) return;
        Map<String, AttributeValue> session = record.getDynamodb().getNewImage();
        if (!session.containsKey("record") || !session.containsKey("tenantId")) return;
        JsonNode sdkNode = Json.parse(session.get("record").getS()).path("sdk");
        if (!sdkNode.path("name").isTextual() || !sdkNode.path("version").isTextual()) return;
        sdk.sawSdk(session.get("tenantId").getS(), session.get("applicationId").getS(), sdkNode.get("name").textValue(),
                sdkNode.get("version").textValue(), Instant.parse(session.get("startedAt").getS()), "session");
    }
}
