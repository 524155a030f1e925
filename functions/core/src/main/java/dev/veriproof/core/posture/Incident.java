package dev.veriproof.core.posture;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * An incident of ISO/IEC 42001 10.2 and its corrective action (null when none was recorded).
 *
 * @param applicationId null for an anchoring failure, which concerns every tenant
 */
public record Incident(String incidentId, Type type, Instant at, String applicationId, String sessionId, String alertId,
                       Map<String, Object> details, CorrectiveAction correctiveAction) {

    public enum Type {
        ALERT, HIGH_RISK_WITHOUT_OVERSIGHT, GUARDRAIL_BYPASS, ANCHORING_FAILURE;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The incident id of this type for the given subject (alert id, session id, failure time). */
        public String id(String subject) {
            return json() + ":" + subject;
        }
    }

    /**
     * @param type review, alert_resolution, remediation or anchoring_retry
     * @param reference the review, alert or remediation id (null for a retry)
     */
    public record CorrectiveAction(String type, Instant at, String by, String note, String reference) {}

    public boolean corrected() {
        return correctiveAction != null;
    }
}
