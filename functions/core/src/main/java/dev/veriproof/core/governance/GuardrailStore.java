package dev.veriproof.core.governance;

import dev.veriproof.core.audit.AuditEvent;
import java.util.List;
import java.util.Optional;

/** Every version of every application's guardrail configuration; none is ever changed or removed. */
public interface GuardrailStore {
    Optional<GuardrailConfig> latest(String tenantId, String applicationId);

    Optional<GuardrailConfig> find(String tenantId, String applicationId, long version);

    /** Oldest first. */
    List<GuardrailConfig> history(String tenantId, String applicationId);

    /** Every application's configuration versions, in one read. */
    List<GuardrailConfig> historyOfTenant(String tenantId);

    /**
     * Stores {@code config} as the next version, with its audit entry, in one transaction; false if
     * the version was taken meanwhile (nothing written).
     */
    boolean putVersion(GuardrailConfig config, AuditEvent audit);
}
