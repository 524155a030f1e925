package dev.veriproof.anchoring;

import com.amazonaws.services.lambda.runtime.Context;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoAnchorBacklog;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.adapters.telemetry.Telemetry;
import dev.veriproof.core.time.Timestamps;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The backlog repair (docs/operations-runbook.md, "Anchoring backlog batch given up"): invoked by an operator with
 * {@code {"from": "<RFC 3339>", "to": "<RFC 3339>"}}, the arrival window of a sessions-stream batch that the backlog
 * consumer gave up (its on-failure message); lists every session received in the window in pending chunks again, as the
 * consumer would have. Sessions of the window already pending or anchored change nothing: the run anchors each session
 * once, only while it has no anchored pointer. Answers how many sessions were listed.
 */
public final class AnchorBacklogSweepHandler extends PrimedHandler<Map<String, Object>, Map<String, Object>> {
    private final DynamoSessionStore sessions;
    private final DynamoAnchorBacklog backlog;

    public AnchorBacklogSweepHandler() {
        this(new DynamoSessionStore(AwsClients.dynamoDb(), Config.sessionsTable()),
                new DynamoAnchorBacklog(AwsClients.dynamoDb(), Config.sessionsTable(), Config.governanceTable()));
    }

    AnchorBacklogSweepHandler(DynamoSessionStore sessions, DynamoAnchorBacklog backlog) {
        this.sessions = sessions;
        this.backlog = backlog;
    }

    /** Every run writes chunks: none is handled before the snapshot. */
    @Override
    protected Map<String, Object> primingEvent() {
        return null;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Telemetry.begin(context);
        Instant from = instant(input, "from");
        Instant to = instant(input, "to");
        if (to.isBefore(from)) throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
        AtomicLong listed = new AtomicLong();
        sessions.forEachPageReceivedBetween(from, to, page -> {
            backlog.enqueueAll(page);
            listed.addAndGet(page.size());
        });
        Log.info("anchoring backlog swept", "from", from.toString(), "to", to.toString(), "sessions", Long.toString(listed.get()));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("from", from.toString());
        result.put("to", to.toString());
        result.put("sessions", listed.get());
        return result;
    }

    private static Instant instant(Map<String, Object> input, String name) {
        Object value = input == null ? null : input.get(name);
        if (!(value instanceof String text)) throw new IllegalArgumentException(name + " is required: " + Timestamps.TIMESTAMP_RULE);
        return Timestamps.parse(text).orElseThrow(() -> new IllegalArgumentException(name + " must be " + Timestamps.TIMESTAMP_RULE + ", not " + text));
    }
}
