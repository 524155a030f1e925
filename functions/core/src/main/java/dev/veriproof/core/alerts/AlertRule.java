package dev.veriproof.core.alerts;

import java.time.Instant;

/**
 * An alert rule of a tenant (SPEC §7/§11). {@code applicationId} is an application or {@code "*"}
 * for all of them. {@code threshold} is a number for the metric kinds, a risk level name for
 * {@code RISK_LEVEL_AT_LEAST}, null for {@code SCORE_TARGET_MISSED} and {@code SESSION_CONDITION};
 * {@code window} is {@code 7d} or {@code 30d} for the score kinds; {@code condition} only for
 * {@code SESSION_CONDITION}.
 */
public record AlertRule(String tenantId, String ruleId, String name, String applicationId, AlertKind kind,
                        String window, Object threshold, Condition condition, Severity severity, Notify notification,
                        Instant createdAt, Instant updatedAt) {

    public static final String ALL_APPLICATIONS = "*";

    public boolean appliesTo(String application) {
        return ALL_APPLICATIONS.equals(applicationId) || applicationId.equals(application);
    }
}
