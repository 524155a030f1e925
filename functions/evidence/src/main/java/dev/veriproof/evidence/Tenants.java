package dev.veriproof.evidence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every tenant ({@code TENANT#<t> / TENANT} items). The governance table has no index of tenants, so
 * this scans it with a filter: acceptable for a job that runs four times a year.
 */
final class Tenants {
    private final DynamoDbClient dynamo;
    private final String table;

    Tenants(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    List<String> all() {
        List<String> tenants = new ArrayList<>();
        dynamo.scanPaginator(s -> s.tableName(table).filterExpression("sk = :sk").projectionExpression("tenantId")
                        .expressionAttributeValues(Map.of(":sk", AttributeValue.fromS("TENANT"))))
                .items().forEach(i -> tenants.add(i.get("tenantId").s()));
        tenants.sort(null);
        return tenants;
    }
}
