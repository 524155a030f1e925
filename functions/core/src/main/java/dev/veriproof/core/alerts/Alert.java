package dev.veriproof.core.alerts;

import java.time.Instant;

/**
 * An alert: opened once per rule and application, counting occurrences while not resolved.
 * {@code resolution} is the corrective-action record (ISO/IEC 42001 10.2); metric alerts that
 * resolve themselves say so there.
 */
public record Alert(String tenantId, String alertId, String ruleId, String applicationId, AlertKind kind, Severity severity,
                    AlertStatus status, Object value, Object threshold, long occurrences, Instant openedAt, Instant updatedAt,
                    Instant acknowledgedAt, String acknowledgedBy, Instant resolvedAt, String resolvedBy, String resolution) {
}
