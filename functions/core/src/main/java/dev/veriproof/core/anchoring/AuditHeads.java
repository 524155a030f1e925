package dev.veriproof.core.anchoring;

import dev.veriproof.core.audit.AuditChain;
import java.util.Collection;
import java.util.Map;

/** The tenants' audit-log heads (seq and hash of the last entry), which each tenant header commits. */
@FunctionalInterface
public interface AuditHeads {

    /** The head of each tenant that has audit entries; tenants without any are absent. */
    Map<String, AuditChain.Head> heads(Collection<String> tenants);
}
