package dev.veriproof.adapters.dynamo;

import static dev.veriproof.adapters.dynamo.Attributes.n;
import static dev.veriproof.adapters.dynamo.Attributes.s;
import static dev.veriproof.adapters.dynamo.GovernanceTable.keyed;
import static dev.veriproof.adapters.dynamo.GovernanceTable.putIfPresent;
import static dev.veriproof.adapters.dynamo.GovernanceTable.text;

import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.governance.PlanItem;
import dev.veriproof.core.governance.PlanStore;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The governance table's remediation and roadmap items (SPEC §8): {@code PLAN#<REMEDIATION|ROADMAP>#<id>}, each write
 * with its audit entry; an update is written only over the version it was made from.
 */
public final class DynamoPlanStore implements PlanStore {
    private final GovernanceTable table;
    private final DynamoAuditLog audit;

    public DynamoPlanStore(DynamoDbClient client, String governanceTable, DynamoAuditLog audit) {
        this.table = new GovernanceTable(client, governanceTable);
        this.audit = audit;
    }

    @Override
    public boolean create(PlanItem item, AuditEvent event) {
        return audit.appendWith(item.tenantId(), event, List.of(table.put(item(item), GovernanceTable.IS_NEW))).written();
    }

    @Override
    public boolean update(PlanItem updated, AuditEvent event) {
        Put put = Put.builder().tableName(table.name()).item(item(updated)).conditionExpression("version = :previous")
                .expressionAttributeValues(Map.of(":previous", n(updated.version() - 1))).build();
        return audit.appendWith(updated.tenantId(), event, List.of(TransactWriteItem.builder().put(put).build())).written();
    }

    @Override
    public Optional<PlanItem> find(String tenantId, PlanItem.Kind kind, String id) {
        return table.get(tenantId, sk(kind, id)).map(i -> planItem(tenantId, i));
    }

    @Override
    public List<PlanItem> list(String tenantId, PlanItem.Kind kind) {
        return table.query(tenantId, "PLAN#" + kind.name() + "#").stream().map(i -> planItem(tenantId, i))
                .sorted(Comparator.comparing(PlanItem::createdAt).thenComparing(PlanItem::id)).toList();
    }

    private static String sk(PlanItem.Kind kind, String id) {
        return "PLAN#" + kind.name() + "#" + id;
    }

    private static Map<String, AttributeValue> item(PlanItem p) {
        Map<String, AttributeValue> item = keyed(p.tenantId(), sk(p.kind(), p.id()));
        item.put("kind", s(p.kind().name()));
        item.put("id", s(p.id()));
        item.put("title", s(p.title()));
        putIfPresent(item, "description", p.description());
        putIfPresent(item, "owner", p.owner());
        putIfPresent(item, "dueDate", p.dueDate() == null ? null : p.dueDate().toString());
        item.put("status", s(p.status()));
        putIfPresent(item, "applicationId", p.applicationId());
        putIfPresent(item, "controlId", p.controlId());
        putIfPresent(item, "incidentId", p.incidentId());
        putIfPresent(item, "note", p.note());
        item.put("version", n(p.version()));
        item.put("createdAt", s(p.createdAt().toString()));
        item.put("createdBy", s(p.createdBy()));
        item.put("updatedAt", s(p.updatedAt().toString()));
        item.put("updatedBy", s(p.updatedBy()));
        return item;
    }

    private static PlanItem planItem(String tenantId, Map<String, AttributeValue> i) {
        return new PlanItem(PlanItem.Kind.valueOf(i.get("kind").s()), tenantId, i.get("id").s(), i.get("title").s(),
                text(i, "description"), text(i, "owner"), i.containsKey("dueDate") ? LocalDate.parse(i.get("dueDate").s()) : null,
                i.get("status").s(), text(i, "applicationId"), text(i, "controlId"), text(i, "incidentId"), text(i, "note"), Long.parseLong(i.get("version").n()),
                Instant.parse(i.get("createdAt").s()), i.get("createdBy").s(), Instant.parse(i.get("updatedAt").s()), i.get("updatedBy").s());
    }
}
