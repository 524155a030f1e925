package dev.veriproof.core.risk;

import dev.veriproof.core.session.RiskLevel;
import java.util.Optional;

/** The risk level measured for an application from its sessions (SPEC §5), as the scoring function last classified it. */
public interface ObservedRisk {
    /** Empty while nothing has been measured. */
    Optional<RiskLevel> observed(String tenantId, String applicationId);
}
