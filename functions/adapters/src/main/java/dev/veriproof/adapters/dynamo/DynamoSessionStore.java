package dev.veriproof.adapters.dynamo;

import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.ingest.SessionStore;
import dev.veriproof.core.ingest.SessionView;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.InclusionProof;
import dev.veriproof.core.ingest.StoredSession;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.PutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** Sessions in DynamoDB, one item each, written only if their (tenant, sessionId) is new. */
public final class DynamoSessionStore implements SessionStore {
    static final TableSchema<SessionItem> SCHEMA = TableSchema.fromBean(SessionItem.class);
    private static final Expression IS_NEW = Expression.builder().expression("attribute_not_exists(pk)").build();

    private final DynamoDbEnhancedClient client;
    private final DynamoDbTable<SessionItem> table;

    public DynamoSessionStore(DynamoDbEnhancedClient client, String tableName) {
        this.client = client;
        this.table = client.table(tableName, SCHEMA);
    }

    @Override
    public Optional<StoredSession> putIfAbsent(StoredSession session) {
        try {
            table.putItem(PutItemEnhancedRequest.builder(SessionItem.class)
                    .item(toItem(session))
                    .conditionExpression(IS_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            if (e.hasItem() && !e.item().isEmpty()) return Optional.of(fromItem(SCHEMA.mapToItem(e.item())));
            return Optional.of(find(session.tenantId(), session.sessionId()).orElseThrow(() -> e));
        }
    }

    @Override
    public Map<Integer, StoredSession> putAllIfAbsent(List<StoredSession> sessions) {
        TransactWriteItemsEnhancedRequest.Builder request = TransactWriteItemsEnhancedRequest.builder();
        for (StoredSession session : sessions) {
            request.addPutItem(table, TransactPutItemEnhancedRequest.builder(SessionItem.class)
                    .item(toItem(session))
                    .conditionExpression(IS_NEW)
                    .build());
        }
        try {
            client.transactWriteItems(request.build());
            return Map.of();
        } catch (TransactionCanceledException e) {
            Map<Integer, StoredSession> existing = new HashMap<>();
            List<CancellationReason> reasons = e.cancellationReasons();
            for (int i = 0; i < reasons.size(); i++) {
                if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                    StoredSession wanted = sessions.get(i);
                    int index = i;
                    find(wanted.tenantId(), wanted.sessionId()).ifPresent(found -> existing.put(index, found));
                }
            }
            if (existing.isEmpty()) throw e; // cancelled for another reason (conflict, throttling): let it surface
            return existing;
        }
    }

    @Override
    public Optional<StoredSession> find(String tenantId, String sessionId) {
        return read(tenantId, sessionId).map(DynamoSessionStore::fromItem);
    }

    @Override
    public Optional<SessionView> view(String tenantId, String sessionId) {
        return read(tenantId, sessionId).map(item -> new SessionView(fromItem(item),
                Optional.ofNullable(item.getAnchor()).map(json -> Anchor.fromJson(Json.parse(json))),
                Optional.ofNullable(item.getProof()).map(json -> InclusionProof.fromJson(Json.parse(json)))));
    }

    private Optional<SessionItem> read(String tenantId, String sessionId) {
        return Optional.ofNullable(table.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue(SessionItem.key(tenantId, sessionId)).build())
                .consistentRead(true)
                .build()));
    }

    static SessionItem toItem(StoredSession s) {
        SessionItem item = new SessionItem();
        String startedAt = s.startedAt().toString();
        String day = s.startedAt().atOffset(ZoneOffset.UTC).toLocalDate().toString();
        item.setPk(SessionItem.key(s.tenantId(), s.sessionId()));
        item.setTenantId(s.tenantId());
        item.setSessionId(s.sessionId());
        item.setApplicationId(s.applicationId());
        item.setStartedAt(startedAt);
        item.setDay(day);
        item.setTenantDay(s.tenantId() + "#" + day);
        item.setStartedAtKey(startedAt + "#" + s.sessionId());
        item.setRecord(s.canonicalRecord());
        item.setLeafHash(s.leafHash());
        item.setGovernanceScore(s.governanceScore());
        item.setBand(s.band());
        item.setFactors(s.factors());
        item.setReceivedAt(s.receivedAt().toString());
        item.setRequestId(s.requestId());
        item.setAnchorPending(SessionItem.PENDING);
        item.setPendingKey(s.receivedAt() + "#" + item.getPk());
        if (s.needsReview()) item.setReviewQueue(SessionItem.reviewQueue(s.tenantId(), s.applicationId()));
        return item;
    }

    static StoredSession fromItem(SessionItem item) {
        return new StoredSession(item.getTenantId(), item.getSessionId(), item.getApplicationId(),
                Instant.parse(item.getStartedAt()), item.getRecord(), item.getLeafHash(), item.getGovernanceScore(),
                item.getBand(), item.getFactors() == null ? Map.of() : item.getFactors(), Instant.parse(item.getReceivedAt()), item.getRequestId(),
                item.getReviewQueue() != null);
    }
}
