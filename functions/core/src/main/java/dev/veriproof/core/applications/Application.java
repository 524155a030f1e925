package dev.veriproof.core.applications;

import dev.veriproof.core.session.RiskLevel;
import java.time.Instant;

/**
 * A registered AI application of a tenant: its declared risk level and governance score target
 * (the objective of ISO/IEC 42001 clause 6.2), its owner and its redaction policy.
 *
 * @param version increases with every change; updates are conditional on it
 */
public record Application(String tenantId, String applicationId, String name, RiskLevel declaredRiskLevel,
                          int scoreTarget, String owner, RedactionPolicy redaction, long version,
                          Instant createdAt, Instant updatedAt) {
}
