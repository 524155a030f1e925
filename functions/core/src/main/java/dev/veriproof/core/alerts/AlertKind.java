package dev.veriproof.core.alerts;

/** The rule kinds of SPEC §7: application metrics, and a condition over each new session. */
public enum AlertKind {
    ROLLING_SCORE_BELOW,
    GUARDRAIL_FAILURE_RATE_ABOVE,
    ANCHOR_COVERAGE_BELOW,
    HUMAN_OVERSIGHT_COVERAGE_BELOW,
    RISK_LEVEL_AT_LEAST,
    SCORE_TARGET_MISSED,
    SESSION_CONDITION;

    public boolean isMetric() {
        return this != SESSION_CONDITION;
    }
}
