package dev.veriproof.adapters.dynamo;

import dev.veriproof.core.risk.ObservedRisk;
import dev.veriproof.core.session.RiskLevel;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads the observed risk level from the classification item ({@code TENANT#<t> / RISK#<app>}) that
 * the scoring function's {@code RiskStore} maintains; read-only here.
 */
public final class DynamoObservedRisk implements ObservedRisk {
    private final DynamoDbClient dynamo;
    private final String governanceTable;

    public DynamoObservedRisk(DynamoDbClient dynamo, String governanceTable) {
        this.dynamo = dynamo;
        this.governanceTable = governanceTable;
    }

    @Override
    public Optional<RiskLevel> observed(String tenantId, String applicationId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(governanceTable)
                .key(Map.of("pk", AttributeValue.fromS(KeyItem.tenantPk(tenantId)), "sk", AttributeValue.fromS("RISK#" + applicationId)))
                .projectionExpression("observed")).item();
        return Optional.ofNullable(item).map(i -> i.get("observed")).map(AttributeValue::s).map(RiskLevel::valueOf);
    }
}
