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
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
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
        List<String> calls = new CopyOnWriteArrayList<>();
        DynamoDbClient client = aws.client(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.add(context.request().getClass().getSimpleName());
            }
        });
        String governance = aws.tableName("GovernanceTable");
        OverviewHandler handler = new OverviewHandler(
                new DynamoApplicationStore(DynamoDbEnhancedClient.builder().dynamoDbClient(client).build(), governance),
                new DynamoRollupStore(client, governance), new DynamoRiskStore(client, governance), new DynamoAlertStore(client, governance),
                new DynamoDeploymentStore(client, governance), new DynamoSdkTelemetryStore(client, governance),
                new DynamoReviewStore(client, governance, aws.tableName("SessionsTable"), new DynamoAuditLog(client, governance, Clock.systemUTC())),
                Clock.systemUTC());
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertEquals(200, handler.prime().getStatusCode(), "the priming tenant's overview: no applications");
        } finally {
            System.setOut(stdout);
        }
        assertTrue(calls.stream().filter(c -> c.equals("QueryRequest")).count() >= 2 * 4,
                "each round reads the made-up application's rollups, review queue, deployments and SDK states: " + calls);
        assertTrue(Set.of("QueryRequest", "GetItemRequest", "BatchGetItemRequest").containsAll(Set.copyOf(calls)), "reads only: " + calls);
        assertTrue(!printed.toString(StandardCharsets.UTF_8).contains("CloudWatchMetrics"), "no metric published: " + printed);
    }
}
