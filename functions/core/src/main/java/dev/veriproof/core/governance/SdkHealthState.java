package dev.veriproof.core.governance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The latest health report of one SDK name and version of an application (SPEC §4): what the
 * monitoring views and the SDK alert kinds read. {@code p95LatencyMs}, {@code queueDepth} and
 * {@code droppedSessions} are null when that report left them out.
 */
public record SdkHealthState(String applicationId, String sdkName, String sdkVersion, Instant lastReportAt,
                             String circuitBreaker, double exportSuccessRate, Double p95LatencyMs, Long queueDepth,
                             Long droppedSessions) {
    /** An SDK that has not reported for this long is silent (SPEC's 15 minutes). */
    public static final Duration SILENT_AFTER = Duration.ofMinutes(15);
    /** Versions whose last report is older than this are history, not part of an application's current SDK health. */
    public static final Duration CURRENT_WITHIN = Duration.ofDays(30);

    /**
     * An application's SDK health in one word: {@code NO_REPORTS} (no version reported in
     * {@link #CURRENT_WITHIN}), {@code SILENT} (every such version silent), {@code DEGRADED} (a version
     * still reporting has its circuit breaker OPEN or HALF_OPEN), else {@code HEALTHY}.
     */
    public enum Overall { NO_REPORTS, SILENT, DEGRADED, HEALTHY }

    public static List<SdkHealthState> current(List<SdkHealthState> states, Instant now) {
        return states.stream().filter(s -> s.lastReportAt().isAfter(now.minus(CURRENT_WITHIN))).toList();
    }

    public static Overall overall(List<SdkHealthState> states, Instant now) {
        List<SdkHealthState> current = current(states, now);
        if (current.isEmpty()) return Overall.NO_REPORTS;
        List<SdkHealthState> reporting = current.stream().filter(s -> !s.silent(now)).toList();
        if (reporting.isEmpty()) return Overall.SILENT;
        return reporting.stream().anyMatch(s -> !"CLOSED".equals(s.circuitBreaker())) ? Overall.DEGRADED : Overall.HEALTHY;
    }

    /** The state a validated report describes. */
    public static SdkHealthState of(SdkHealthReport report) {
        JsonNode json = Json.parse(report.canonicalReport());
        JsonNode p95 = json.path("latencyMs").path("p95");
        return new SdkHealthState(report.applicationId(), report.sdkName(), report.sdkVersion(), report.reportedAt(),
                json.path("circuitBreaker").asText(), json.path("exportSuccessRate").asDouble(),
                p95.isNumber() ? p95.doubleValue() : null,
                json.path("queueDepth").isNumber() ? json.path("queueDepth").longValue() : null,
                json.path("droppedSessions").isNumber() ? json.path("droppedSessions").longValue() : null);
    }

    public boolean silent(Instant now) {
        return silentFor(now, SILENT_AFTER);
    }

    /** No report for at least {@code quiet}. */
    public boolean silentFor(Instant now, Duration quiet) {
        return !lastReportAt.plus(quiet).isAfter(now);
    }
}
