package dev.veriproof.adapters.dynamo;

import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.governance.DeploymentRecord;
import dev.veriproof.core.governance.DeploymentStore;
import dev.veriproof.core.governance.GuardrailConfig;
import dev.veriproof.core.governance.GuardrailStore;
import dev.veriproof.core.governance.PlanItem;
import dev.veriproof.core.governance.PlanStore;
import dev.veriproof.core.governance.SdkHealthReport;
import dev.veriproof.core.governance.SdkHealthState;
import dev.veriproof.core.governance.SdkTelemetryStore;
import dev.veriproof.core.governance.SdkVersion;
import dev.veriproof.core.governance.SettingsStore;
import dev.veriproof.core.governance.TenantSettings;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The five governance-record stores behind one object, for the evidence module's wiring and tests only.
 *
 * @deprecated each record kind has its own store ({@link DynamoDeploymentStore}, {@link DynamoSdkTelemetryStore},
 *     {@link DynamoGuardrailStore}, {@link DynamoPlanStore}, {@link DynamoSettingsStore}); construct the ones you use.
 *     This delegation goes once functions/evidence does so. Add nothing here.
 */
@Deprecated
public final class DynamoGovernanceStore implements DeploymentStore, SdkTelemetryStore, GuardrailStore, PlanStore, SettingsStore {
    private final DynamoDeploymentStore deployments;
    private final DynamoSdkTelemetryStore sdk;
    private final DynamoGuardrailStore guardrails;
    private final DynamoPlanStore plans;
    private final DynamoSettingsStore settings;

    public DynamoGovernanceStore(DynamoDbClient client, String governanceTable, DynamoAuditLog audit) {
        this.deployments = new DynamoDeploymentStore(client, governanceTable);
        this.sdk = new DynamoSdkTelemetryStore(client, governanceTable);
        this.guardrails = new DynamoGuardrailStore(client, governanceTable, audit);
        this.plans = new DynamoPlanStore(client, governanceTable, audit);
        this.settings = new DynamoSettingsStore(client, governanceTable, audit);
    }

    @Override
    public Optional<DeploymentRecord> putIfAbsent(DeploymentRecord record) {
        return deployments.putIfAbsent(record);
    }

    @Override
    public List<DeploymentRecord> list(String tenantId, String applicationId) {
        return deployments.list(tenantId, applicationId);
    }

    @Override
    public List<DeploymentRecord> listOfTenant(String tenantId) {
        return deployments.listOfTenant(tenantId);
    }

    @Override
    public boolean putIfAbsent(SdkHealthReport report) {
        return sdk.putIfAbsent(report);
    }

    @Override
    public List<SdkHealthState> healthStates(String tenantId, String applicationId) {
        return sdk.healthStates(tenantId, applicationId);
    }

    @Override
    public List<SdkHealthReport> healthReports(String tenantId, String applicationId) {
        return sdk.healthReports(tenantId, applicationId);
    }

    @Override
    public List<SdkHealthReport> healthReportsOfTenant(String tenantId) {
        return sdk.healthReportsOfTenant(tenantId);
    }

    @Override
    public void sawSdk(String tenantId, String applicationId, String sdkName, String sdkVersion, Instant at, String source) {
        sdk.sawSdk(tenantId, applicationId, sdkName, sdkVersion, at, source);
    }

    @Override
    public List<SdkVersion> versions(String tenantId, String applicationId) {
        return sdk.versions(tenantId, applicationId);
    }

    @Override
    public Optional<GuardrailConfig> latest(String tenantId, String applicationId) {
        return guardrails.latest(tenantId, applicationId);
    }

    @Override
    public Optional<GuardrailConfig> find(String tenantId, String applicationId, long version) {
        return guardrails.find(tenantId, applicationId, version);
    }

    @Override
    public List<GuardrailConfig> history(String tenantId, String applicationId) {
        return guardrails.history(tenantId, applicationId);
    }

    @Override
    public List<GuardrailConfig> historyOfTenant(String tenantId) {
        return guardrails.historyOfTenant(tenantId);
    }

    @Override
    public boolean putVersion(GuardrailConfig config, AuditEvent event) {
        return guardrails.putVersion(config, event);
    }

    @Override
    public boolean create(PlanItem item, AuditEvent event) {
        return plans.create(item, event);
    }

    @Override
    public boolean update(PlanItem updated, AuditEvent event) {
        return plans.update(updated, event);
    }

    @Override
    public Optional<PlanItem> find(String tenantId, PlanItem.Kind kind, String id) {
        return plans.find(tenantId, kind, id);
    }

    @Override
    public List<PlanItem> list(String tenantId, PlanItem.Kind kind) {
        return plans.list(tenantId, kind);
    }

    @Override
    public TenantSettings get(String tenantId) {
        return settings.get(tenantId);
    }

    @Override
    public void put(TenantSettings tenantSettings, AuditEvent event) {
        settings.put(tenantSettings, event);
    }
}
