package dev.veriproof.adapters.telemetry;

import com.amazonaws.services.lambda.runtime.Context;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import software.amazon.cloudwatchlogs.emf.config.EnvironmentConfigurationProvider;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.EnvironmentProvider;
import software.amazon.cloudwatchlogs.emf.environment.Environments;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;
import software.amazon.lambda.powertools.metrics.internal.EmfMetricsLogger;
import software.amazon.lambda.powertools.metrics.internal.RequestScopedMetricsProxy;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * What every invocation reports besides its answer: CloudWatch metrics in Embedded Metric Format
 * (Powertools' functional API, no AspectJ) and the correlation fields of every log line (request
 * id, X-Ray trace id, cold start). Metric names are listed in docs/operations-runbook.md; the
 * template's alarms and dashboard read them from namespace {@code POWERTOOLS_METRICS_NAMESPACE}
 * under the dimension {@code Service}; a metric with a breakdown (an error code, an outcome) is
 * published under that dimension too, and once more under the breakdown's alone.
 */
public final class Telemetry {
    private static final AtomicBoolean COLD = new AtomicBoolean(true);
    private static final Metrics METRICS = build();

    private Telemetry() {}

    private static Metrics build() {
        // Outside Lambda (tests, the devstack) the EMF library would look for a CloudWatch agent on a
        // socket; standard output, as on Lambda, is what every environment here reads.
        if (Config.optional("AWS_EMF_ENVIRONMENT").isEmpty()) {
            EnvironmentConfigurationProvider.getConfig().setEnvironmentOverride(Environments.Lambda);
        }
        return MetricsBuilder.builder()
                .withNamespace(Config.optional("POWERTOOLS_METRICS_NAMESPACE").orElse("VeriProof"))
                .withService(Config.optional("POWERTOOLS_SERVICE_NAME").orElse("veriproof"))
                .build();
    }

    /**
     * What SnapStart priming's made-up requests report into: the same Powertools and EMF objects as {@link #METRICS}
     * (a request-scoped proxy over an EMF logger, with the same namespace and Service dimension), whose every document
     * is serialized as a real one and then dropped instead of printed. So priming runs each handler's own metric code
     * to the end, and publishes nothing: its requests would otherwise count as traffic, rejected sessions or failed runs.
     */
    private static final Metrics PRIMING_METRICS = primingMetrics();

    private static Metrics primingMetrics() {
        Environment discarding = new LambdaEnvironment() {
            private final ISink sink = new ISink() {
                @Override public void accept(MetricsContext context) {
                    try {
                        context.serialize();
                    } catch (Exception e) {
                        throw new IllegalStateException("EMF serialization failed while priming", e);
                    }
                }

                @Override public CompletableFuture<Void> shutdown() {
                    return CompletableFuture.completedFuture(null);
                }
            };

            @Override public ISink getSink() {
                return sink;
            }
        };
        EnvironmentProvider resolved = new EnvironmentProvider() {
            @Override public CompletableFuture<Environment> resolveEnvironment() {
                return CompletableFuture.completedFuture(discarding);
            }
        };
        Metrics metrics = new RequestScopedMetricsProxy(() -> new EmfMetricsLogger(resolved, new MetricsContext()));
        metrics.setNamespace(Config.optional("POWERTOOLS_METRICS_NAMESPACE").orElse("VeriProof"));
        metrics.setDefaultDimensions(DimensionSet.of("Service", service()));
        return metrics;
    }

    /** SnapStart priming: the EMF environment's discovery, which the first real document would otherwise run. */
    public static void warmUp() {
        try {
            new EnvironmentProvider().resolveEnvironment().get();
        } catch (Exception e) {
            throw new IllegalStateException("EMF warm-up failed", e);
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
        // SnapStart priming's made-up request is neither a cold start nor traffic: it reports into PRIMING_METRICS,
        // the cold start included, since the first request after a restore reports one
        boolean cold = priming || COLD.getAndSet(false);
        Log.bind(new Log.Invocation(requestId, priming ? Optional.empty() : traceId(), cold && !priming, function));
        if (cold) {
            (priming ? PRIMING_METRICS : METRICS).flushMetrics(m -> {
                m.setDefaultDimensions(DimensionSet.of("Service", service(), "FunctionName", function));
                correlate(m);
                m.addMetric("ColdStart", 1, MetricUnit.COUNT);
            });
        }
    }

    /**
     * Emits one EMF document with the metrics the consumer adds (dimension: Service, and any the consumer adds);
     * while priming, the same document is built and dropped ({@link #PRIMING_METRICS}).
     */
    public static void emit(Consumer<Metrics> metrics) {
        boolean priming = Log.current().map(invocation -> PrimedHandler.PRIMING.equals(invocation.requestId())).orElse(false);
        (priming ? PRIMING_METRICS : METRICS).flushMetrics(m -> {
            correlate(m);
            metrics.accept(m);
        });
    }

    private static void correlate(Metrics m) {
        Log.current().ifPresent(invocation -> {
            if (!invocation.requestId().isEmpty()) m.addMetadata("function_request_id", invocation.requestId());
            invocation.traceId().ifPresent(trace -> m.addMetadata("xray_trace_id", trace));
        });
    }

    /** One count, the most common case. */
    public static void count(String name, double value) {
        emit(m -> m.addMetric(name, value, MetricUnit.COUNT));
    }

    /** After a SnapStart restore the next invocation is the environment's first real one. */
    public static void restored() {
        COLD.set(true);
    }

    private static String service() {
        return Config.optional("POWERTOOLS_SERVICE_NAME").orElse("veriproof");
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
