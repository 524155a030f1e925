package dev.veriproof.core.alerts;

import dev.veriproof.core.aggregation.ApplicationMetrics;
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
            case SESSION_CONDITION -> throw new IllegalArgumentException("not a metric rule");
        };
    }

    private static Double score(AlertRule rule, ApplicationMetrics metrics) {
        return ("30d".equals(rule.window()) ? metrics.rolling30d() : metrics.rolling7d()).averageScore();
    }

    private static MetricCheck below(Double value, double threshold) {
        return new MetricCheck(value != null && value < threshold, value, threshold);
    }
}
