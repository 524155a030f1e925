package dev.veriproof.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.dynamo.DynamoAlertStore;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoDeploymentStore;
import dev.veriproof.adapters.dynamo.DynamoGuardrailStore;
import dev.veriproof.adapters.dynamo.DynamoIncidentStore;
import dev.veriproof.adapters.dynamo.DynamoKeyStore;
import dev.veriproof.adapters.dynamo.DynamoPlanStore;
import dev.veriproof.adapters.dynamo.DynamoRollupStore;
import dev.veriproof.adapters.dynamo.DynamoSdkTelemetryStore;
import dev.veriproof.core.access.ApiKeyRecord;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.aggregation.Contribution;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.alerts.AlertRule;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.alerts.Rules;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.governance.DeploymentRecord;
import dev.veriproof.core.governance.GuardrailConfig;
import dev.veriproof.core.governance.PlanItem;
import dev.veriproof.core.governance.SdkHealthReport;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.posture.Iso42001;
import dev.veriproof.core.posture.SessionIncident;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.core.session.Session;
import dev.veriproof.core.session.SessionValidator;
import dev.veriproof.core.session.Validation;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.RequestLog;
import dev.veriproof.local.TemplateTables;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The Compliance Center's whole answer, pinned: a tenant with every kind of record the posture reads (three
 * applications in different states, rollups, session incidents, an alert, remediations, deployments, guardrail
 * versions, SDK health reports, keys, exports, audit entries), and the full bodies of the scorecard, the gap analysis
 * and the incidents compared with the ones in {@code src/test/resources/compliance-answer/}. How the reads are made
 * (how many requests, in what order, concurrently or not) may change; the answer may not. The tenant lives in tables of
 * its own, so that no other test's records (the anchoring ledger is global) reach it.
 *
 * <p>The expected files were written by this test from the code before the reads were made concurrent
 * ({@code -Dcompliance.answer.write=true} writes them again, for a deliberate change of the answer).
 */
@ExtendWith(LocalAwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComplianceAnswerTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final LocalDate TODAY = LocalDate.parse("2026-11-29");
    private static final String TENANT = "acme";

    private LocalAws aws;
    private DynamoDbClient dynamo;
    private String table;
    private String alertId;

    @BeforeAll
    void seed(LocalAws aws) {
        this.aws = aws;
        dynamo = aws.client();
        table = TemplateTables.createAll(dynamo, CloudFormationTemplate.load(CloudFormationTemplate.locate()), "answer-").get("GovernanceTable");
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo).build();
        DynamoAuditLog audit = new DynamoAuditLog(dynamo, table, clock);
        DynamoApplicationStore applications = new DynamoApplicationStore(enhanced, table);
        applications.create(new Application(TENANT, "loan-review", "Loans", RiskLevel.HIGH, 80, "risk",
                new RedactionPolicy(false, List.of("attributes.customerId")), 1, NOW, NOW), "key-admin");
        applications.create(new Application(TENANT, "support-bot", "Support", RiskLevel.MEDIUM, 70, "care", RedactionPolicy.NONE, 1, NOW, NOW), "key-admin");
        applications.create(new Application(TENANT, "triage", "Triage", RiskLevel.LOW, 0, "ops", RedactionPolicy.NONE, 1, NOW, NOW), "key-admin");

        DynamoDeploymentStore deployments = new DynamoDeploymentStore(dynamo, table);
        deployments.putIfAbsent(new DeploymentRecord(TENANT, "loan-review", "1.0", NOW.minusSeconds(86_400), "{}", "ab".repeat(32), "0xsig", "0xsigner", NOW, "key-admin"));

        DynamoGuardrailStore guardrails = new DynamoGuardrailStore(dynamo, table, audit);
        for (int v = 1; v <= 2; v++) {
            guardrails.putVersion(new GuardrailConfig(TENANT, "loan-review", v, Json.parse("[{\"name\":\"pii\",\"enabled\":true}]"), "v" + v,
                    String.valueOf(v).repeat(64), NOW, "key-admin"), new AuditEvent("key-admin", "guardrails.update", "application/loan-review", Map.of()));
        }
        DynamoSdkTelemetryStore sdk = new DynamoSdkTelemetryStore(dynamo, table);
        sdk.putIfAbsent(new SdkHealthReport(TENANT, "loan-review", "veriproof-python", "1.4.2", NOW.minusSeconds(3_600), "{}", "e".repeat(64), NOW));
        sdk.putIfAbsent(new SdkHealthReport(TENANT, "support-bot", "veriproof-python", "1.4.0", NOW.minusSeconds(200L * 86_400), "{}", "f".repeat(64), NOW));

        DynamoAlertStore alerts = new DynamoAlertStore(dynamo, table, audit);
        AlertRule rule = Rules.parse(Json.parse("{\"name\":\"low score\",\"applicationId\":\"loan-review\",\"kind\":\"SESSION_CONDITION\",\"severity\":\"HIGH\","
                + "\"condition\":{\"all\":[{\"field\":\"governanceScore\",\"op\":\"<\",\"value\":50}]}}"), TENANT, AlertStore.newId("rule_"), NOW, NOW, true);
        alerts.createRule(rule, new AuditEvent("key-admin", "alert_rule.create", "alert-rule/" + rule.ruleId(), Map.of()));
        alertId = alerts.occur(rule, "loan-review", 12.0, null, "COUNTED#" + TENANT + "#alert-1", NOW.minusSeconds(7_200)).alert().alertId();

        RollupStore rollups = new DynamoRollupStore(dynamo, table);
        for (int d = 0; d < 85; d++) rollups.applyOnce(TENANT, "loan-review", TODAY.minusDays(d), List.of(new RollupStore.Counted("COUNTED#" + TENANT + "#lr" + d,
                counters(40 + d % 7, 82 + d % 5, d % 3 == 0 ? 39 : 40 + d % 7, 30, 40, 35, 6, 6, d % 4))), NOW);
        for (int d = 0; d < 20; d++) rollups.applyOnce(TENANT, "support-bot", TODAY.minusDays(3 * d), List.of(new RollupStore.Counted("COUNTED#" + TENANT + "#sb" + d,
                counters(10, 60, 5, 2, 3, 1, 4, 1, 2))), NOW);
        rollups.applyOnce(TENANT, "support-bot", TODAY.minusDays(120), List.of(new RollupStore.Counted("COUNTED#" + TENANT + "#sb-old",
                counters(500, 90, 500, 500, 500, 500, 0, 0, 0))), NOW);

        DynamoIncidentStore incidents = new DynamoIncidentStore(dynamo, table);
        for (int i = 0; i < 28; i++) session(incidents, "loan-review", "lr-s" + i, TODAY.minusDays(i % 40), "CRITICAL", "ALLOWED");
        session(incidents, "support-bot", "sb-bypass", TODAY.minusDays(2), "LOW", "BYPASSED");
        session(incidents, "support-bot", "sb-old", TODAY.minusDays(100), "HIGH", "BYPASSED");

        DynamoPlanStore plans = new DynamoPlanStore(dynamo, table, audit);
        plan(plans, "rem_1", "support-bot", "8.2", "dana", "OPEN", null);
        plan(plans, "rem_2", "support-bot", "6.1", "dana", "DONE", null);
        plan(plans, "rem_3", null, "9.3", "lee", "IN_PROGRESS", null);
        plan(plans, "rem_4", "loan-review", "10.2", "kim", "OPEN", "high_risk_without_oversight:lr-s3");
        plan(plans, "rem_5", "triage", "A.8.1", "", "OPEN", null);

        DynamoKeyStore keys = new DynamoKeyStore(enhanced, table, audit);
        keys.create(new ApiKeyRecord("key-auditor", TENANT, Role.AUDITOR, "auditor", Set.of(), "1".repeat(64), NOW, null), "key-admin");
        keys.create(new ApiKeyRecord("key-old-auditor", TENANT, Role.AUDITOR, "old", Set.of(), "2".repeat(64), NOW, NOW), "key-admin");
        keys.create(new ApiKeyRecord("key-admin", TENANT, Role.ADMIN, "admin", Set.of(), "3".repeat(64), NOW, null), "key-admin");
        audit.append(TENANT, new AuditEvent("key-admin", "key.create", "key/key-auditor", Map.of("role", "auditor")));
        audit.append(TENANT, new AuditEvent("key-admin", "key.revoke", "key/key-old-auditor", Map.of()));
        audit.append(TENANT, new AuditEvent("key-auditor", "exports.download", "export/exp_1", Map.of()));

        DynamoExportStore exports = new DynamoExportStore(dynamo, table, audit);
        export(exports, "exp_1", NOW.minusSeconds(10L * 86_400), true);
        export(exports, "exp_2", NOW.minusSeconds(5L * 86_400), false);
        export(exports, "exp_3", NOW.minusSeconds(150L * 86_400), true);
    }

    private static Map<String, Long> counters(long sessions, long averageScore, long anchored, long grounded, long guardrails, long oversight,
                                              long oversightRequired, long oversightHad, long guardrailFailures) {
        Map<String, Long> day = new LinkedHashMap<>();
        day.put(Contribution.SESSIONS, sessions);
        day.put(Contribution.SCORE_SUM, sessions * averageScore);
        day.put(Contribution.ANCHORED, anchored);
        day.put(Contribution.GROUNDED, grounded);
        day.put(Contribution.GUARDRAILS_RECORDED, guardrails);
        day.put(Contribution.OVERSIGHT_RECORDED, oversight);
        day.put(Contribution.OVERSIGHT_REQUIRED, oversightRequired);
        day.put(Contribution.OVERSIGHT_HAD, oversightHad);
        day.put(Contribution.GUARDRAIL_FAILURES, guardrailFailures);
        // counters the posture does not read, which a real day carries too
        day.put("band_A", sessions / 2);
        day.put("risk_HIGH", sessions / 3);
        day.put("outcome_APPROVED", sessions - 1);
        return day;
    }

    private static void session(DynamoIncidentStore incidents, String app, String id, LocalDate day, String risk, String guardrail) {
        ObjectNode record = Json.mapper().createObjectNode();
        record.put("sessionId", id);
        record.put("applicationId", app);
        record.put("startedAt", day + "T10:00:00Z");
        record.put("riskLevel", risk);
        record.putArray("guardrails").addObject().put("name", "pii").put("action", guardrail);
        Session session = ((Validation.Valid) SessionValidator.validate(record, NOW)).session();
        incidents.record(TENANT, SessionIncident.of(session).orElseThrow());
    }

    private static void plan(DynamoPlanStore plans, String id, String app, String controlId, String owner, String status, String incidentId) {
        plans.create(new PlanItem(PlanItem.Kind.REMEDIATION, TENANT, id, "close " + controlId, null, owner, TODAY.plusDays(14), status, app, controlId,
                incidentId, null, 1, NOW.minusSeconds(id.hashCode() & 0xffff), "key-admin", NOW, "key-admin"),
                new AuditEvent("key-admin", "remediation.create", "remediation/" + id, Map.of()));
    }

    private static void export(DynamoExportStore exports, String id, Instant at, boolean succeeded) {
        ExportRequest request = new ExportRequest(TENANT, ExportRequest.Framework.ISO_42001, TODAY.minusDays(60), TODAY.minusDays(30), List.of());
        exports.create(new ExportJob(id, request, ExportJob.Trigger.API, ExportJob.Status.RUNNING, at, "key-admin",
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 1, at), new AuditEvent("key-admin", "exports.create", "export/" + id, Map.of()));
        if (succeeded) exports.succeed(TENANT, id, "exports/" + id + ".zip", 10, at.plusSeconds(60), new AuditEvent("system", "exports.succeed", "export/" + id, Map.of()));
        else exports.fail(TENANT, id, "boom", at.plusSeconds(60), new AuditEvent("system", "exports.fail", "export/" + id, Map.of()));
    }

    private ComplianceHandler handler(DynamoDbClient client) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return new ComplianceHandler(new PostureReader(Evidence.postureStores(client, table, clock)),
                new DynamoApplicationStore(DynamoDbEnhancedClient.builder().dynamoDbClient(client).build(), table), clock);
    }

    @Test
    void theScorecardGapAnalysisAndIncidentsAreTheOnesPinned() throws IOException {
        ComplianceHandler handler = handler(dynamo);
        assertAnswer("scorecard-admin.json", get(handler, "GET /v1/scorecards/iso-42001", "admin", "", Map.of()));
        assertAnswer("gap-analysis-admin.json", get(handler, "GET /v1/gap-analysis/iso-42001", "admin", "", Map.of()));
        assertAnswer("incidents-admin.json", get(handler, "GET /v1/incidents", "admin", "", Map.of()));
        assertAnswer("scorecard-two-applications-30-days.json", get(handler, "GET /v1/scorecards/iso-42001", "admin", "",
                Map.of("applications", "triage,support-bot", "from", TODAY.minusDays(29).toString())));
        assertAnswer("gap-analysis-auditor-loan-review.json", get(handler, "GET /v1/gap-analysis/iso-42001", "auditor", "loan-review", Map.of()));
        assertAnswer("incidents-auditor-loan-review.json", get(handler, "GET /v1/incidents", "auditor", "loan-review", Map.of()));
    }

    /**
     * One request per record kind for the whole tenant and one per application (its rollups), the audit log's walk
     * included (one page: no empty page to find its end), and they run concurrently: a request costs about its slowest
     * read (issue 16's 50 ms first request after priming).
     */
    @Test
    void aScorecardMakesOneReadPerRecordKindAndOnePerApplicationAllAtOnce() {
        InFlight inFlight = new InFlight();
        ComplianceHandler handler = handler(dynamo(inFlight));
        assertEquals(200, get(handler, "GET /v1/scorecards/iso-42001", "admin", "", Map.of()).getStatusCode());
        // applications, alert rules, deployments, guardrail history, SDK health, remediations, the audit log's checkpoint
        // (a GetItem) and its walk, keys, exports, alerts, session incidents, anchoring failures, the last anchor; then
        // the 3 applications' rollups
        assertTrue(inFlight.log.names().size() <= 14 + 3, "at most 17 requests for 3 applications: " + inFlight.log);
        assertTrue(inFlight.log.only(Set.of("QueryRequest", "GetItemRequest")), "queries and the checkpoint's read only: " + inFlight.log);
        assertEquals(1, inFlight.log.names().stream().filter("GetItemRequest"::equals).count(), "one GetItem: " + inFlight.log);
        assertTrue(inFlight.most.get() >= 4, "the reads run concurrently; at most " + inFlight.most.get() + " were in flight at once");
        List<QueryRequest> rollupReads = inFlight.queries.stream().filter(q -> q.expressionAttributeValues().values().stream()
                .anyMatch(v -> v.s() != null && v.s().startsWith("ROLLUP#"))).toList();
        assertEquals(3, rollupReads.size(), "one rollup read per application");
        for (QueryRequest q : rollupReads) {
            assertEquals(new TreeSet<>(Iso42001.COUNTERS), new TreeSet<>(q.expressionAttributeNames().entrySet().stream()
                    .filter(n -> !n.getValue().equals("day")).map(Map.Entry::getValue).toList()),
                    "a day's rollup is read with only the counters the posture reads: " + q.projectionExpression());
        }

        InFlight incidents = new InFlight();
        assertEquals(200, get(handler(dynamo(incidents)), "GET /v1/incidents", "admin", "", Map.of()).getStatusCode());
        assertTrue(incidents.log.names().size() <= 6, "applications, remediations, alerts, session incidents, anchoring failures, the last anchor: "
                + incidents.log);
    }

    /**
     * A read that fails answers as it did when the reads ran one after the other: a 500 that names the request id and
     * no internals. A client's mistake is still its 4xx, whatever a concurrent read does.
     */
    @Test
    void aFailedReadIsA500WithTheRequestIdAndAClientErrorStaysAClientError() {
        ExecutionInterceptor failingAuditLog = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof QueryRequest q && q.expressionAttributeValues().values().stream()
                        .anyMatch(v -> "AUDIT#~".equals(v.s()))) {
                    throw DynamoDbException.builder().message("injected: the audit log read failed").statusCode(500).build();
                }
            }
        };
        ComplianceHandler handler = handler(dynamo(failingAuditLog));
        for (String route : List.of("GET /v1/scorecards/iso-42001", "GET /v1/gap-analysis/iso-42001")) {
            APIGatewayV2HTTPResponse failed = get(handler, route, "admin", "", Map.of());
            assertEquals(500, failed.getStatusCode(), failed.getBody());
            JsonNode error = Json.parse(failed.getBody()).get("error");
            assertEquals("internal_error", error.get("code").asText());
            assertEquals("The request failed on the server; retry later. Request id: req-answer", error.get("message").asText());
            assertEquals(404, get(handler, route, "admin", "", Map.of("applications", "no-such-app")).getStatusCode());
            assertEquals(404, get(handler, route, "auditor", "loan-review", Map.of("applications", "triage")).getStatusCode());
            assertEquals(400, get(handler, route, "admin", "", Map.of("applications", "triage,")).getStatusCode());
        }
        assertEquals(200, get(handler, "GET /v1/incidents", "admin", "", Map.of()).getStatusCode(), "incidents do not read the audit log");
    }

    /** Counts the requests and how many were in flight at once; each is held 20 ms, so that reads made one at a time never overlap. */
    private static final class InFlight implements ExecutionInterceptor {
        final RequestLog log = new RequestLog();
        final List<QueryRequest> queries = new CopyOnWriteArrayList<>();
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            log.beforeExecution(context, attributes);
            if (context.request() instanceof QueryRequest q) queries.add(q);
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            now.decrementAndGet();
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            now.decrementAndGet();
        }
    }

    private DynamoDbClient dynamo(ExecutionInterceptor interceptor) {
        return aws.client(interceptor);
    }

    private void assertAnswer(String file, APIGatewayV2HTTPResponse response) throws IOException {
        assertEquals(200, response.getStatusCode(), response.getBody());
        String actual = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(Json.parse(response.getBody().replace(alertId, "ALERT-ID"))) + "\n";
        if (Boolean.getBoolean("compliance.answer.write")) {
            Files.writeString(Path.of("src/test/resources/compliance-answer", file), actual);
            return;
        }
        try (InputStream in = ComplianceAnswerTest.class.getResourceAsStream("/compliance-answer/" + file)) {
            assertTrue(in != null, "no expected answer " + file);
            String expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // as JSON: the order of an object's members is not part of the answer (some are Map.of, ordered per JVM)
            if (!Json.parse(expected).equals(Json.parse(actual))) {
                Path written = Files.createDirectories(Path.of("target/compliance-answer")).resolve(file);
                Files.writeString(written, actual);
                assertEquals(expected, actual, file + " differs from the pinned answer; this one is in " + written.toAbsolutePath());
            }
        }
    }

    static APIGatewayV2HTTPResponse get(ComplianceHandler handler, String routeKey, String role, String limitedTo, Map<String, String> query) {
        Map<String, Object> lambda = new HashMap<>();
        lambda.put("authenticated", "true");
        lambda.put("tenantId", TENANT);
        lambda.put("role", role);
        lambda.put("keyId", "key-" + role);
        lambda.put("applications", limitedTo);
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setLambda(lambda);
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAuthorizer(authorizer);
        context.setRequestId("req-answer");
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey(routeKey);
        event.setRawPath(routeKey.substring(4));
        event.setQueryStringParameters(query);
        event.setRequestContext(context);
        return handler.handleRequest(event, null);
    }
}
