package dev.veriproof.core.alerts;

/**
 * The rule kinds of SPEC §7: application metrics (from the rollups), the SDK's health (from its
 * latest reports, evaluated on a clock because silence sends no event), and a condition over each
 * new session.
 */
public enum AlertKind {
    ROLLING_SCORE_BELOW,
    GUARDRAIL_FAILURE_RATE_ABOVE,
    ANCHOR_COVERAGE_BELOW,
    HUMAN_OVERSIGHT_COVERAGE_BELOW,
    RISK_LEVEL_AT_LEAST,
    SCORE_TARGET_MISSED,
    /** A version still reporting (not silent) has its circuit breaker OPEN. No threshold. */
    SDK_CIRCUIT_BREAKER_OPEN,
    /** A version still reporting has an export success rate below the threshold (a fraction). */
    SDK_EXPORT_SUCCESS_BELOW,
    /** No SDK version of the application has reported for the threshold's minutes. */
    SDK_SILENT,
    SESSION_CONDITION;

    /** Evaluated from the application's rollups as sessions arrive. */
    public boolean isMetric() {
        return this != SESSION_CONDITION && !isSdk();
    }

    /** Evaluated from the latest SDK health reports by the SDK health watch. */
    public boolean isSdk() {
        return this == SDK_CIRCUIT_BREAKER_OPEN || this == SDK_EXPORT_SUCCESS_BELOW || this == SDK_SILENT;
    }
}
