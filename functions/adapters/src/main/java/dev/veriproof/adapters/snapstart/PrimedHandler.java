package dev.veriproof.adapters.snapstart;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.telemetry.Telemetry;
import java.util.List;

/**
 * Base of every handler: registers its SnapStart priming once. Before the snapshot, priming handles
 * {@link #primingEvent()} — a made-up event — through the handler's real path (routing,
 * authorization context, JSON, validation, the store's read path), so that the first request after a
 * restore finds that code loaded and compiled and the SDK client warmed up.
 */
public abstract class PrimedHandler<I, O> implements RequestHandler<I, O> {
    /** The tenant, application and ids priming names: none exists, so every store call is a read that finds nothing. */
    public static final String PRIMING = "priming";

    /** Held here because CRaC holds resources weakly: the registration lives as long as the handler. */
    private final Priming priming = Priming.register(this::prime);

    /**
     * The made-up event priming handles. It must change nothing: it names the tenant {@value #PRIMING},
     * which does not exist, so the handler's store calls are reads that find nothing. Null when the
     * function's every event does real work (a scheduled run): then only {@link #warmUp()} runs.
     */
    protected abstract I primingEvent();

    /** Warms code that the priming event does not reach (a sample run through the domain); nothing by default. */
    protected void warmUp() {
    }

    /**
     * How many times priming runs: {@code PRIMING_ROUNDS} (environment or system property), {@value #DEFAULT_ROUNDS}
     * by default. One round loads the classes; C1 compiles a method only after about 200 calls (with the template's
     * {@code -XX:TieredStopAtLevel=1}, and at tier 3 for the functions that also run C2), so the first requests after a
     * restore would still run much of the path in the interpreter. The rounds leave it compiled in the snapshot.
     */
    public static final int DEFAULT_ROUNDS = 200;

    /** Runs the priming now, as the checkpoint would, and answers what handling the priming event answered. */
    public final O prime() {
        int rounds = Config.optional("PRIMING_ROUNDS").map(Integer::parseInt).orElse(DEFAULT_ROUNDS);
        Telemetry.warmUp();
        O answer = null;
        for (int round = 0; round < Math.max(1, rounds); round++) {
            warmUp();
            I event = primingEvent();
            answer = event == null ? null : handleRequest(event, CONTEXT);
        }
        return answer;
    }

    /** For stream functions: a batch of one removed item, which a stream function reads and skips. */
    protected static DynamodbEvent primingStreamBatch() {
        DynamodbEvent.DynamodbStreamRecord removed = new DynamodbEvent.DynamodbStreamRecord();
        removed.setEventName("REMOVE");
        removed.setEventID(PRIMING);
        StreamRecord change = new StreamRecord();
        change.setSequenceNumber("0");
        removed.setDynamodb(change);
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(List.of(removed));
        return event;
    }

    private static final Context CONTEXT = new Context() {
        @Override public String getAwsRequestId() { return PRIMING; }
        @Override public String getLogGroupName() { return PRIMING; }
        @Override public String getLogStreamName() { return PRIMING; }
        @Override public String getFunctionName() { return PRIMING; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return PRIMING; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 60_000; }
        @Override public int getMemoryLimitInMB() { return 1024; }
        @Override public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override public void log(String message) { }
                @Override public void log(byte[] message) { }
            };
        }
    };
}
