package dev.veriproof.core.governance;

import java.util.List;
import java.util.Optional;

/** Where deployment context records live, one per (tenant, application, SHA-256). */
public interface DeploymentStore {
    /** Stores the record unless the same one is stored already; returns that one if so. */
    Optional<DeploymentRecord> putIfAbsent(DeploymentRecord record);

    /** The application's records, in {@code deployedAt} order. */
    List<DeploymentRecord> list(String tenantId, String applicationId);

    /** Every application's records, in one read (each application's in the order of {@link #list}). */
    List<DeploymentRecord> listOfTenant(String tenantId);
}
