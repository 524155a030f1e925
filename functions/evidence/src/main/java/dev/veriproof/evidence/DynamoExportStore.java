package dev.veriproof.evidence;

import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.evidence.ExportStore;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Export jobs in the governance table: partition {@code TENANT#<tenant>}, sort key {@code EXPORT#<id>}; each change of
 * status is one transaction with its entry in the tenant's audit log.
 */
final class DynamoExportStore implements ExportStore {
    private final DynamoDbClient dynamo;
    private final String table;
    private final DynamoAuditLog audit;

    DynamoExportStore(DynamoDbClient dynamo, String table, DynamoAuditLog audit) {
        this.dynamo = dynamo;
        this.table = table;
        this.audit = audit;
    }

    private static Map<String, AttributeValue> key(String tenantId, String exportId) {
        return Map.of("pk", s("TENANT#" + tenantId), "sk", s("EXPORT#" + exportId));
    }

    @Override
    public boolean create(ExportJob job, AuditEvent started) {
        ExportRequest r = job.request();
        Map<String, AttributeValue> item = new HashMap<>(key(job.tenantId(), job.exportId()));
        item.put("exportId", s(job.exportId()));
        item.put("tenantId", s(job.tenantId()));
        item.put("framework", s(r.framework().name()));
        item.put("from", s(r.from().toString()));
        item.put("to", s(r.to().toString()));
        item.put("applications", AttributeValue.fromL(r.applications().stream().map(DynamoExportStore::s).toList()));
        item.put("trigger", s(job.trigger().name()));
        item.put("status", s(job.status().name()));
        item.put("createdAt", s(job.createdAt().toString()));
        item.put("createdBy", s(job.createdBy()));
        item.put("attempt", n(job.attempt()));
        item.put("attemptStartedAt", s(job.attemptStartedAt().toString()));
        return audit.appendWith(job.tenantId(), started, List.of(TransactWriteItem.builder()
                .put(Put.builder().tableName(table).item(item).conditionExpression("attribute_not_exists(pk)").build()).build())).written();
    }

    @Override
    public Optional<ExportJob> find(String tenantId, String exportId) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table).key(key(tenantId, exportId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(job(item));
    }

    @Override
    public List<ExportJob> list(String tenantId) {
        List<ExportJob> jobs = new ArrayList<>();
        dynamo.queryPaginator(q -> q.tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :sk)")
                        .expressionAttributeValues(Map.of(":pk", s("TENANT#" + tenantId), ":sk", s("EXPORT#"))).consistentRead(true))
                .items().forEach(i -> jobs.add(job(i)));
        jobs.sort(Comparator.comparing(ExportJob::createdAt).reversed().thenComparing(ExportJob::exportId));
        return jobs;
    }

    @Override
    public boolean succeed(String tenantId, String exportId, String objectKey, long sessions, Instant at, AuditEvent succeeded) {
        return finish(tenantId, exportId, "SUCCEEDED", Map.of(":key", s(objectKey), ":n", AttributeValue.fromN(Long.toString(sessions))),
                ", objectKey = :key, sessionCount = :n", at, succeeded);
    }

    @Override
    public boolean fail(String tenantId, String exportId, String reason, Instant at, AuditEvent failed) {
        return finish(tenantId, exportId, "FAILED", Map.of(":reason", s(reason)), ", failureReason = :reason", at, failed);
    }

    @Override
    public boolean failAttempt(String tenantId, String exportId, int attempt, String reason, Instant at, AuditEvent failed) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":reason", s(reason), ":attempt", n(attempt)));
        // jobs stored before retries existed carry no attempt: they are on their first
        String condition = attempt == 1 ? " AND (attribute_not_exists(attempt) OR attempt = :attempt)" : " AND attempt = :attempt";
        return finish(tenantId, exportId, "FAILED", values, ", failureReason = :reason", at, failed, condition);
    }

    @Override
    public boolean retry(String tenantId, String exportId, int attempt, Instant at, AuditEvent retried) {
        Update update = Update.builder().tableName(table).key(key(tenantId, exportId))
                .conditionExpression("#status = :failed AND (attribute_not_exists(attempt) OR attempt = :previous)")
                .updateExpression("SET #status = :running, attempt = :attempt, attemptStartedAt = :at REMOVE finishedAt, failureReason")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":failed", s("FAILED"), ":running", s("RUNNING"), ":attempt", n(attempt),
                        ":previous", n(attempt - 1), ":at", s(at.toString())))
                .build();
        return audit.appendWith(tenantId, retried, List.of(TransactWriteItem.builder().update(update).build())).written();
    }

    private boolean finish(String tenantId, String exportId, String status, Map<String, AttributeValue> values, String set, Instant at,
                           AuditEvent event) {
        return finish(tenantId, exportId, status, values, set, at, event, "");
    }

    private boolean finish(String tenantId, String exportId, String status, Map<String, AttributeValue> values, String set, Instant at,
                           AuditEvent event, String extraCondition) {
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":status", s(status));
        all.put(":running", s("RUNNING"));
        all.put(":at", s(at.toString()));
        Update update = Update.builder().tableName(table).key(key(tenantId, exportId))
                .conditionExpression("#status = :running" + extraCondition)
                .updateExpression("SET #status = :status, finishedAt = :at" + set)
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(all).build();
        return audit.appendWith(tenantId, event, List.of(TransactWriteItem.builder().update(update).build())).written();
    }

    @Override
    public boolean readyNotified(String tenantId, String exportId) {
        return dynamo.getItem(g -> g.tableName(table).key(key(tenantId, exportId)).consistentRead(true).projectionExpression("readyNotifiedAt"))
                .item().containsKey("readyNotifiedAt");
    }

    @Override
    public void markReadyNotified(String tenantId, String exportId, Instant at) {
        dynamo.updateItem(u -> u.tableName(table).key(key(tenantId, exportId)).conditionExpression("attribute_exists(pk)")
                .updateExpression("SET readyNotifiedAt = if_not_exists(readyNotifiedAt, :at)")
                .expressionAttributeValues(Map.of(":at", s(at.toString()))));
    }

    private static ExportJob job(Map<String, AttributeValue> i) {
        ExportRequest request = new ExportRequest(i.get("tenantId").s(), ExportRequest.Framework.valueOf(i.get("framework").s()),
                LocalDate.parse(i.get("from").s()), LocalDate.parse(i.get("to").s()),
                i.get("applications").l().stream().map(AttributeValue::s).toList());
        return new ExportJob(i.get("exportId").s(), request, ExportJob.Trigger.valueOf(i.get("trigger").s()),
                ExportJob.Status.valueOf(i.get("status").s()), Instant.parse(i.get("createdAt").s()), i.get("createdBy").s(),
                text(i, "finishedAt").map(Instant::parse), text(i, "objectKey"), text(i, "failureReason"),
                Optional.ofNullable(i.get("sessionCount")).map(v -> Long.parseLong(v.n())),
                Optional.ofNullable(i.get("attempt")).map(v -> Integer.parseInt(v.n())).orElse(1),
                text(i, "attemptStartedAt").map(Instant::parse).orElse(Instant.parse(i.get("createdAt").s())));
    }

    private static Optional<String> text(Map<String, AttributeValue> i, String name) {
        return Optional.ofNullable(i.get(name)).map(AttributeValue::s);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
