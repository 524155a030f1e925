package dev.veriproof.adapters.dynamo;

import dev.veriproof.core.governance.Review;
import dev.veriproof.core.posture.Incident;
import dev.veriproof.core.posture.IncidentStore;
import dev.veriproof.core.posture.SessionIncident;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Session incidents in the governance table: {@code TENANT#<t> / INCIDENT#<day>#<sessionId>}, day = the UTC day of the
 * session's start, so that the incidents of a period are one {@code Query} with {@code sk BETWEEN} (no index, no scan).
 * Every write is an {@code UpdateItem} that sets the session's identity and adds to sets, so writers commute and
 * replays are harmless; the first review is kept with {@code if_not_exists}.
 */
public final class DynamoIncidentStore implements IncidentStore {
    private static final String PREFIX = "INCIDENT#";

    private final DynamoDbClient client;
    private final String table;

    public DynamoIncidentStore(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    @Override
    public void record(String tenantId, SessionIncident incident) {
        client.updateItem(upsert(tenantId, incident, "", "", new HashMap<>()).build());
    }

    @Override
    public void addAlert(String tenantId, SessionIncident incident, String alertId) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":alert", AttributeValue.fromSs(List.of(alertId)));
        client.updateItem(upsert(tenantId, incident, "", ", alertIds :alert", values).build());
    }

    /** The write that marks the incident reviewed (the first review is kept), for the review's own transaction. */
    public TransactWriteItem reviewed(String tenantId, SessionIncident incident, Review review) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":rid", AttributeValue.fromS(review.reviewId()));
        values.put(":rat", AttributeValue.fromS(review.reviewedAt().toString()));
        values.put(":rby", AttributeValue.fromS(review.reviewer()));
        values.put(":rnote", AttributeValue.fromS(review.note() == null ? "" : review.note()));
        var update = upsert(tenantId, incident, ", reviewId = if_not_exists(reviewId, :rid), reviewedAt = if_not_exists(reviewedAt, :rat), "
                + "reviewer = if_not_exists(reviewer, :rby), reviewNote = if_not_exists(reviewNote, :rnote)", "", values).build();
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(update.key()).updateExpression(update.updateExpression())
                .expressionAttributeNames(update.expressionAttributeNames()).expressionAttributeValues(update.expressionAttributeValues()).build()).build();
    }

    @Override
    public List<SessionIncident> list(String tenantId, LocalDate from, LocalDate to) {
        List<SessionIncident> incidents = new ArrayList<>();
        client.queryPaginator(q -> q.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(KeyItem.tenantPk(tenantId)),
                                ":from", AttributeValue.fromS(PREFIX + from + "#"), ":to", AttributeValue.fromS(PREFIX + to + "#\uffff"))))
                .items().forEach(i -> incidents.add(incident(i)));
        return incidents;
    }

    /** SET the identity (and {@code set}, further ", name = value"), ADD the types (and {@code add}, further ", name :value"). */
    private UpdateItemRequest.Builder upsert(String tenantId, SessionIncident incident, String set, String add,
                                             Map<String, AttributeValue> values) {
        values.put(":app", AttributeValue.fromS(incident.applicationId()));
        values.put(":sid", AttributeValue.fromS(incident.sessionId()));
        values.put(":at", AttributeValue.fromS(incident.startedAt().toString()));
        values.put(":types", AttributeValue.fromSs(incident.types().stream().map(Enum::name).sorted().toList()));
        String identity = "SET applicationId = :app, sessionId = :sid, startedAt = :at";
        if (incident.riskLevel() != null) {
            values.put(":risk", AttributeValue.fromS(incident.riskLevel()));
            identity += ", riskLevel = :risk";
        }
        return UpdateItemRequest.builder().tableName(table)
                .key(Map.of("pk", AttributeValue.fromS(KeyItem.tenantPk(tenantId)), "sk", AttributeValue.fromS(sk(incident))))
                .updateExpression(identity + set + " ADD #types :types" + add)
                .expressionAttributeNames(Map.of("#types", "types"))
                .expressionAttributeValues(values);
    }

    private static String sk(SessionIncident incident) {
        return PREFIX + incident.day() + "#" + incident.sessionId();
    }

    private static SessionIncident incident(Map<String, AttributeValue> i) {
        Set<Incident.Type> types = EnumSet.noneOf(Incident.Type.class);
        if (i.containsKey("types")) i.get("types").ss().forEach(t -> types.add(Incident.Type.valueOf(t)));
        Set<String> alerts = i.containsKey("alertIds") ? Set.copyOf(i.get("alertIds").ss()) : Set.of();
        SessionIncident.ReviewMark review = i.containsKey("reviewId") ? new SessionIncident.ReviewMark(i.get("reviewId").s(),
                Instant.parse(i.get("reviewedAt").s()), i.get("reviewer").s(),
                i.get("reviewNote").s().isEmpty() ? null : i.get("reviewNote").s()) : null;
        return new SessionIncident(i.get("sessionId").s(), i.get("applicationId").s(), Instant.parse(i.get("startedAt").s()), types,
                i.containsKey("riskLevel") ? i.get("riskLevel").s() : null, alerts, review);
    }
}
