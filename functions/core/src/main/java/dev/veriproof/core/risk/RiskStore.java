package dev.veriproof.core.risk;

import dev.veriproof.core.session.RiskLevel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An application's current risk classification and every change of it, each change recorded once
 * however many evaluations race to record it.
 */
public interface RiskStore {

    record Classification(RiskLevel declared, RiskLevel observed, RiskLevel effective, String reason, Instant changedAt, long version) {
    }

    record Change(Instant at, RiskLevel oldEffective, RiskLevel newEffective, RiskLevel oldObserved, RiskLevel newObserved,
                  RiskLevel declared, String reason) {
    }

    Optional<Classification> find(String tenantId, String applicationId);

    /**
     * Records {@code next} if it differs from the stored classification; false if nothing changed
     * or someone else recorded a change first (the caller re-reads and decides again).
     */
    boolean record(String tenantId, String applicationId, Optional<Classification> current, Classification next);

    /** Every recorded change, oldest first. */
    List<Change> history(String tenantId, String applicationId);
}
