package dev.veriproof.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.adapters.dynamo.DynamoAlertStore;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoDeploymentStore;
import dev.veriproof.adapters.dynamo.DynamoReviewStore;
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
 * SnapStart priming of the overview (issue 16 target 6): the overview of a made-up application of the priming tenant
 * is built (rollups, risk, review queue, deployments, SDK states read, finding nothing), nothing written or published.
 */
@ExtendWith(LocalAwsExtension.class)
class OverviewPrimingTest {
    @Test
    void primingReadsWhatAnApplicationsCardNeedsAndWritesNothing(LocalAws aws) {
        RequestLog calls = new RequestLog();
        DynamoDbClient client = aws.client(calls);
        String governance = aws.tableName("GovernanceTable");
        OverviewHandler handler = new OverviewHandler(
                new DynamoApplicationStore(DynamoDbEnhancedClient.builder().dynamoDbClient(client).build(), governance),
                new DynamoRollupStore(client, governance), new DynamoRiskStore(client, governance), new DynamoAlertStore(client, governance),
                new DynamoDeploymentStore(client, governance), new DynamoSdkTelemetryStore(client, governance),
                new DynamoReviewStore(client, governance, aws.tableName("SessionsTable"), new DynamoAuditLog(client, governance, Clock.systemUTC())),
                Clock.systemUTC());
        EmfOutput printed = EmfOutput.capture(() -> assertEquals(200, handler.prime().getStatusCode(), "the priming tenant's overview: no applications"));
        assertTrue(calls.count("QueryRequest") >= 2 * 4,
                "each round reads the made-up application's rollups, review queue, deployments and SDK states: " + calls);
        assertTrue(calls.only(Set.of("QueryRequest", "GetItemRequest", "BatchGetItemRequest")), "reads only: " + calls);
        assertEquals(List.of(), printed.metrics(), "no metric published");
    }
}
