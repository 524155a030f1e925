package dev.veriproof.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoKeyStore;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;

/** {@code GET /v1/whoami}: real keys in DynamoDB Local, resolved by the real authorizer, answered by the handler. */
@ExtendWith(LocalAwsExtension.class)
class WhoAmIHandlerTest {
    private AccessService access;
    private ApiKeyAuthorizerHandler authorizer;
    private final WhoAmIHandler handler = new WhoAmIHandler();
    private String tenant;
    private AccessService.IssuedKey admin;

    @BeforeEach
    void setUp(LocalAws aws) {
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build();
        DynamoApplicationStore applications = new DynamoApplicationStore(enhanced, aws.tableName("GovernanceTable"));
        access = new AccessService(new DynamoKeyStore(enhanced, aws.tableName("GovernanceTable")), applications, Clock.systemUTC());
        authorizer = new ApiKeyAuthorizerHandler(access);
        tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
        admin = access.bootstrapTenant(tenant, "Tenant");
        Instant now = Instant.now();
        for (String app : List.of("support-bot", "loan-review")) {
            applications.create(new Application(tenant, app, app, RiskLevel.LOW, 70, "owner", RedactionPolicy.NONE, 1, now, now), "test");
        }
    }

    private APIGatewayV2HTTPResponse whoami(String key) {
        Map<String, String> headers = new HashMap<>();
        if (key != null) headers.put("x-api-key", key);
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) authorizer.authorize(headers).get("context");
        APIGatewayV2HTTPEvent.RequestContext.Authorizer auth = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        auth.setLambda(context);
        APIGatewayV2HTTPEvent.RequestContext requestContext = new APIGatewayV2HTTPEvent.RequestContext();
        requestContext.setAuthorizer(auth);
        requestContext.setRequestId("req-1");
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey("GET /v1/whoami");
        event.setHeaders(headers);
        event.setRequestContext(requestContext);
        return handler.handleRequest(event, null);
    }

    @Test
    void answersTheTenantRoleAndApplicationScopeOfTheCallersKey() {
        JsonNode self = Json.parse(whoami(admin.key()).getBody());
        assertEquals(tenant, self.get("tenantId").asText());
        assertEquals("admin", self.get("role").asText());
        assertEquals(admin.record().keyId(), self.get("keyId").asText());
        assertEquals(0, self.get("applications").size(), "empty: every application");

        AccessService.IssuedKey auditor = access.issueKey(tenant, admin.record().keyId(), Role.AUDITOR, "external audit",
                List.of("support-bot", "loan-review"));
        APIGatewayV2HTTPResponse response = whoami(auditor.key());
        assertEquals(200, response.getStatusCode());
        JsonNode limited = Json.parse(response.getBody());
        assertEquals("auditor", limited.get("role").asText());
        assertEquals(List.of("loan-review", "support-bot"), List.of(limited.get("applications").get(0).asText(),
                limited.get("applications").get(1).asText()));

        AccessService.IssuedKey ingest = access.issueKey(tenant, admin.record().keyId(), Role.INGEST, "sdk", List.of());
        assertEquals("ingest", Json.parse(whoami(ingest.key()).getBody()).get("role").asText());
    }

    @Test
    void aMissingUnknownOrRevokedKeyIs401WithTheErrorBody() {
        AccessService.IssuedKey revoked = access.issueKey(tenant, admin.record().keyId(), Role.AUDITOR, "gone", List.of());
        access.revokeKey(tenant, admin.record().keyId(), revoked.record().keyId());
        for (String key : new String[] {null, "vp_admin_" + "x".repeat(43), revoked.key()}) {
            APIGatewayV2HTTPResponse response = whoami(key);
            assertEquals(401, response.getStatusCode(), String.valueOf(key));
            JsonNode error = Json.parse(response.getBody()).get("error");
            assertEquals("unauthorized", error.get("code").asText());
            assertFalse(response.getBody().contains(tenant), "nothing about the tenant leaks");
        }
    }
}
