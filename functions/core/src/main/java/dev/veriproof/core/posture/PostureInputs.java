package dev.veriproof.core.posture;

import dev.veriproof.core.aggregation.DailyRollup;
import dev.veriproof.core.governance.PlanItem;
import java.time.LocalDate;
import java.util.List;

/**
 * Everything the ISO/IEC 42001 posture of a period is computed from: per application its governance records and the
 * daily rollups of the period, the tenant's access and audit facts, the period's incidents (with their corrective
 * actions) and the remediation items. The live endpoints and the evidence package build these from the same stores,
 * so that both show the same verdicts.
 */
public record PostureInputs(LocalDate from, LocalDate to, List<App> applications, Tenant tenant,
                            List<Incident> incidents, List<PlanItem> remediations) {
    public PostureInputs {
        if (to.isBefore(from)) throw new IllegalArgumentException("to must not be before from");
        applications = List.copyOf(applications);
        incidents = List.copyOf(incidents);
        remediations = List.copyOf(remediations);
    }

    public long days() {
        return to.toEpochDay() - from.toEpochDay() + 1;
    }

    /**
     * @param activeAlertRules rules of the application itself or of every application ({@code *})
     * @param signedDeploymentRecords deployment context records that carry a signature
     * @param redactionConfigured a redaction policy that changes something
     * @param guardrailConfigVersions versions of its guardrail configuration
     * @param sdkHealthReports SDK health reports dated in the period
     * @param rollups its daily rollups of days in the period
     */
    public record App(String applicationId, boolean riskClassified, int activeAlertRules, Integer scoreTarget,
                      int signedDeploymentRecords, boolean redactionConfigured, int guardrailConfigVersions,
                      int sdkHealthReports, List<DailyRollup> rollups) {
        public App {
            rollups = List.copyOf(rollups);
        }
    }

    /**
     * @param successfulExports evidence exports that succeeded in the period (for a package: before it)
     * @param keyAssignmentsLogged audit entries that create or revoke API keys
     * @param auditorKeys active auditor keys
     * @param downloadsLogged audit entries of export downloads
     * @param auditChainIntact the audit log's hash chain verifies
     */
    public record Tenant(int successfulExports, int keyAssignmentsLogged, int auditorKeys, int downloadsLogged, boolean auditChainIntact) {}
}
