package dev.veriproof.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
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
 * SnapStart priming of the Compliance Center (issue 16 target 6): the posture of a made-up application of the priming
 * tenant is read and rendered (its per-application reads run and find nothing), nothing is written, no metric published.
 */
@ExtendWith(LocalAwsExtension.class)
class CompliancePrimingTest {
    @Test
    void primingReadsWhatAnApplicationsPostureNeedsAndWritesNothing(LocalAws aws) {
        RequestLog calls = new RequestLog();
        DynamoDbClient client = aws.client(calls);
        String governance = aws.tableName("GovernanceTable");
        ComplianceHandler handler = new ComplianceHandler(new PostureReader(Evidence.postureStores(client, governance, Clock.systemUTC())),
                new DynamoApplicationStore(DynamoDbEnhancedClient.builder().dynamoDbClient(client).build(), governance), Clock.systemUTC());
        EmfOutput printed = EmfOutput.capture(() -> assertEquals(200, handler.prime().getStatusCode(), "the priming tenant's scorecard: no applications"));
        assertTrue(calls.count("QueryRequest") >= 2 * 3,
                "each round reads the made-up application's records as well as the tenant's list: " + calls);
        assertTrue(calls.only(Set.of("QueryRequest", "GetItemRequest", "BatchGetItemRequest")), "reads only: " + calls);
        assertEquals(List.of(), printed.metrics(), "no metric published");
    }
}
