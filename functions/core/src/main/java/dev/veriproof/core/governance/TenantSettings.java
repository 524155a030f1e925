package dev.veriproof.core.governance;

import java.time.Instant;

/**
 * A tenant's settings. {@code quarterlyExport}: whether the quarterly evidence export runs for the
 * tenant (SPEC §9; on unless an admin turned it off).
 */
public record TenantSettings(String tenantId, boolean quarterlyExport, Instant updatedAt, String updatedBy) {
    public static TenantSettings defaults(String tenantId) {
        return new TenantSettings(tenantId, true, null, null);
    }
}
