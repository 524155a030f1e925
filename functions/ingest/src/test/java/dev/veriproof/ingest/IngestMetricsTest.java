package dev.veriproof.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.local.EmfOutput;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.LocalLambdaContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;

/** What the ingest function reports in CloudWatch EMF, read back from its real output. */
@ExtendWith(LocalAwsExtension.class)
class IngestMetricsTest {
    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    private IngestHandler handler;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) {
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build();
        DynamoApplicationStore applications = new DynamoApplicationStore(enhanced, aws.tableName("GovernanceTable"));
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        applications.create(new Application(tenant, "loan-review", "Loans", RiskLevel.HIGH, 80, "risk",
                RedactionPolicy.NONE, 1, NOW, NOW), "test");
        handler = new IngestHandler(new SessionIngest(new DynamoSessionStore(aws.client(), aws.tableName("SessionsTable")), applications,
                Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(10)));
    }

    private static String session(String id, String app) {
        return """
                {"sessionId":"%s","applicationId":"%s","startedAt":"2026-11-20T10:15:00Z","intent":"i","model":"m"}""".formatted(id, app);
    }

    private APIGatewayV2HTTPEvent post(String body, Map<String, String> headers) {
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setLambda(Map.of("authenticated", "true", "tenantId", tenant, "role", "ingest", "keyId", "key_test", "applications", ""));
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAuthorizer(authorizer);
        context.setRequestId("req-" + UUID.randomUUID());
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey("POST /v1/sessions");
        event.setRawPath("/v1/sessions");
        event.setBody(body);
        Map<String, String> all = new HashMap<>(headers);
        all.put("content-type", "application/json");
        event.setHeaders(all);
        event.setRequestContext(context);
        return event;
    }

    @Test
    void aBatchReportsStoredDuplicateAndRejectedByErrorCode() {
        String stored = "s-" + UUID.randomUUID();
        handler.handleRequest(post(session(stored, "loan-review"), Map.of()), new LocalLambdaContext("IngestFunction"));
        LocalLambdaContext context = new LocalLambdaContext("IngestFunction");
        String batch = "{\"sessions\":[" + session(stored, "loan-review") + "," + session("s-new-" + UUID.randomUUID(), "loan-review") + ","
                + session("s-unknown", "no-such-app") + "," + session("s-other", "no-such-app") + ",{\"sessionId\":\"s-bad\"}]}";

        EmfOutput emf = EmfOutput.capture(() -> assertEquals(207, handler.handleRequest(post(batch, Map.of()), context).getStatusCode()));

        assertEquals(1, emf.sum("SessionsStored"));
        assertEquals(1, emf.sum("SessionsDuplicate"));
        assertEquals(2, emf.sum("SessionsRejected", Map.of("errorCode", "unknown_application")));
        assertEquals(3, emf.sum("SessionsRejected"), "the invalid one under its own code: " + emf.metrics());
        assertEquals(1, emf.metrics().stream().filter(m -> m.name().equals("SessionsRejected") && !m.dimensions().get("errorCode").equals("unknown_application")).count());
        assertEquals(EmfOutput.declarations(EmfOutput.powertoolsDocument("IngestStoredDuplicate")), EmfOutput.declarations(emf.documentsWith("SessionsStored").get(0)),
                "the names, units and dimension sets the template's dashboard reads");
        for (JsonNode rejected : emf.documentsWith("SessionsRejected")) {
            assertEquals(EmfOutput.declarations(EmfOutput.powertoolsDocument("IngestRejected")), EmfOutput.declarations(rejected));
        }
        for (JsonNode doc : emf.documents()) {
            assertEquals("VeriProof", doc.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText());
            assertEquals(context.getAwsRequestId(), doc.path("function_request_id").asText(), doc.toString());
        }
    }

    @Test
    void aBatchRootMismatchIsCountedAndTheRequestRejectedWhole() {
        String batch = "{\"sessions\":[" + session("s-" + UUID.randomUUID(), "loan-review") + "]}";
        EmfOutput emf = EmfOutput.capture(() -> assertEquals(422,
                handler.handleRequest(post(batch, Map.of("x-batch-root", "ab".repeat(32))), new LocalLambdaContext("IngestFunction")).getStatusCode()));
        assertEquals(1, emf.sum("BatchRootMismatch"));
        assertEquals(EmfOutput.declarations(EmfOutput.powertoolsDocument("BatchRootMismatch")), EmfOutput.declarations(emf.documentsWith("BatchRootMismatch").get(0)));
        assertEquals(1, emf.sum("SessionsRejected", Map.of("errorCode", "batch_root_mismatch")));
        assertEquals(0, emf.sum("SessionsStored"));
    }

    @Test
    void anUnhandledErrorIsLoggedWithTheRequestIdAndColdStartFlag() {
        // a handler whose store fails: the 500's log line must carry the invocation's correlation fields
        IngestHandler broken = new IngestHandler(new SessionIngest(null, null, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO));
        LocalLambdaContext context = new LocalLambdaContext("IngestFunction");
        EmfOutput out = EmfOutput.capture(() -> assertEquals(500,
                broken.handleRequest(post(session("s-x", "loan-review"), Map.of()), context).getStatusCode()));
        JsonNode line = out.logLines().stream().filter(l -> l.path("level").asText().equals("ERROR")).findFirst().orElseThrow();
        assertEquals(context.getAwsRequestId(), line.path("function_request_id").asText(), line.toString());
        assertEquals("IngestFunction", line.path("function_name").asText());
        assertTrue(line.has("cold_start") && line.get("cold_start").isBoolean(), line.toString());
    }
}
