package dev.veriproof.adapters.dynamo;

import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.governance.Review;
import dev.veriproof.core.governance.ReviewOutcome;
import dev.veriproof.core.governance.ReviewStore;
import dev.veriproof.core.posture.SessionIncident;
import java.time.Instant;
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

/**
 * Reviews in the governance table ({@code TENANT#<t> / REVIEW#<sessionId>#<reviewId>}) and the
 * review queue, which the sessions table keeps ({@link DynamoSessionStore#reviewQueue}): recording a
 * review takes the session off the queue in the same transaction as the review and its audit entry (and marks the
 * session's incident reviewed, when it is one: {@link DynamoIncidentStore}).
 */
public final class DynamoReviewStore implements ReviewStore {
    private final DynamoDbClient client;
    private final String governanceTable;
    private final DynamoSessionStore sessions;
    private final DynamoAuditLog audit;
    private final DynamoIncidentStore incidents;

    public DynamoReviewStore(DynamoDbClient client, String governanceTable, String sessionsTable, DynamoAuditLog audit) {
        this.client = client;
        this.governanceTable = governanceTable;
        this.sessions = new DynamoSessionStore(client, sessionsTable);
        this.audit = audit;
        this.incidents = new DynamoIncidentStore(client, governanceTable);
    }

    @Override
    public Optional<Review> addIfAbsent(Review review, Optional<SessionIncident> incident, AuditEvent event) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(KeyItem.tenantPk(review.tenantId())));
        item.put("sk", s(sk(review.sessionId(), review.reviewId())));
        item.put("reviewId", s(review.reviewId()));
        item.put("sessionId", s(review.sessionId()));
        item.put("applicationId", s(review.applicationId()));
        item.put("outcome", s(review.outcome().name()));
        if (review.note() != null) item.put("note", s(review.note()));
        item.put("reviewer", s(review.reviewer()));
        item.put("reviewedAt", s(review.reviewedAt().toString()));
        item.put("recordedBy", s(review.recordedBy()));
        TransactWriteItem putReview = TransactWriteItem.builder().put(Put.builder().tableName(governanceTable).item(item)
                .conditionExpression("attribute_not_exists(pk)").build()).build();
        TransactWriteItem dequeue = sessions.leaveReviewQueue(review.tenantId(), review.sessionId());
        List<TransactWriteItem> writes = new ArrayList<>(List.of(putReview, dequeue));
        incident.ifPresent(i -> writes.add(incidents.reviewed(review.tenantId(), i, review)));
        DynamoAuditLog.Appended appended = audit.appendWith(review.tenantId(), event, writes);
        if (appended.written()) return Optional.empty();
        if (appended.refusedWrite() == 0) {
            return forSession(review.tenantId(), review.sessionId()).stream()
                    .filter(r -> r.reviewId().equals(review.reviewId())).findFirst();
        }
        throw new IllegalStateException("session " + review.sessionId() + " disappeared while it was being reviewed");
    }

    @Override
    public List<Review> forSession(String tenantId, String sessionId) {
        List<Review> reviews = new ArrayList<>();
        client.queryPaginator(r -> r.tableName(governanceTable).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(Map.of(":pk", s(KeyItem.tenantPk(tenantId)), ":prefix", s("REVIEW#" + sessionId + "#"))))
                .items().forEach(i -> reviews.add(new Review(tenantId, i.get("reviewId").s(), i.get("sessionId").s(),
                        i.get("applicationId").s(), ReviewOutcome.valueOf(i.get("outcome").s()),
                        i.containsKey("note") ? i.get("note").s() : null, i.get("reviewer").s(),
                        Instant.parse(i.get("reviewedAt").s()), i.get("recordedBy").s())));
        reviews.sort(Comparator.comparing(Review::reviewedAt).thenComparing(Review::reviewId));
        return reviews;
    }

    @Override
    public QueuePage queue(String tenantId, String applicationId, Optional<String> after, int limit) {
        return sessions.reviewQueue(tenantId, applicationId, after, limit);
    }

    private static String sk(String sessionId, String reviewId) {
        return "REVIEW#" + sessionId + "#" + reviewId;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
