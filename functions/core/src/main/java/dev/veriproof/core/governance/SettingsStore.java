package dev.veriproof.core.governance;

import dev.veriproof.core.audit.AuditEvent;

/** Tenant settings. */
public interface SettingsStore {
    /** The tenant's settings, or the defaults if none were ever set. */
    TenantSettings get(String tenantId);

    /** Replaces the settings and writes the audit entry, in one transaction. */
    void put(TenantSettings settings, AuditEvent audit);
}
