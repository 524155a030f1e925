package dev.veriproof.adapters.dynamo;

import static dev.veriproof.adapters.dynamo.Attributes.s;
import static dev.veriproof.adapters.dynamo.GovernanceTable.keyed;

import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.governance.SettingsStore;
import dev.veriproof.core.governance.TenantSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The governance table's tenant settings: {@code SETTINGS}, each change with its audit entry. */
public final class DynamoSettingsStore implements SettingsStore {
    private final GovernanceTable table;
    private final DynamoAuditLog audit;

    public DynamoSettingsStore(DynamoDbClient client, String governanceTable, DynamoAuditLog audit) {
        this.table = new GovernanceTable(client, governanceTable);
        this.audit = audit;
    }

    @Override
    public TenantSettings get(String tenantId) {
        return table.get(tenantId, "SETTINGS").map(i -> new TenantSettings(tenantId, i.get("quarterlyExport").bool(),
                Instant.parse(i.get("updatedAt").s()), i.get("updatedBy").s())).orElse(TenantSettings.defaults(tenantId));
    }

    @Override
    public void put(TenantSettings settings, AuditEvent event) {
        Map<String, AttributeValue> item = keyed(settings.tenantId(), "SETTINGS");
        item.put("quarterlyExport", AttributeValue.fromBool(settings.quarterlyExport()));
        item.put("updatedAt", s(settings.updatedAt().toString()));
        item.put("updatedBy", s(settings.updatedBy()));
        audit.appendWith(settings.tenantId(), event, List.of(table.put(item, null)));
    }
}
