package dev.veriproof.adapters.telemetry;

import com.amazonaws.services.lambda.runtime.Context;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What every invocation reports besides its answer: CloudWatch metrics in Embedded Metric Format ({@link EmfDocument},
 * one line of JSON on standard output, which Lambda ships to CloudWatch Logs) and the correlation fields of every log
 * line (request id, X-Ray trace id, cold start). Metric names are listed in docs/operations-runbook.md; the template's
 * alarms and dashboard read them from namespace {@code POWERTOOLS_METRICS_NAMESPACE} under the dimension
 * {@code Service} ({@code POWERTOOLS_SERVICE_NAME}: the names Powertools, which emitted them before, gave these
 * settings); a metric with a breakdown (an error code, an outcome) is published under that dimension too, and once
 * more under the breakdown's alone.
 */
public final class Telemetry {
    private static final AtomicBoolean COLD = new AtomicBoolean(true);
    private static final String NAMESPACE = Config.optional("POWERTOOLS_METRICS_NAMESPACE").orElse("VeriProof");
    private static final String SERVICE = Config.optional("POWERTOOLS_SERVICE_NAME").orElse("veriproof");

    private static final Log.Invocation PRIMING_INVOCATION =
            new Log.Invocation(PrimedHandler.PRIMING, Optional.of("1-00000000-000000000000000000000000"), false, PrimedHandler.PRIMING);

    private Telemetry() {}

    /**
     * SnapStart priming: emits as many documents as priming runs rounds, like the first request's (metrics, a
     * breakdown, metadata), and one count, under priming's request id, so they are built and dropped; the first real
     * document then finds {@link #emit} and the writer loaded, linked and compiled even in a function whose priming
     * request emits none.
     */
    public static void warmUp() {
        Optional<Log.Invocation> serving = Log.current();
        Log.bind(PRIMING_INVOCATION);
        try {
            for (int round = 0; round < PrimedHandler.DEFAULT_ROUNDS; round++) {
                int value = round;
                emit(document -> document.breakdown("errorCode", "priming")
                        .metric("SessionsStored", value, MetricUnit.COUNT).metric("SessionsDuplicate", 0.5, MetricUnit.COUNT));
            }
            count("StreamRecordsRetried", 1);
        } finally {
            Log.bind(serving.orElse(null));
        }
    }

    /**
     * The first call of every handler invocation: sets the log context and, on the execution
     * environment's first invocation, emits {@code ColdStart} (dimensions Service and FunctionName).
     */
    public static void begin(Context context) {
        String requestId = context == null ? "" : context.getAwsRequestId();
        String function = context == null ? "local" : context.getFunctionName();
        boolean priming = PrimedHandler.PRIMING.equals(requestId);
        // SnapStart priming's made-up request is neither a cold start nor traffic: its document, the cold start's
        // included (the first request after a restore reports one), is built and dropped
        boolean cold = priming || COLD.getAndSet(false);
        Log.bind(new Log.Invocation(requestId, priming ? Optional.empty() : traceId(), cold && !priming, function));
        if (cold) {
            EmfDocument document = correlated(new EmfDocument("Service", SERVICE, "FunctionName", function), Log.current().orElse(null));
            publish(document.metric("ColdStart", 1, MetricUnit.COUNT), priming);
        }
    }

    /**
     * Emits one EMF document with the metrics the consumer adds (dimension: Service, and any breakdown the consumer
     * adds); while priming, the same document is built and dropped.
     */
    public static void emit(Consumer<EmfDocument> metrics) {
        Log.Invocation invocation = Log.current().orElse(null);
        EmfDocument document = correlated(new EmfDocument("Service", SERVICE), invocation);
        metrics.accept(document);
        publish(document, invocation != null && PrimedHandler.PRIMING.equals(invocation.requestId()));
    }

    private static EmfDocument correlated(EmfDocument document, Log.Invocation invocation) {
        if (invocation == null) return document;
        if (!invocation.requestId().isEmpty()) document.metadata("function_request_id", invocation.requestId());
        if (invocation.traceId().isPresent()) document.metadata("xray_trace_id", invocation.traceId().get());
        return document;
    }

    /**
     * Serializes the document and writes it to standard output as one line of UTF-8, line break included, in one call:
     * the stream holds its lock for the call, so the documents of handlers running at once never interleave, and the
     * line costs one write instead of println's character encoder and separate line break. A priming document is
     * serialized and dropped: priming's requests would otherwise count as traffic, rejected sessions or failed runs.
     */
    private static void publish(EmfDocument document, boolean priming) {
        if (!document.hasMetrics()) return;
        byte[] line = document.toJsonLine(NAMESPACE, System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8);
        if (!priming) System.out.write(line, 0, line.length);
    }

    /** One count, the most common case. */
    public static void count(String name, double value) {
        emit(m -> m.metric(name, value, MetricUnit.COUNT));
    }

    /** After a SnapStart restore the next invocation is the environment's first real one. */
    public static void restored() {
        COLD.set(true);
    }

    /** The root of the X-Ray trace header the Java runtime sets per invocation (or the environment's at init). */
    static Optional<String> traceId() {
        String header = System.getProperty("com.amazonaws.xray.traceHeader");
        if (header == null || header.isBlank()) header = System.getenv("_X_AMZN_TRACE_ID");
        if (header == null || header.isBlank()) return Optional.empty();
        for (String part : header.split(";")) {
            if (part.startsWith("Root=")) return Optional.of(part.substring(5));
        }
        return Optional.empty();
    }
}
