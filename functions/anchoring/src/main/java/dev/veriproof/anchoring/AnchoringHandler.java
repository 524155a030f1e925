package dev.veriproof.anchoring;

import com.amazonaws.services.lambda.runtime.Context;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoAnchorBacklog;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoAnchorLedger;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.adapters.telemetry.MetricUnit;
import dev.veriproof.adapters.telemetry.Telemetry;
import dev.veriproof.chain.Web3jSigner;
import dev.veriproof.core.anchoring.AnchoringRun;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scheduled anchoring function (EventBridge schedule; reserved concurrency 1 in the template,
 * and a lease in the table besides). Configuration: {@code CHAIN_RPC_URL}, {@code CHAIN_ID},
 * {@code ANCHOR_CONTRACT}, {@code ANCHOR_CONFIRMATIONS} (default 1), {@code ANCHOR_MAX_BATCH}
 * (default 100000: at one run a minute, a ceiling of ≈1,600 sessions/s), {@code ANCHOR_RECEIPT_WAIT_SECONDS} (default 300), {@code ANCHOR_RETRY_BASE_SECONDS}
 * (default 300), and the signing key ({@code SIGNER_SECRET_ARN} or, locally, {@code SIGNER_PRIVATE_KEY}).
 */
public final class AnchoringHandler extends PrimedHandler<Map<String, Object>, Map<String, Object>> {
    private final AnchoringRun run;
    private final Clock clock;

    public AnchoringHandler() {
        this(new DynamoAnchorBacklog(AwsClients.dynamoDb(), Config.sessionsTable(), Config.governanceTable()), Clock.systemUTC());
    }

    private AnchoringHandler(DynamoAnchorBacklog sessions, Clock clock) {
        this(new AnchoringRun(sessions,
                new DynamoAnchorLedger(AwsClients.dynamoDb(), Config.governanceTable()),
                new DynamoAuditLog(AwsClients.dynamoDb(), Config.governanceTable(), clock),
                new Web3jAnchorChain(Config.required("CHAIN_RPC_URL"), Long.parseLong(Config.required("CHAIN_ID")),
                        Config.required("ANCHOR_CONTRACT"), Web3jSigner.fromConfig().credentials()),
                clock, settings()), clock);
    }

    AnchoringHandler(AnchoringRun run, Clock clock) {
        this.run = run;
        this.clock = clock;
    }

    /** Every run takes the lease and may send a transaction: none is handled before the snapshot (no nonce, no lease in it). */
    @Override
    protected Map<String, Object> primingEvent() {
        return null;
    }

    /**
     * A run's path without its writes ({@link AnchoringRun#warmUp}: the ledger's and the backlog's DynamoDB reads, a
     * batch prepared, the chain's code offline), and the run's report of a made-up run, built and dropped as priming's
     * metrics are ({@code Telemetry}'s priming twin: nothing is published).
     */
    @Override
    protected void warmUp() {
        run.warmUp();
        Log.Invocation outside = Log.current().orElse(null);
        Log.bind(new Log.Invocation(PRIMING, Optional.empty(), false, PRIMING));
        try {
            report(new AnchoringRun.Result(AnchoringRun.Outcome.ANCHORED, 1, List.of(PRIMING), Optional.empty(), Optional.of(clock.instant())));
        } finally {
            Log.bind(outside);
        }
    }

    static AnchoringRun.Settings settings() {
        return new AnchoringRun.Settings(
                integer("ANCHOR_MAX_BATCH", 100_000),
                integer("ANCHOR_CONFIRMATIONS", 1),
                Duration.ofSeconds(integer("ANCHOR_RECEIPT_WAIT_SECONDS", 300)),
                Duration.ofMinutes(20),
                Duration.ofSeconds(integer("ANCHOR_RETRY_BASE_SECONDS", 300)),
                Duration.ofHours(1));
    }

    private static int integer(String name, int fallback) {
        return Config.optional(name).map(Integer::parseInt).orElse(fallback);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> scheduledEvent, Context context) {
        Telemetry.begin(context);
        AnchoringRun.Result result = run.run();
        report(result);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("outcome", result.outcome().name());
        summary.put("sessions", result.sessions());
        summary.put("batchIds", result.batchIds());
        result.failure().ifPresent(f -> summary.put("failure", f));
        if (result.outcome() == AnchoringRun.Outcome.FAILED) {
            Log.warn("anchoring run failed", "failure", result.failure().orElse(""), "sessions", result.sessions());
        } else {
            Log.info("anchoring run", "outcome", result.outcome(), "sessions", result.sessions(), "batches", result.batchIds());
        }
        return summary;
    }

    /**
     * {@code AnchoringRuns} with the outcome as dimension; {@code ChainFailures} (0 or 1: a run fails
     * only on the chain's side, unreachable, unconfirmed or reverted; the alarm watches it),
     * {@code SessionsAnchored}, {@code AnchorBatchSize} per batch and {@code OldestPendingSessionAge}
     * (seconds; 0 with nothing pending).
     */
    private void report(AnchoringRun.Result result) {
        boolean failed = result.outcome() == AnchoringRun.Outcome.FAILED;
        long age = result.oldestPending().map(since -> Math.max(0, Duration.between(since, clock.instant()).toSeconds())).orElse(0L);
        Telemetry.emit(m -> {
            m.metric("ChainFailures", failed ? 1 : 0, MetricUnit.COUNT);
            m.metric("SessionsAnchored", result.sessions(), MetricUnit.COUNT);
            m.metric("OldestPendingSessionAge", age, MetricUnit.SECONDS);
            if (!result.batchIds().isEmpty()) m.metric("AnchorBatchSize", (double) result.sessions() / result.batchIds().size(), MetricUnit.COUNT);
        });
        Telemetry.emit(m -> {
            m.breakdown("outcome", result.outcome().name());
            m.metric("AnchoringRuns", 1, MetricUnit.COUNT);
        });
    }
}
