package dev.veriproof.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
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
        List<String> calls = new CopyOnWriteArrayList<>();
        DynamoDbClient client = aws.client(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.add(context.request().getClass().getSimpleName());
            }
        });
        String governance = aws.tableName("GovernanceTable");
        MetricsHandler handler = new MetricsHandler(new DynamoApplicationStore(DynamoDbEnhancedClient.builder().dynamoDbClient(client).build(), governance),
                new DynamoRollupStore(client, governance), new DynamoRiskStore(client, governance), new DynamoSdkTelemetryStore(client, governance),
                Clock.systemUTC());
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertEquals(404, handler.prime().getStatusCode(), "the priming request's application does not exist");
        } finally {
            System.setOut(stdout);
        }
        assertTrue(calls.stream().filter(c -> c.equals("QueryRequest")).count() >= 3, "rollups, model rollups, SDK states are read: " + calls);
        assertTrue(calls.stream().allMatch(c -> c.equals("QueryRequest") || c.equals("GetItemRequest")), "reads only: " + calls);
        assertTrue(!printed.toString(StandardCharsets.UTF_8).contains("CloudWatchMetrics"), "no metric published: " + printed);
    }
}
