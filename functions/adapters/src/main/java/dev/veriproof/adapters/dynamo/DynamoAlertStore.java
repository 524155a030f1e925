package dev.veriproof.adapters.dynamo;

import static dev.veriproof.adapters.dynamo.Attributes.n;
import static dev.veriproof.adapters.dynamo.Attributes.s;
import static dev.veriproof.adapters.dynamo.KeyItem.tenantPk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.alerts.Alert;
import dev.veriproof.core.alerts.AlertKind;
import dev.veriproof.core.alerts.AlertRule;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.alerts.AlertStatus;
import dev.veriproof.core.alerts.Condition;
import dev.veriproof.core.alerts.Notify;
import dev.veriproof.core.alerts.Severity;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Alert rules ({@code RULE#<id>}) and alerts ({@code ALERT#<id>}) of a tenant in the governance
 * table. "One alert per rule and application while open" is a pointer item
 * {@code OPEN#<ruleId>#<app>} created with {@code attribute_not_exists} together with the alert and
 * deleted together with its resolution. A per-session occurrence carries a marker (as the scoring
 * rollups do) in the same transaction, so a replayed session never counts twice.
 */
public final class DynamoAlertStore implements AlertStore {
    /**
     * Days a per-event marker lives (its TTL), here and in the scoring rollups: a stream keeps records
     * 24 hours, so no replay can arrive after that.
     */
    public static final int MARKER_DAYS = 3;
    private final DynamoDbClient dynamo;
    private final String table;
    private final DynamoAuditLog audit;

    public DynamoAlertStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, new DynamoAuditLog(dynamo, table, Clock.systemUTC()));
    }

    /** @param audit the tenants' audit log, written in the same transaction as an administrator's change */
    public DynamoAlertStore(DynamoDbClient dynamo, String table, DynamoAuditLog audit) {
        this.dynamo = dynamo;
        this.table = table;
        this.audit = audit;
    }

    // ------------------------------------------------------------------ rules

    /** Stores a new rule with its audit entry; false (nothing written) if the id exists. */
    @Override
    public boolean createRule(AlertRule rule, AuditEvent event) {
        return audited(rule.tenantId(), event, Put.builder().tableName(table).item(ruleItem(rule)).conditionExpression("attribute_not_exists(pk)").build());
    }

    /** Replaces a rule with its audit entry; false (nothing written) if there is none. */
    @Override
    public boolean replaceRule(AlertRule rule, AuditEvent event) {
        return audited(rule.tenantId(), event, Put.builder().tableName(table).item(ruleItem(rule)).conditionExpression("attribute_exists(pk)").build());
    }

    /** Deletes a rule with its audit entry; false (nothing written) if there is none. */
    @Override
    public boolean deleteRule(String tenantId, String ruleId, AuditEvent event) {
        return audit.appendWith(tenantId, event, List.of(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                .key(key(tenantId, "RULE#" + ruleId)).conditionExpression("attribute_exists(pk)").build()).build())).written();
    }

    private boolean audited(String tenantId, AuditEvent event, Put put) {
        return audit.appendWith(tenantId, event, List.of(TransactWriteItem.builder().put(put).build())).written();
    }

    @Override
    public Optional<AlertRule> findRule(String tenantId, String ruleId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(tenantId, "RULE#" + ruleId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(rule(item));
    }

    @Override
    public List<AlertRule> rules(String tenantId) {
        return query(tenantId, "RULE#").stream().map(DynamoAlertStore::rule).toList();
    }

    private Map<String, AttributeValue> ruleItem(AlertRule rule) {
        ObjectNode json = rule.toJson();
        json.put("createdAt", rule.createdAt().toString());
        json.put("updatedAt", rule.updatedAt().toString());
        return Map.of("pk", s(tenantPk(rule.tenantId())), "sk", s("RULE#" + rule.ruleId()),
                "tenantId", s(rule.tenantId()), "ruleId", s(rule.ruleId()), "rule", s(Json.writeString(json)));
    }

    private static AlertRule rule(Map<String, AttributeValue> item) {
        JsonNode json = Json.parse(item.get("rule").s());
        JsonNode threshold = json.get("threshold");
        JsonNode notify = json.path("notify");
        return new AlertRule(item.get("tenantId").s(), item.get("ruleId").s(), json.get("name").asText(), json.get("applicationId").asText(),
                AlertKind.valueOf(json.get("kind").asText()), json.path("window").asText(null),
                threshold == null ? null : threshold.isNumber() ? (Object) threshold.doubleValue() : threshold.asText(),
                json.has("condition") ? Condition.parse(json.get("condition"), "$.condition") : null,
                Severity.valueOf(json.get("severity").asText()),
                new Notify(notify.path("webhookUrl").asText(null), notify.path("webhookSecret").asText(null), notify.path("eventBridge").asBoolean(false)),
                Instant.parse(json.get("createdAt").asText()), Instant.parse(json.get("updatedAt").asText()));
    }

    // ------------------------------------------------------------------ alerts

    /**
     * Opens the rule's alert for the application, or counts one more occurrence of the open one.
     * With a {@code marker} (per-session rules) the occurrence counts only if the marker is new.
     */
    @Override
    public Occurrence occur(AlertRule rule, String applicationId, Object value, Object threshold, String marker, Instant now) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<String> openId = openAlertId(rule.tenantId(), rule.ruleId(), applicationId);
            List<TransactWriteItem> items = new ArrayList<>();
            if (marker != null) {
                items.add(TransactWriteItem.builder().put(Put.builder().tableName(table)
                        .item(Map.of("pk", s(marker), "sk", s("COUNTED"),
                                "expiresAt", n(Long.toString(now.plus(MARKER_DAYS, ChronoUnit.DAYS).getEpochSecond()))))
                        .conditionExpression("attribute_not_exists(pk)").build()).build());
            }
            Alert alert;
            boolean opened = openId.isEmpty();
            if (opened) {
                alert = new Alert(rule.tenantId(), AlertStore.newId("alt_"), rule.ruleId(), applicationId, rule.kind(), rule.severity(),
                        AlertStatus.OPEN, value, threshold, 1, now, now, null, null, null, null, null);
                items.add(TransactWriteItem.builder().put(Put.builder().tableName(table)
                        .item(Map.of("pk", s(tenantPk(rule.tenantId())), "sk", s(openSk(rule.ruleId(), applicationId)), "alertId", s(alert.alertId())))
                        .conditionExpression("attribute_not_exists(pk)").build()).build());
                items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(alertItem(alert)).build()).build());
            } else {
                alert = null;
                Map<String, AttributeValue> values = new HashMap<>();
                values.put(":one", n("1"));
                values.put(":now", s(now.toString()));
                values.put(":resolved", s(AlertStatus.RESOLVED.name()));
                String set = "SET updatedAt = :now";
                if (value != null) {
                    values.put(":value", attribute(value));
                    set += ", #value = :value";
                }
                items.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                        .key(key(rule.tenantId(), "ALERT#" + openId.get()))
                        .updateExpression(set + " ADD occurrences :one")
                        .conditionExpression("attribute_exists(pk) AND #status <> :resolved")
                        .expressionAttributeNames(value != null ? Map.of("#status", "status", "#value", "value") : Map.of("#status", "status"))
                        .expressionAttributeValues(values).build()).build());
            }
            try {
                dynamo.transactWriteItems(r -> r.transactItems(items));
                return new Occurrence(opened ? alert : findAlert(rule.tenantId(), openId.get()).orElseThrow(), opened, true);
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (marker != null && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                    Alert current = openAlertId(rule.tenantId(), rule.ruleId(), applicationId)
                            .flatMap(id -> findAlert(rule.tenantId(), id)).orElse(null);
                    return new Occurrence(current, false, false); // this session was counted before
                }
                // the alert was opened or resolved in between: read again
            }
        }
        throw new IllegalStateException("alert of rule " + rule.ruleId() + " kept changing; giving up for now");
    }

    @Override
    public Optional<Alert> openAlert(String tenantId, String ruleId, String applicationId) {
        return openAlertId(tenantId, ruleId, applicationId).flatMap(id -> findAlert(tenantId, id));
    }

    private Optional<String> openAlertId(String tenantId, String ruleId, String applicationId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, openSk(ruleId, applicationId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item.get("alertId").s());
    }

    /** OPEN → ACKNOWLEDGED with its audit entry; empty if the alert is missing, otherwise the alert as it is now. */
    @Override
    public Optional<Alert> acknowledge(String tenantId, String alertId, String actor, Instant now, AuditEvent event) {
        Update update = Update.builder().tableName(table).key(key(tenantId, "ALERT#" + alertId))
                .updateExpression("SET #status = :ack, acknowledgedAt = :now, acknowledgedBy = :actor, updatedAt = :now")
                .conditionExpression("#status = :open")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":ack", s(AlertStatus.ACKNOWLEDGED.name()), ":open", s(AlertStatus.OPEN.name()),
                        ":now", s(now.toString()), ":actor", s(actor)))
                .build();
        audit.appendWith(tenantId, event, List.of(TransactWriteItem.builder().update(update).build()));
        return findAlert(tenantId, alertId);
    }

    /**
     * OPEN or ACKNOWLEDGED → RESOLVED with the note, freeing the rule and application for a new alert; an administrator's
     * resolution is written with its audit entry ({@code event}), the system's own (a recovered metric) without one.
     */
    @Override
    public Optional<Alert> resolve(String tenantId, String alertId, String actor, String note, Instant now, Optional<AuditEvent> event) {
        Optional<Alert> current = findAlert(tenantId, alertId);
        if (current.isEmpty() || current.get().status() == AlertStatus.RESOLVED) return current;
        Alert alert = current.get();
        Update update = Update.builder().tableName(table).key(key(tenantId, "ALERT#" + alertId))
                .updateExpression("SET #status = :resolved, resolvedAt = :now, resolvedBy = :actor, resolution = :note, updatedAt = :now")
                .conditionExpression("#status <> :resolved")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":resolved", s(AlertStatus.RESOLVED.name()), ":now", s(now.toString()),
                        ":actor", s(actor), ":note", s(note)))
                .build();
        Delete pointer = Delete.builder().tableName(table).key(key(tenantId, openSk(alert.ruleId(), alert.applicationId())))
                .conditionExpression("alertId = :id").expressionAttributeValues(Map.of(":id", s(alertId))).build();
        List<TransactWriteItem> writes = List.of(TransactWriteItem.builder().update(update).build(), TransactWriteItem.builder().delete(pointer).build());
        if (event.isPresent()) {
            audit.appendWith(tenantId, event.get(), writes); // refused: resolved by someone else in between
        } else {
            try {
                dynamo.transactWriteItems(r -> r.transactItems(writes));
            } catch (TransactionCanceledException e) {
                // resolved by someone else in between: report it as it is
            }
        }
        return findAlert(tenantId, alertId);
    }

    @Override
    public Optional<Alert> findAlert(String tenantId, String alertId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(tenantId, "ALERT#" + alertId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(alert(item));
    }

    @Override
    public List<Alert> alerts(String tenantId) {
        return query(tenantId, "ALERT#").stream().map(DynamoAlertStore::alert).toList();
    }

    private Map<String, AttributeValue> alertItem(Alert a) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(tenantPk(a.tenantId())));
        item.put("sk", s("ALERT#" + a.alertId()));
        item.put("tenantId", s(a.tenantId()));
        item.put("alertId", s(a.alertId()));
        item.put("ruleId", s(a.ruleId()));
        item.put("applicationId", s(a.applicationId()));
        item.put("kind", s(a.kind().name()));
        item.put("severity", s(a.severity().name()));
        item.put("status", s(a.status().name()));
        if (a.value() != null) item.put("value", attribute(a.value()));
        if (a.threshold() != null) item.put("threshold", attribute(a.threshold()));
        item.put("occurrences", n(Long.toString(a.occurrences())));
        item.put("openedAt", s(a.openedAt().toString()));
        item.put("updatedAt", s(a.updatedAt().toString()));
        return item;
    }

    private static Alert alert(Map<String, AttributeValue> item) {
        return new Alert(item.get("tenantId").s(), item.get("alertId").s(), item.get("ruleId").s(), item.get("applicationId").s(),
                AlertKind.valueOf(item.get("kind").s()), Severity.valueOf(item.get("severity").s()), AlertStatus.valueOf(item.get("status").s()),
                value(item.get("value")), value(item.get("threshold")), Long.parseLong(item.get("occurrences").n()),
                Instant.parse(item.get("openedAt").s()), Instant.parse(item.get("updatedAt").s()),
                instant(item.get("acknowledgedAt")), text(item.get("acknowledgedBy")), instant(item.get("resolvedAt")),
                text(item.get("resolvedBy")), text(item.get("resolution")));
    }

    private static AttributeValue attribute(Object value) {
        return value instanceof Number number ? n(number.toString()) : s(value.toString());
    }

    private static Object value(AttributeValue v) {
        if (v == null) return null;
        return v.n() != null ? (Object) Double.parseDouble(v.n()) : v.s();
    }

    private static Instant instant(AttributeValue v) {
        return v == null ? null : Instant.parse(v.s());
    }

    private static String text(AttributeValue v) {
        return v == null ? null : v.s();
    }

    private List<Map<String, AttributeValue>> query(String tenantId, String prefix) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(r -> r.tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", s(tenantPk(tenantId)), ":prefix", s(prefix)))
                    .exclusiveStartKey(from));
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    private static Map<String, AttributeValue> key(String tenantId, String sk) {
        return Map.of("pk", s(tenantPk(tenantId)), "sk", s(sk));
    }

    private static String openSk(String ruleId, String applicationId) {
        return "OPEN#" + ruleId + "#" + applicationId;
    }
}
