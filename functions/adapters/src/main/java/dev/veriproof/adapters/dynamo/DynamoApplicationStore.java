package dev.veriproof.adapters.dynamo;

import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.session.RiskLevel;
import java.time.Instant;
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
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Applications in the governance table; each change writes the new version and a history entry together. */
public final class DynamoApplicationStore implements ApplicationStore {
    private static final TableSchema<ApplicationItem> SCHEMA = TableSchema.fromBean(ApplicationItem.class);

    private final DynamoDbEnhancedClient client;
    private final DynamoDbTable<ApplicationItem> table;

    public DynamoApplicationStore(DynamoDbEnhancedClient client, String governanceTable) {
        this.client = client;
        this.table = client.table(governanceTable, SCHEMA);
    }

    @Override
    public boolean create(Application application, String actor) {
        return write(application, actor, Expression.builder().expression("attribute_not_exists(pk)").build());
    }

    @Override
    public boolean update(Application updated, String actor) {
        return write(updated, actor, Expression.builder()
                .expression("#v = :previous")
                .expressionNames(Map.of("#v", "version"))
                .expressionValues(Map.of(":previous", AttributeValue.fromN(Long.toString(updated.version() - 1))))
                .build());
    }

    private boolean write(Application application, String actor, Expression condition) {
        ApplicationItem current = toItem(application, ApplicationItem.currentSk(application.applicationId()), actor);
        ApplicationItem history = toItem(application, ApplicationItem.historySk(application.applicationId(), application.version()), actor);
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
