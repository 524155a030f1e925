package dev.veriproof.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoDeploymentStore;
import dev.veriproof.adapters.dynamo.DynamoIncidentStore;
import dev.veriproof.adapters.dynamo.DynamoPlanStore;
import dev.veriproof.adapters.dynamo.DynamoRollupStore;
import dev.veriproof.core.aggregation.Contribution;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.governance.DeploymentRecord;
import dev.veriproof.core.governance.PlanItem;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.posture.SessionIncident;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.core.session.Session;
import dev.veriproof.core.session.SessionValidator;
import dev.veriproof.core.session.Validation;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;

/**
 * The live Compliance Center handler on DynamoDB Local: per-application verdicts, gaps that name the application and
 * the call that closes them, incidents with their corrective actions, tenant isolation, auditor scope, bad parameters.
 */
@ExtendWith(LocalAwsExtension.class)
class ComplianceHandlerTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final LocalDate TODAY = LocalDate.parse("2026-11-29");

    private ComplianceHandler handler;
    private DynamoDeploymentStore deployments;
    private DynamoPlanStore plans;
    private DynamoApplicationStore applications;
    private RollupStore rollups;
    private DynamoIncidentStore incidents;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) {
        String table = aws.tableName("GovernanceTable");
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build();
        applications = new DynamoApplicationStore(enhanced, table);
        deployments = new DynamoDeploymentStore(aws.client(), table);
        plans = new DynamoPlanStore(aws.client(), table, new DynamoAuditLog(aws.client(), table, clock));
        rollups = new DynamoRollupStore(aws.client(), table);
        incidents = new DynamoIncidentStore(aws.client(), table);
        handler = new ComplianceHandler(new PostureReader(Evidence.postureStores(aws.client(), table, clock)), applications, clock);
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        register("loan-review");
        register("support-bot");
        deployments.putIfAbsent(new DeploymentRecord(tenant, "loan-review", "1.0", NOW.minusSeconds(86_400), "{}", "ab".repeat(32),
                "0xsig", "0xsigner", NOW, "key-admin"));
        for (int d = 0; d < 5; d++) {
            session("loan-review", "lr-" + d, TODAY.minusDays(d), "LOW", "ALLOWED");
            session("support-bot", "sb-" + d, TODAY.minusDays(d), "LOW", "ALLOWED");
        }
    }

    @Test
    void scorecardGivesEachApplicationsVerdictAndTheGapNamesTheApplicationAndTheCallThatClosesIt() {
        JsonNode scorecard = ok(get("admin", "", "/v1/scorecards/iso-42001", Map.of()));
        assertEquals(TODAY.minusDays(89).toString(), scorecard.get("from").asText(), "the 90 days ending today by default");
        assertEquals(15, scorecard.get("controls").size());
        JsonNode impact = control(scorecard.get("controls"), "8.2; A.2.2");
        assertEquals("partial", impact.get("verdict").asText());
        assertEquals(1, impact.get("evidence").get("withSignedDeploymentRecord").asInt());
        assertEquals("covered", app(impact, "loan-review").get("verdict").asText());
        assertEquals("gap", app(impact, "support-bot").get("verdict").asText());
        assertEquals("tenant", control(scorecard.get("controls"), "9.3").get("scope").asText());

        JsonNode gap = control(ok(get("admin", "", "/v1/gap-analysis/iso-42001", Map.of())).get("gaps"), "8.2; A.2.2");
        assertEquals(1, gap.get("findings").size(), "only the application that misses it");
        JsonNode finding = gap.get("findings").get(0);
        assertEquals("support-bot", finding.get("applicationId").asText());
        assertEquals("support-bot has no signed deployment context record", finding.get("missing").asText());
        assertEquals("POST", finding.get("action").get("method").asText());
        assertEquals("/v1/deployments", finding.get("action").get("path").asText());
        assertEquals("support-bot", finding.get("action").get("body").get("applicationId").asText());
        assertEquals(0, finding.get("remediations").size());

        // 10.1: the open 8.2 gap of support-bot has no remediation; one with an owner links to it and plans it
        JsonNode improvement = control(ok(get("admin", "", "/v1/scorecards/iso-42001", Map.of())).get("controls"), "10.1");
        assertEquals("0", app(improvement, "support-bot").get("evidence").get("withOwnedRemediation").asText());
        plans.create(new PlanItem(PlanItem.Kind.REMEDIATION, tenant, "rem_1", "record support-bot's deployment", null, "dana",
                TODAY.plusDays(14), "OPEN", "support-bot", "8.2", null, null, 1, NOW, "key-admin", NOW, "key-admin"),
                new AuditEvent("key-admin", "remediation.create", "remediation/rem_1", Map.of()));
        JsonNode linked = control(ok(get("admin", "", "/v1/gap-analysis/iso-42001", Map.of())).get("gaps"), "8.2; A.2.2")
                .get("findings").get(0).get("remediations");
        assertEquals("rem_1", linked.get(0).get("id").asText());
        improvement = control(ok(get("admin", "", "/v1/scorecards/iso-42001", Map.of())).get("controls"), "10.1");
        assertEquals("1", app(improvement, "support-bot").get("evidence").get("withOwnedRemediation").asText());
    }

    @Test
    void incidentsCarryTheirCorrectiveActionOrNull() {
        session("support-bot", "sb-bypass", TODAY, "CRITICAL", "BYPASSED");
        JsonNode body = ok(get("admin", "", "/v1/incidents", Map.of()));
        assertEquals(2, body.get("summary").get("incidents").asInt(), "a bypass and a critical session without oversight");
        assertEquals(0, body.get("summary").get("withCorrectiveAction").asInt());
        JsonNode bypass = incident(body, "guardrail_bypass:sb-bypass");
        assertEquals("support-bot", bypass.get("applicationId").asText());
        assertTrue(bypass.get("correctiveAction").isNull());

        JsonNode nonconformity = control(ok(get("admin", "", "/v1/scorecards/iso-42001", Map.of())).get("controls"), "10.2");
        assertEquals("gap", nonconformity.get("verdict").asText());
        JsonNode finding = control(ok(get("admin", "", "/v1/gap-analysis/iso-42001", Map.of())).get("gaps"), "10.2").get("findings").get(0);
        assertEquals("/v1/sessions/sb-bypass/reviews", finding.get("action").get("path").asText());
    }

    @Test
    void anAuditorLimitedToOneApplicationSeesOnlyThatOne() {
        JsonNode scorecard = ok(get("auditor", "loan-review", "/v1/scorecards/iso-42001", Map.of()));
        assertEquals(List.of("loan-review"), Json.mapper().convertValue(scorecard.get("applications"), List.class));
        assertEquals("covered", control(scorecard.get("controls"), "8.2; A.2.2").get("verdict").asText());
        assertEquals(404, get("auditor", "loan-review", "/v1/scorecards/iso-42001", Map.of("applications", "support-bot")).getStatusCode());
        session("support-bot", "sb-bypass", TODAY, "CRITICAL", "BYPASSED");
        assertEquals(0, ok(get("auditor", "loan-review", "/v1/incidents", Map.of())).get("incidents").size());
        assertEquals(2, ok(get("auditor", "", "/v1/incidents", Map.of())).get("incidents").size(), "an unlimited auditor sees them");
    }

    @Test
    void anotherTenantsApplicationsDoNotExist() {
        String mine = tenant;
        tenant = "t-other";
        APIGatewayV2HTTPResponse response = get("admin", "", "/v1/scorecards/iso-42001", Map.of("applications", "loan-review"));
        assertEquals(404, response.getStatusCode());
        assertEquals(0, ok(get("admin", "", "/v1/incidents", Map.of())).get("incidents").size());
        tenant = mine;
    }

    @Test
    void badParametersAre400NamingTheParameterAndOtherRolesAre403() {
        assertBad(Map.of("from", "2026-13-01"), "invalid_value", "query.from");
        assertBad(Map.of("to", "yesterday"), "invalid_value", "query.to");
        assertBad(Map.of("to", TODAY.plusDays(1).toString()), "invalid_value", "query.to");
        assertBad(Map.of("from", "2026-11-20", "to", "2026-11-10"), "invalid_period", "query.from");
        assertBad(Map.of("from", "2024-01-01"), "invalid_period", "query.from");
        assertBad(Map.of("applications", "loan-review,"), "invalid_value", "query.applications");
        assertEquals(403, get("ingest", "", "/v1/scorecards/iso-42001", Map.of()).getStatusCode());
        assertEquals(403, get("ingest", "", "/v1/incidents", Map.of()).getStatusCode());
    }

    private void assertBad(Map<String, String> query, String code, String field) {
        for (String route : List.of("/v1/scorecards/iso-42001", "/v1/gap-analysis/iso-42001")) {
            APIGatewayV2HTTPResponse response = get("admin", "", route, query);
            assertEquals(400, response.getStatusCode(), route + " " + query);
            JsonNode error = Json.parse(response.getBody()).get("error");
            assertEquals(code, error.get("code").asText());
            assertEquals(field, error.get("field").asText());
        }
    }

    private void register(String id) {
        applications.create(new Application(tenant, id, id, RiskLevel.MEDIUM, 70, "owner", RedactionPolicy.NONE, 1, NOW, NOW), "key-admin");
    }

    /** A session as aggregation counts it: its rollup contribution and, when it is one, its incident. */
    private void session(String app, String id, LocalDate day, String risk, String guardrail) {
        ObjectNode record = Json.mapper().createObjectNode();
        record.put("sessionId", id);
        record.put("applicationId", app);
        record.put("startedAt", day + "T10:00:00Z");
        record.put("riskLevel", risk);
        record.putArray("guardrails").addObject().put("name", "pii").put("action", guardrail);
        Session session = ((Validation.Valid) SessionValidator.validate(record, NOW)).session();
        rollups.applyOnce(tenant, app, day, List.of(new RollupStore.Counted("COUNTED#" + tenant + "#" + id, Contribution.ofSession(session, 80))), NOW);
        SessionIncident.of(session).ifPresent(i -> incidents.record(tenant, i));
    }

    private APIGatewayV2HTTPResponse get(String role, String limitedTo, String route, Map<String, String> query) {
        Map<String, Object> lambda = new HashMap<>();
        lambda.put("authenticated", "true");
        lambda.put("tenantId", tenant);
        lambda.put("role", role);
        lambda.put("keyId", "key-" + role);
        lambda.put("applications", limitedTo);
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setLambda(lambda);
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAuthorizer(authorizer);
        context.setRequestId("req-1");
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey("GET " + route);
        event.setRawPath(route);
        event.setQueryStringParameters(query);
        event.setRequestContext(context);
        return handler.handleRequest(event, null);
    }

    private static JsonNode ok(APIGatewayV2HTTPResponse response) {
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Json.parse(response.getBody());
    }

    static JsonNode control(JsonNode controls, String id) {
        for (JsonNode c : controls) if (c.get("id").asText().equals(id)) return c;
        throw new AssertionError("no control " + id);
    }

    private static JsonNode app(JsonNode control, String id) {
        for (JsonNode a : control.get("applications")) if (a.get("applicationId").asText().equals(id)) return a;
        throw new AssertionError("no application " + id + " in " + control.get("id"));
    }

    private static JsonNode incident(JsonNode body, String id) {
        for (JsonNode i : body.get("incidents")) if (i.get("incidentId").asText().equals(id)) return i;
        assertNull(id, "no incident " + id);
        return null;
    }
}
