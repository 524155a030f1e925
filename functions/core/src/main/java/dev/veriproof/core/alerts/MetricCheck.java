package dev.veriproof.core.alerts;

import dev.veriproof.core.aggregation.ApplicationMetrics;
import dev.veriproof.core.governance.SdkHealthState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import dev.veriproof.core.session.RiskLevel;

/**
 * Evaluates a metric rule against an application's current figures. {@code value} is what the
 * alert reports (a number, or a risk level name); a metric that cannot be computed (no sessions)
 * is not breached.
 */
public record MetricCheck(boolean breached, Object value, Object threshold) {

    public static MetricCheck of(AlertRule rule, ApplicationMetrics metrics, RiskLevel effectiveRisk, int scoreTarget) {
        return switch (rule.kind()) {
            case ROLLING_SCORE_BELOW -> below(score(rule, metrics), (Double) rule.threshold());
            case SCORE_TARGET_MISSED -> below(score(rule, metrics), (double) scoreTarget);
            case GUARDRAIL_FAILURE_RATE_ABOVE -> {
                Double v = metrics.guardrailFailureRate();
                double t = (Double) rule.threshold();
                yield new MetricCheck(v != null && v > t, v, t);
            }
            case ANCHOR_COVERAGE_BELOW -> below(metrics.anchorCoverage(), (Double) rule.threshold());
            case HUMAN_OVERSIGHT_COVERAGE_BELOW -> below(metrics.humanOversightCoverage(), (Double) rule.threshold());
            case RISK_LEVEL_AT_LEAST -> {
                RiskLevel t = RiskLevel.valueOf((String) rule.threshold());
                yield new MetricCheck(effectiveRisk != null && effectiveRisk.compareTo(t) >= 0,
                        effectiveRisk == null ? null : effectiveRisk.name(), t.name());
            }
            case SESSION_CONDITION, SDK_CIRCUIT_BREAKER_OPEN, SDK_EXPORT_SUCCESS_BELOW, SDK_SILENT ->
                    throw new IllegalArgumentException("not a rollup metric rule: " + rule.kind());
        };
    }

    /**
     * Evaluates an SDK rule against the application's SDK states. Only versions that still report
     * (not silent, SPEC's 15 minutes) speak for the breaker and the export rate: a version that went
     * quiet or was replaced keeps its last report forever, and SDK_SILENT is the rule for quiet.
     * Values: versions with the breaker open; the lowest export success rate; whole minutes since
     * the application's latest report. An application that never reported breaches nothing.
     */
    public static MetricCheck ofSdk(AlertRule rule, List<SdkHealthState> states, Instant now) {
        List<SdkHealthState> reporting = states.stream().filter(s -> !s.silent(now)).toList();
        return switch (rule.kind()) {
            case SDK_CIRCUIT_BREAKER_OPEN -> {
                long open = reporting.stream().filter(s -> "OPEN".equals(s.circuitBreaker())).count();
                yield new MetricCheck(open > 0, (double) open, null);
            }
            case SDK_EXPORT_SUCCESS_BELOW -> below(reporting.stream().mapToDouble(SdkHealthState::exportSuccessRate).boxed()
                    .min(Double::compare).orElse(null), (Double) rule.threshold());
            case SDK_SILENT -> {
                Optional<Instant> latest = states.stream().map(SdkHealthState::lastReportAt).max(Instant::compareTo);
                double minutes = (Double) rule.threshold();
                Double quiet = latest.map(at -> (double) Duration.between(at, now).toMinutes()).orElse(null);
                yield new MetricCheck(latest.isPresent() && !latest.get().plus(Duration.ofMinutes((long) minutes)).isAfter(now), quiet, minutes);
            }
            default -> throw new IllegalArgumentException("not an SDK rule: " + rule.kind());
        };
    }

    private static Double score(AlertRule rule, ApplicationMetrics metrics) {
        return ("30d".equals(rule.window()) ? metrics.rolling30d() : metrics.rolling7d()).averageScore();
    }

    private static MetricCheck below(Double value, double threshold) {
        return new MetricCheck(value != null && value < threshold, value, threshold);
    }
}
