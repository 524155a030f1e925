package dev.veriproof.evidence;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoDeploymentStore;
import dev.veriproof.adapters.dynamo.DynamoGuardrailStore;
import dev.veriproof.adapters.dynamo.DynamoRollupStore;
import dev.veriproof.adapters.dynamo.DynamoSdkTelemetryStore;
import dev.veriproof.core.aggregation.Contribution;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.governance.DeploymentRecord;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalDynamoDb;
import dev.veriproof.local.TemplateTables;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Not a test: the live ISO/IEC 42001 scorecard (issue 12) of a tenant with 50 applications × 90 days of rollups on
 * DynamoDB Local, through {@link ComplianceHandler}. Prints the time per call (median of 9 after 3 warm-ups), the
 * requests and items it reads, and ratios against two references measured in the same run, alternating with the
 * endpoint: the bare {@code Query}s, one after the other, that read the same 4,500 rollup items (what the scorecard
 * cannot do without), and the four reads per application (deployments, guardrail history, SDK health, rollups) that
 * the posture reader made before it read the first three once per tenant and the rollups concurrently.
 *
 * <p>Run: {@code mvn -q -o -pl functions/evidence -am -DskipTests test-compile} then
 * {@code mvn -q -o -pl functions/evidence exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.veriproof.evidence.ComplianceScorecardBenchmark}.
 */
public final class ComplianceScorecardBenchmark {
    private static final String TENANT = "bench";
    private static final int APPLICATIONS = 50;
    private static final int DAYS = 90;

    public static void main(String[] args) throws Exception {
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        AtomicLong requests = new AtomicLong();
        AtomicLong items = new AtomicLong();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                SdkResponse response = context.response();
                requests.incrementAndGet();
                if (response instanceof QueryResponse q) items.addAndGet(q.count());
                if (response instanceof GetItemResponse g && g.hasItem()) items.incrementAndGet();
            }
        };
        try (LocalDynamoDb local = LocalDynamoDb.start()) {
            DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(java.net.URI.create(local.endpoint())).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .httpClient(UrlConnectionHttpClient.create())
                    .overrideConfiguration(c -> c.addExecutionInterceptor(counter)).build();
            String table = TemplateTables.createAll(dynamo, CloudFormationTemplate.load(CloudFormationTemplate.locate()), "bench-").get("GovernanceTable");
            Instant now = Instant.parse("2026-11-29T12:00:00Z");
            Clock clock = Clock.fixed(now, ZoneOffset.UTC);
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            var applications = new DynamoApplicationStore(DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo).build(), table);
            var deployments = new DynamoDeploymentStore(dynamo, table);
            var guardrails = new DynamoGuardrailStore(dynamo, table, new DynamoAuditLog(dynamo, table, clock));
            var sdk = new DynamoSdkTelemetryStore(dynamo, table);
            RollupStore rollups = new DynamoRollupStore(dynamo, table);
            List<String> ids = new ArrayList<>();
            for (int a = 0; a < APPLICATIONS; a++) {
                String app = String.format("app-%02d", a);
                ids.add(app);
                applications.create(new Application(TENANT, app, app, RiskLevel.MEDIUM, 75, "owner", RedactionPolicy.NONE, 1, now, now), "bench");
                if (a % 2 == 0) deployments.putIfAbsent(new DeploymentRecord(TENANT, app, "1", now, "{}", "ab".repeat(32), "0xsig", "0xsigner", now, "bench"));
                for (int d = 0; d < DAYS; d++) {
                    Map<String, Long> day = new LinkedHashMap<>();
                    day.put(Contribution.SESSIONS, 200L);
                    day.put(Contribution.SCORE_SUM, 200L * (70 + a % 25));
                    day.put(Contribution.ANCHORED, 199L);
                    day.put(Contribution.GROUNDED, 150L);
                    day.put(Contribution.GUARDRAILS_RECORDED, 190L);
                    day.put(Contribution.OVERSIGHT_RECORDED, 120L);
                    day.put(Contribution.OVERSIGHT_REQUIRED, 20L);
                    day.put(Contribution.OVERSIGHT_HAD, 19L);
                    day.put(Contribution.GUARDRAIL_FAILURES, 8L);
                    rollups.applyOnce(TENANT, app, today.minusDays(d), List.of(new RollupStore.Counted("COUNTED#bench#" + app + "#" + d, day)), now);
                }
            }
            ComplianceHandler handler = new ComplianceHandler(new PostureReader(Evidence.postureStores(dynamo, table, clock)), applications, clock);
            APIGatewayV2HTTPEvent event = event();
            System.out.printf("tenant: %d applications x %d days of rollups (%d rollup items) on DynamoDB Local, %d cores%n",
                    APPLICATIONS, DAYS, APPLICATIONS * DAYS, Runtime.getRuntime().availableProcessors());

            List<Long> endpoint = new ArrayList<>();
            List<Long> reference = new ArrayList<>();
            List<Long> perApplication = new ArrayList<>();
            long requestsPerCall = 0;
            long itemsPerCall = 0;
            for (int run = 0; run < 12; run++) {
                requests.set(0);
                items.set(0);
                long t0 = System.nanoTime();
                APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
                long t1 = System.nanoTime();
                if (response.getStatusCode() != 200) throw new IllegalStateException(response.getBody());
                requestsPerCall = requests.get();
                itemsPerCall = items.get();
                long t2 = System.nanoTime();
                for (String app : ids) rollups.read(TENANT, app, today.minusDays(DAYS - 1), today);
                long t3 = System.nanoTime();
                for (String app : ids) {
                    deployments.list(TENANT, app);
                    guardrails.history(TENANT, app);
                    sdk.healthReports(TENANT, app);
                    rollups.read(TENANT, app, today.minusDays(DAYS - 1), today);
                }
                long t4 = System.nanoTime();
                if (run >= 3) {
                    endpoint.add(t1 - t0);
                    reference.add(t3 - t2);
                    perApplication.add(t4 - t3);
                }
            }
            double ms = median(endpoint) / 1e6;
            double refMs = median(reference) / 1e6;
            System.out.printf("GET /v1/scorecards/iso-42001 (90 days, 50 applications): median %.0f ms; %d DynamoDB requests, %d items read%n",
                    ms, requestsPerCall, itemsPerCall);
            double perAppMs = median(perApplication) / 1e6;
            System.out.printf("reference 1, bare Queries one after the other of the same %d rollup items: median %.0f ms -> endpoint = %.2f x reference 1%n",
                    APPLICATIONS * DAYS, refMs, ms / refMs);
            System.out.printf("reference 2, the former reads, 4 Queries per application one after the other (%d requests): median %.0f ms "
                    + "-> endpoint = %.2f x reference 2%n", 4 * APPLICATIONS, perAppMs, ms / perAppMs);
        }
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        return sorted.get(sorted.size() / 2);
    }

    private static APIGatewayV2HTTPEvent event() {
        Map<String, Object> lambda = new HashMap<>();
        lambda.put("authenticated", "true");
        lambda.put("tenantId", TENANT);
        lambda.put("role", "auditor");
        lambda.put("keyId", "key-auditor");
        lambda.put("applications", "");
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setLambda(lambda);
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAuthorizer(authorizer);
        context.setRequestId("bench");
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey("GET /v1/scorecards/iso-42001");
        event.setRawPath("/v1/scorecards/iso-42001");
        event.setRequestContext(context);
        return event;
    }
}
