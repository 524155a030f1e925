package dev.veriproof.adapters.dynamo;

import static dev.veriproof.adapters.dynamo.Attributes.n;
import static dev.veriproof.adapters.dynamo.Attributes.s;
import static dev.veriproof.adapters.dynamo.GovernanceTable.keyed;

import dev.veriproof.core.governance.DeploymentRecord;
import dev.veriproof.core.governance.DeploymentStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The governance table's deployment context records (SPEC §4): {@code DEPLOY#<app>#<sha256>}, written once. */
public final class DynamoDeploymentStore implements DeploymentStore {
    private final GovernanceTable table;

    public DynamoDeploymentStore(DynamoDbClient client, String governanceTable) {
        this.table = new GovernanceTable(client, governanceTable);
    }

    @Override
    public Optional<DeploymentRecord> putIfAbsent(DeploymentRecord d) {
        Map<String, AttributeValue> item = keyed(d.tenantId(), "DEPLOY#" + d.applicationId() + "#" + d.sha256());
        item.put("applicationId", s(d.applicationId()));
        item.put("version", s(d.version()));
        item.put("deployedAt", s(d.deployedAt().toString()));
        item.put("deployedAtMs", n(d.deployedAt().toEpochMilli()));
        item.put("record", s(d.canonicalRecord()));
        item.put("sha256", s(d.sha256()));
        item.put("signature", s(d.signature()));
        item.put("signerAddress", s(d.signerAddress()));
        item.put("recordedAt", s(d.recordedAt().toString()));
        item.put("recordedBy", s(d.recordedBy()));
        return table.putIfNew(item).map(existing -> deployment(d.tenantId(), existing));
    }

    @Override
    public List<DeploymentRecord> list(String tenantId, String applicationId) {
        return deployments(tenantId, "DEPLOY#" + applicationId + "#");
    }

    @Override
    public List<DeploymentRecord> listOfTenant(String tenantId) {
        return deployments(tenantId, "DEPLOY#");
    }

    private List<DeploymentRecord> deployments(String tenantId, String skPrefix) {
        return table.queryByApplicationAndTime(tenantId, skPrefix, "deployedAtMs").stream()
                .map(i -> deployment(tenantId, i)).toList();
    }

    private static DeploymentRecord deployment(String tenantId, Map<String, AttributeValue> i) {
        return new DeploymentRecord(tenantId, i.get("applicationId").s(), i.get("version").s(), Instant.parse(i.get("deployedAt").s()),
                i.get("record").s(), i.get("sha256").s(), i.get("signature").s(), i.get("signerAddress").s(),
                Instant.parse(i.get("recordedAt").s()), i.get("recordedBy").s());
    }
}
