package dev.veriproof.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoRiskStore;
import dev.veriproof.adapters.dynamo.DynamoRollupStore;
import dev.veriproof.adapters.dynamo.DynamoSdkTelemetryStore;
import dev.veriproof.local.EmfOutput;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.RequestLog;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * SnapStart priming of the metrics function (issue 16 target 6): the warm-up goes through the real metrics path,
 * DynamoDB reads included (before, it never touched DynamoDB beyond the application lookup), writes nothing to
 * DynamoDB, and publishes no metric.
 */
@ExtendWith(LocalAwsExtension.class)
class MetricsPrimingTest {
    @Test
    void primingReadsTheStoresTheMetricsAnswerNeedsAndWritesNothing(LocalAws aws) {
        RequestLog calls = new RequestLog();
        DynamoDbClient client = aws.client(calls);
        String governance = aws.tableName("GovernanceTable");
        MetricsHandler handler = new MetricsHandler(new DynamoApplicationStore(DynamoDbEnhancedClient.builder().dynamoDbClient(client).build(), governance),
                new DynamoRollupStore(client, governance), new DynamoRiskStore(client, governance), new DynamoSdkTelemetryStore(client, governance),
                Clock.systemUTC());
        EmfOutput printed = EmfOutput.capture(() -> assertEquals(404, handler.prime().getStatusCode(), "the priming request's application does not exist"));
        assertTrue(calls.count("QueryRequest") >= 3, "rollups, model rollups, SDK states are read: " + calls);
        assertTrue(calls.only(Set.of("QueryRequest", "GetItemRequest")), "reads only: " + calls);
        assertEquals(List.of(), printed.metrics(), "no metric published");
    }
}
