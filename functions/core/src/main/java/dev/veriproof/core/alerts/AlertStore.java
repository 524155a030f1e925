package dev.veriproof.core.alerts;

import dev.veriproof.core.audit.AuditEvent;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A tenant's alert rules and alerts. "One alert per rule and application while open" holds across
 * concurrent writers; a per-session occurrence carrying a marker counts once however often it is replayed.
 */
public interface AlertStore {

    /** What recording an occurrence did. */
    record Occurrence(Alert alert, boolean opened, boolean counted) {
    }

    /** A new random id with the prefix, e.g. {@code rule_…}, {@code alt_…}. */
    static String newId(String prefix) {
        byte[] bytes = new byte[12];
        Ids.RANDOM.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }

    /** Stores a new rule with its audit entry; false (nothing written) if the id exists. */
    boolean createRule(AlertRule rule, AuditEvent event);

    /** Replaces a rule with its audit entry; false (nothing written) if there is none. */
    boolean replaceRule(AlertRule rule, AuditEvent event);

    /** Deletes a rule with its audit entry; false (nothing written) if there is none. */
    boolean deleteRule(String tenantId, String ruleId, AuditEvent event);

    Optional<AlertRule> findRule(String tenantId, String ruleId);

    List<AlertRule> rules(String tenantId);

    /**
     * Opens the rule's alert for the application, or counts one more occurrence of the open one.
     * With a {@code marker} (per-session rules) the occurrence counts only if the marker is new.
     */
    Occurrence occur(AlertRule rule, String applicationId, Object value, Object threshold, String marker, Instant now);

    Optional<Alert> openAlert(String tenantId, String ruleId, String applicationId);

    /** OPEN → ACKNOWLEDGED with its audit entry; empty if the alert is missing, otherwise the alert as it is now. */
    Optional<Alert> acknowledge(String tenantId, String alertId, String actor, Instant now, AuditEvent event);

    /**
     * OPEN or ACKNOWLEDGED → RESOLVED with the note, freeing the rule and application for a new alert; an administrator's
     * resolution is written with its audit entry ({@code event}), the system's own (a recovered metric) without one.
     */
    Optional<Alert> resolve(String tenantId, String alertId, String actor, String note, Instant now, Optional<AuditEvent> event);

    Optional<Alert> findAlert(String tenantId, String alertId);

    List<Alert> alerts(String tenantId);

    /** Holds the generator outside the interface's public surface. */
    final class Ids {
        private static final SecureRandom RANDOM = new SecureRandom();

        private Ids() {
        }
    }
}
