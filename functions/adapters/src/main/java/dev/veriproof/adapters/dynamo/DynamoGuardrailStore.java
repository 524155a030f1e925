package dev.veriproof.adapters.dynamo;

import static dev.veriproof.adapters.dynamo.Attributes.n;
import static dev.veriproof.adapters.dynamo.Attributes.s;
import static dev.veriproof.adapters.dynamo.GovernanceTable.keyed;

import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.governance.GuardrailConfig;
import dev.veriproof.core.governance.GuardrailStore;
import dev.veriproof.core.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The governance table's guardrail configuration versions (SPEC §8): {@code GRCFG#<app>#<version, 10 digits>}, so that
 * sort-key order is version order; each version written once, with its audit entry.
 */
public final class DynamoGuardrailStore implements GuardrailStore {
    private final GovernanceTable table;
    private final DynamoAuditLog audit;

    public DynamoGuardrailStore(DynamoDbClient client, String governanceTable, DynamoAuditLog audit) {
        this.table = new GovernanceTable(client, governanceTable);
        this.audit = audit;
    }

    @Override
    public Optional<GuardrailConfig> latest(String tenantId, String applicationId) {
        return table.last(tenantId, prefix(applicationId)).map(i -> config(tenantId, i));
    }

    @Override
    public Optional<GuardrailConfig> find(String tenantId, String applicationId, long version) {
        return table.get(tenantId, sk(applicationId, version)).map(i -> config(tenantId, i));
    }

    @Override
    public List<GuardrailConfig> history(String tenantId, String applicationId) {
        return table.query(tenantId, prefix(applicationId)).stream().map(i -> config(tenantId, i)).toList();
    }

    @Override
    public List<GuardrailConfig> historyOfTenant(String tenantId) {
        return table.query(tenantId, "GRCFG#").stream().map(i -> config(tenantId, i)).toList();
    }

    @Override
    public boolean putVersion(GuardrailConfig c, AuditEvent event) {
        Map<String, AttributeValue> item = keyed(c.tenantId(), sk(c.applicationId(), c.version()));
        item.put("applicationId", s(c.applicationId()));
        item.put("version", n(c.version()));
        item.put("guardrails", s(Json.writeString(c.guardrails())));
        if (c.note() != null) item.put("note", s(c.note()));
        item.put("sha256", s(c.sha256()));
        item.put("createdAt", s(c.createdAt().toString()));
        item.put("createdBy", s(c.createdBy()));
        return audit.appendWith(c.tenantId(), event, List.of(table.put(item, GovernanceTable.IS_NEW))).written();
    }

    private static String prefix(String applicationId) {
        return "GRCFG#" + applicationId + "#";
    }

    private static String sk(String applicationId, long version) {
        return String.format("%s%010d", prefix(applicationId), version);
    }

    private static GuardrailConfig config(String tenantId, Map<String, AttributeValue> i) {
        return new GuardrailConfig(tenantId, i.get("applicationId").s(), Long.parseLong(i.get("version").n()),
                Json.parse(i.get("guardrails").s()), GovernanceTable.text(i, "note"), i.get("sha256").s(),
                Instant.parse(i.get("createdAt").s()), i.get("createdBy").s());
    }
}
