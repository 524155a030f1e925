package dev.veriproof.evidence;

import dev.veriproof.adapters.telemetry.MetricUnit;
import dev.veriproof.adapters.telemetry.Telemetry;
import dev.veriproof.core.evidence.ExportJob;
import java.time.Duration;

/** {@code ExportsSucceeded}, {@code ExportsFailed} (the alarm's), {@code ExportDuration} (seconds, the successful run) and {@code ExportSessions}. */
final class ExportMetrics {
    private ExportMetrics() {}

    static void succeeded(ExportJob job) {
        double seconds = job.finishedAt().map(end -> Duration.between(job.attemptStartedAt(), end).toMillis() / 1000.0).orElse(0.0);
        Telemetry.emit(m -> {
            m.metric("ExportsSucceeded", 1, MetricUnit.COUNT);
            m.metric("ExportDuration", seconds, MetricUnit.SECONDS);
            m.metric("ExportSessions", job.sessions().orElse(0L), MetricUnit.COUNT);
        });
    }

    static void failed() {
        Telemetry.count("ExportsFailed", 1);
    }
}
