package dev.veriproof.adapters.dynamo;

import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.session.RiskLevel;
import java.time.Instant;
import dev.veriproof.core.audit.AuditEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Applications in the governance table; each change writes the new version and a history entry together. */
public final class DynamoApplicationStore implements ApplicationStore {
    private static final TableSchema<ApplicationItem> SCHEMA = TableSchema.fromBean(ApplicationItem.class);

    private final DynamoDbEnhancedClient client;
    private final DynamoDbTable<ApplicationItem> table;

    private final DynamoAuditLog audit;

    /** A store whose changes are not audited: for readers, tests and tools. */
    public DynamoApplicationStore(DynamoDbEnhancedClient client, String governanceTable) {
        this(client, governanceTable, null);
    }

    /**
     * A store that writes every change together with its entry in the tenant's audit log, in one
     * transaction: the application, its history version and the audit entry exist together or not at all.
     */
    public DynamoApplicationStore(DynamoDbEnhancedClient client, String governanceTable, DynamoAuditLog audit) {
        this.client = client;
        this.table = client.table(governanceTable, SCHEMA);
        this.audit = audit;
    }

    @Override
    public boolean create(Application application, String actor) {
        return write(application, actor, "application.create", Expression.builder().expression("attribute_not_exists(pk)").build());
    }

    @Override
    public boolean update(Application updated, String actor) {
        return write(updated, actor, "application.update", Expression.builder()
                .expression("#v = :previous")
                .expressionNames(Map.of("#v", "version"))
                .expressionValues(Map.of(":previous", AttributeValue.fromN(Long.toString(updated.version() - 1))))
                .build());
    }

    private boolean write(Application application, String actor, String action, Expression condition) {
        ApplicationItem current = toItem(application, ApplicationItem.currentSk(application.applicationId()), actor);
        ApplicationItem history = toItem(application, ApplicationItem.historySk(application.applicationId(), application.version()), actor);
        if (audit != null) {
            AuditEvent event = new AuditEvent(actor, action, "application/" + application.applicationId(), auditDetails(application));
            return audit.appendWith(application.tenantId(), event, List.of(
                    TransactWriteItem.builder().put(put(current).conditionExpression(condition.expression())
                            .expressionAttributeNames(condition.expressionNames())
                            .expressionAttributeValues(condition.expressionValues()).build()).build(),
                    TransactWriteItem.builder().put(put(history).build()).build())).written();
        }
        try {
            client.transactWriteItems(TransactWriteItemsEnhancedRequest.builder()
                    .addPutItem(table, TransactPutItemEnhancedRequest.builder(ApplicationItem.class)
                            .item(current).conditionExpression(condition).build())
                    .addPutItem(table, history)
                    .build());
            return true;
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) return false;
            throw e;
        }
    }

    private Put.Builder put(ApplicationItem item) {
        return Put.builder().tableName(table.tableName()).item(SCHEMA.itemToMap(item, true));
    }

    /** What the audit log keeps of an application version. */
    private static Map<String, Object> auditDetails(Application app) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", app.version());
        details.put("declaredRiskLevel", app.declaredRiskLevel().name());
        details.put("scoreTarget", app.scoreTarget());
        details.put("owner", app.owner());
        details.put("redaction", Map.of("captureContent", app.redaction().captureContent(), "redactFields", app.redaction().redactFields()));
        return details;
    }

    /**
     * SnapStart priming: an application's way to an item and back through the enhanced client's whole read path (a
     * lookup and a listing that find it), with no I/O ({@link PrimingDynamoDb}) — the priming request's reads find no
     * application, so this is the part of a found one that would run cold. Answers the application read back.
     */
    public static Application warmUpMapping() {
        Instant epoch = Instant.EPOCH;
        Application sample = new Application("priming", "priming", "priming", RiskLevel.LOW, 75, "priming",
                new RedactionPolicy(false, List.of("attributes.priming")), 1, epoch, epoch);
        Map<String, AttributeValue> item = SCHEMA.itemToMap(toItem(sample, ApplicationItem.currentSk(sample.applicationId()), "priming"), false);
        DynamoApplicationStore offline = new DynamoApplicationStore(
                DynamoDbEnhancedClient.builder().dynamoDbClient(PrimingDynamoDb.answering(item)).build(), "priming");
        offline.list("priming");
        return offline.find("priming", "priming").orElseThrow();
    }

    @Override
    public Optional<Application> find(String tenantId, String applicationId) {
        ApplicationItem item = table.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue(KeyItem.tenantPk(tenantId)).sortValue(ApplicationItem.currentSk(applicationId)).build())
                .consistentRead(true).build());
        return Optional.ofNullable(item).map(DynamoApplicationStore::fromItem);
    }

    @Override
    public List<Application> list(String tenantId) {
        return query(tenantId, "APP#");
    }

    @Override
    public List<Application> history(String tenantId, String applicationId) {
        return query(tenantId, "APPHIST#" + applicationId + "#");
    }

    private List<Application> query(String tenantId, String skPrefix) {
        return table.query(r -> r.queryConditional(QueryConditional.sortBeginsWith(
                                Key.builder().partitionValue(KeyItem.tenantPk(tenantId)).sortValue(skPrefix).build()))
                        .consistentRead(true))
                .items().stream().map(DynamoApplicationStore::fromItem).toList();
    }

    private static ApplicationItem toItem(Application a, String sk, String actor) {
        ApplicationItem item = new ApplicationItem();
        item.setPk(KeyItem.tenantPk(a.tenantId()));
        item.setSk(sk);
        item.setTenantId(a.tenantId());
        item.setApplicationId(a.applicationId());
        item.setName(a.name());
        item.setDeclaredRiskLevel(a.declaredRiskLevel().name());
        item.setScoreTarget(a.scoreTarget());
        item.setOwner(a.owner());
        item.setCaptureContent(a.redaction().captureContent());
        item.setRedactFields(a.redaction().redactFields());
        item.setVersion(a.version());
        item.setCreatedAt(a.createdAt().toString());
        item.setUpdatedAt(a.updatedAt().toString());
        item.setActor(actor);
        return item;
    }

    private static Application fromItem(ApplicationItem item) {
        RedactionPolicy redaction = new RedactionPolicy(!Boolean.FALSE.equals(item.getCaptureContent()),
                item.getRedactFields() == null ? List.of() : item.getRedactFields());
        return new Application(item.getTenantId(), item.getApplicationId(), item.getName(),
                RiskLevel.valueOf(item.getDeclaredRiskLevel()), item.getScoreTarget(), item.getOwner(), redaction,
                item.getVersion(), Instant.parse(item.getCreatedAt()), Instant.parse(item.getUpdatedAt()));
    }
}
