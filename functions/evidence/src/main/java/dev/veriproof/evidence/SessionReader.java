package dev.veriproof.evidence;

import java.time.LocalDate;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A tenant's sessions of one UTC day from the {@code tenant-day} index, in startedAt order, one
 * result page (≤ 1 MB) in memory at a time.
 */
final class SessionReader implements SessionSource {
    private final DynamoDbClient dynamo;
    private final String table;

    SessionReader(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void forEach(String tenantId, LocalDate day, Consumer<Map<String, AttributeValue>> action) {
        dynamo.queryPaginator(q -> q.tableName(table).indexName("tenant-day")
                        .keyConditionExpression("tenantDay = :td")
                        .expressionAttributeValues(Map.of(":td", AttributeValue.fromS(tenantId + "#" + day))))
                .items().forEach(action);
    }

    /** Whether the tenant has any session on one of the days. */
    boolean any(String tenantId, LocalDate from, LocalDate to) {
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            String key = tenantId + "#" + day;
            if (dynamo.query(q -> q.tableName(table).indexName("tenant-day").keyConditionExpression("tenantDay = :td")
                    .expressionAttributeValues(Map.of(":td", AttributeValue.fromS(key))).limit(1)).count() > 0) return true;
        }
        return false;
    }
}
