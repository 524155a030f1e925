package dev.veriproof.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
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
 * SnapStart priming of the Compliance Center (issue 16 target 6): the posture of a made-up application of the priming
 * tenant is read and rendered (its per-application reads run and find nothing), nothing is written, no metric published.
 */
@ExtendWith(LocalAwsExtension.class)
class CompliancePrimingTest {
    @Test
    void primingReadsWhatAnApplicationsPostureNeedsAndWritesNothing(LocalAws aws) {
        List<String> calls = new CopyOnWriteArrayList<>();
        DynamoDbClient client = aws.client(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                calls.add(context.request().getClass().getSimpleName());
            }
        });
        String governance = aws.tableName("GovernanceTable");
        ComplianceHandler handler = new ComplianceHandler(new PostureReader(Evidence.postureStores(client, governance, Clock.systemUTC())),
                new DynamoApplicationStore(DynamoDbEnhancedClient.builder().dynamoDbClient(client).build(), governance), Clock.systemUTC());
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertEquals(200, handler.prime().getStatusCode(), "the priming tenant's scorecard: no applications");
        } finally {
            System.setOut(stdout);
        }
        assertTrue(calls.stream().filter(c -> c.equals("QueryRequest")).count() >= 2 * 3,
                "each round reads the made-up application's records as well as the tenant's list: " + calls);
        assertTrue(Set.of("QueryRequest", "GetItemRequest", "BatchGetItemRequest").containsAll(Set.copyOf(calls)), "reads only: " + calls);
        assertTrue(!printed.toString(StandardCharsets.UTF_8).contains("CloudWatchMetrics"), "no metric published: " + printed);
    }
}
