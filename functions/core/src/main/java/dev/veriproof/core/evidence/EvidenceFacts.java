package dev.veriproof.core.evidence;

import java.util.List;

/**
 * Everything the ISO/IEC 42001 scorecard measures for a period, besides the sessions themselves
 * (which arrive through a {@link SessionTally}).
 *
 * @param periodDays days in the period
 * @param earlierExports successful exports generated in the period before this one
 * @param openGapsWithOwnedRemediation open remediation items that have an owner
 * @param openRemediations open remediation items
 * @param incidents alerts opened in the period (other incidents are counted from the sessions)
 * @param incidentsWithCorrectiveAction alerts that carry a corrective-action note
 * @param keyAssignmentsLogged audit entries that create or revoke API keys (key.create, key.revoke)
 * @param auditorKeys active auditor keys
 * @param downloadsLogged audit entries of export downloads
 * @param auditChainIntact the audit log's hash chain verifies
 * @param anchoringActive at least one anchor batch was published in the period
 */
public record EvidenceFacts(long periodDays, List<AppFacts> applications, int guardrailConfigVersions,
                            int sdkHealthReports, int earlierExports, int openRemediations, int openGapsWithOwnedRemediation,
                            int incidents, int incidentsWithCorrectiveAction, int anchoringFailures, int keyAssignmentsLogged,
                            int auditorKeys, int downloadsLogged, boolean auditChainIntact, boolean anchoringActive) {
    public EvidenceFacts {
        applications = List.copyOf(applications);
    }

    /**
     * @param averageScore30d the average score over the 30 days ending with the period's last day, null without sessions
     */
    public record AppFacts(String applicationId, boolean riskClassified, int activeAlertRules, Integer scoreTarget,
                           Double averageScore30d, int signedDeploymentRecords, boolean redactionConfigured) {}
}
