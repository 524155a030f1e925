package dev.veriproof.core.governance;

import dev.veriproof.core.audit.AuditEvent;
import java.util.List;
import java.util.Optional;

/** Remediation and roadmap items; every write goes with its audit entry, in one transaction. */
public interface PlanStore {
    /** Stores a new item; false if its id exists (nothing written). */
    boolean create(PlanItem item, AuditEvent audit);

    /** Replaces the item if it is still at {@code updated.version() - 1}; false otherwise (nothing written). */
    boolean update(PlanItem updated, AuditEvent audit);

    Optional<PlanItem> find(String tenantId, PlanItem.Kind kind, String id);

    List<PlanItem> list(String tenantId, PlanItem.Kind kind);
}
