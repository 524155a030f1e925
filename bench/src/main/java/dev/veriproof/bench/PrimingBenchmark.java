package dev.veriproof.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.access.AccessService;
import dev.veriproof.access.ApiKeyAuthorizerHandler;
import dev.veriproof.access.WhoAmIHandler;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoKeyStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.anchoring.AnchoringHandler;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.evidence.ComplianceHandler;
import dev.veriproof.governance.ApplicationsHandler;
import dev.veriproof.governance.ReviewsHandler;
import dev.veriproof.ingest.IngestHandler;
import dev.veriproof.ingest.SessionExplorerHandler;
import dev.veriproof.ingest.otlp.OtlpHandler;
import dev.veriproof.ingest.SessionIngest;
import dev.veriproof.ingest.SessionQueryHandler;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalDynamoDb;
import dev.veriproof.scoring.MetricsHandler;
import dev.veriproof.scoring.OverviewHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;

/**
 * The first request after SnapStart priming (issue 16 target 6: at most 50 ms for every function). SnapStart restores
 * a snapshot taken after the function's init phase and its priming ({@link PrimedHandler#prime()}, run by the CRaC
 * {@code beforeCheckpoint} hook), so the first request of a restored environment runs on what priming warmed. Here each
 * function gets a fresh JVM per side, with the JVM options its function has in template.yaml: the handler is built (init), primed or not, then its first real request —
 * against DynamoDB Local with a seeded tenant — is timed, then a second one (warm). The unprimed side is the reference
 * in the same run. What this cannot show: the restore itself, and SnapStart's lazily re-paged memory on AWS.
 *
 * <pre>java -Dveriproof.root=$PWD -cp bench/target/classes:$(cat /tmp/bench.cp) dev.veriproof.bench.PrimingBenchmark</pre>
 * To see what a first request still loads: {@code -Dbench.childJvm=-verbose:class -Dbench.childLog=/tmp/priming} writes
 * each child's output (the classes loaded after the line {@code MARK first request} are the first request's).
 * The anchoring run finds nothing pending and its chain endpoint is a closed port: it measures the run's DynamoDB side.
 */
public final class PrimingBenchmark {
    static final String TENANT = "bench";
    static final String APPLICATION = "loan-review";
    static final String SEEDED = "seed-1";

    /** The seeded tenant's admin key (a system property of the children), for the authorizer's first request. */
    static final String KEY_VARIABLE = "BENCH_ADMIN_KEY";

    /**
     * Each function measured: its handler and its first real request. Every function of template.yaml has SnapStart
     * (Globals); these are the API's busiest routes, the authorizer in front of all of them, and the anchoring run.
     */
    enum Function {
        AUTHORIZER("AuthorizerFunction", ApiKeyAuthorizerHandler::new, () -> {
            APIGatewayV2CustomAuthorizerEvent event = new APIGatewayV2CustomAuthorizerEvent();
            event.setHeaders(Map.of("x-api-key", System.getProperty(KEY_VARIABLE)));
            return event;
        }),
        INGEST("IngestFunction", IngestHandler::new, () -> api("POST /v1/sessions", "/v1/sessions", Map.of(), Role.INGEST,
                "{\"sessionId\":\"first-" + System.nanoTime() + "\",\"applicationId\":\"" + APPLICATION + "\",\"startedAt\":\"2026-11-29T10:00:00Z\",\"intent\":\"i\",\"model\":\"m\"}")),
        OTLP("OtlpFunction", OtlpHandler::new, () -> api("POST /v1/traces", "/v1/traces", Map.of(), Role.INGEST, trace())),
        SESSION_QUERY("SessionQueryFunction", SessionQueryHandler::new, () -> api("GET /v1/sessions/{id}", "/v1/sessions/" + SEEDED, Map.of("id", SEEDED), Role.AUDITOR, null)),
        SESSION_EXPLORER("SessionExplorerFunction", SessionExplorerHandler::new, () -> api("GET /v1/sessions", "/v1/sessions", Map.of(), Role.AUDITOR, null)),
        REVIEW_QUEUE("ReviewsFunction", ReviewsHandler::new, () -> api("GET /v1/review-queue", "/v1/review-queue", Map.of(), Role.ADMIN, null)),
        APPLICATIONS("ApplicationsFunction", ApplicationsHandler::new, () -> api("GET /v1/applications", "/v1/applications", Map.of(), Role.ADMIN, null)),
        METRICS("MetricsFunction", MetricsHandler::new, () -> api("GET /v1/applications/{id}/metrics", "/v1/applications/" + APPLICATION + "/metrics",
                Map.of("id", APPLICATION), Role.ADMIN, null)),
        OVERVIEW("OverviewFunction", OverviewHandler::new, () -> api("GET /v1/overview", "/v1/overview", Map.of(), Role.AUDITOR, null)),
        COMPLIANCE("ComplianceFunction", ComplianceHandler::new, () -> api("GET /v1/scorecards/iso-42001", "/v1/scorecards/iso-42001", Map.of(), Role.ADMIN, null)),
        WHOAMI("WhoAmIFunction", WhoAmIHandler::new, () -> api("GET /v1/whoami", "/v1/whoami", Map.of(), Role.AUDITOR, null)),
        ANCHORING("AnchoringFunction", AnchoringHandler::new, () -> Map.of("source", "aws.scheduler"));

        /** Its resource in template.yaml, whose {@code JAVA_TOOL_OPTIONS} the child JVM runs with. */
        final String logicalId;
        final Supplier<PrimedHandler<?, ?>> handler;
        final Supplier<Object> firstRequest;

        @SuppressWarnings("unchecked")
        Function(String logicalId, Supplier<? extends PrimedHandler<?, ?>> handler, Supplier<?> firstRequest) {
            this.logicalId = logicalId;
            this.handler = (Supplier<PrimedHandler<?, ?>>) handler;
            this.firstRequest = (Supplier<Object>) firstRequest;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2) {
            child(Function.valueOf(args[0]), Boolean.parseBoolean(args[1]));
            return;
        }
        CloudFormationTemplate template = CloudFormationTemplate.load(CloudFormationTemplate.locate());
        try (LocalAws aws = LocalAws.start(template, "")) {
            Map<String, String> config = new HashMap<>();
            config.put("aws.endpointUrlDynamoDb", aws.endpoint());
            config.put("SESSIONS_TABLE", aws.tableName("SessionsTable"));
            config.put("GOVERNANCE_TABLE", aws.tableName("GovernanceTable"));
            config.put("TRACE_BUFFER_TABLE", aws.tableName("TraceBufferTable"));
            config.put("aws.region", LocalDynamoDb.REGION.id());
            config.put("aws.accessKeyId", LocalDynamoDb.ACCESS_KEY_ID);
            config.put("aws.secretAccessKey", LocalDynamoDb.SECRET_ACCESS_KEY);
            config.put("SIGNER_PRIVATE_KEY", IngestBenchmark.DEV_SIGNER_KEY);
            // nothing is pending when the anchoring run is timed, so it never reaches the chain
            config.put("CHAIN_RPC_URL", "http://127.0.0.1:9");
            config.put("CHAIN_ID", "31337");
            config.put("ANCHOR_CONTRACT", "0x5FbDB2315678afecb367f032d93F642f64180aa3");
            if (System.getProperty("PRIMING_ROUNDS") != null) config.put("PRIMING_ROUNDS", System.getProperty("PRIMING_ROUNDS"));
            config.put(KEY_VARIABLE, seed(aws));
            String only = System.getProperty("bench.functions", ""); // e.g. INGEST,OTLP
            double loadBefore = IngestBenchmark.load();
            System.out.printf(Locale.ROOT, "%-17s %22s %19s %14s %18s   %s%n", "function", "first request, primed", "first, not primed",
                    "second (warm)", "priming took", "JVM options (the template's JAVA_TOOL_OPTIONS)");
            int passed = 0;
            int measured = 0;
            for (Function f : Function.values()) {
                if (!only.isEmpty() && !List.of(only.split(",")).contains(f.name())) continue;
                String jvmOptions = template.environment(f.logicalId).getOrDefault("JAVA_TOOL_OPTIONS", "");
                double[] primed = runChild(f, true, config, jvmOptions);
                double[] cold = runChild(f, false, config, jvmOptions);
                measured++;
                if (primed[0] <= 50) passed++;
                System.out.printf(Locale.ROOT, "%-17s %19.1f ms %16.1f ms %11.1f ms %15.0f ms   %s   %s%n", f, primed[0], cold[0], primed[1],
                        primed[2], primed[0] <= 50 ? "PASS (<= 50 ms)" : "MISS (> 50 ms)", jvmOptions);
            }
            System.out.printf(Locale.ROOT, "%d of %d functions answer their first request after priming within 50 ms;"
                    + " load average (1 min) %.2f before, %.2f after; priming rounds %s%n", passed, measured, loadBefore, IngestBenchmark.load(),
                    config.getOrDefault("PRIMING_ROUNDS", PrimedHandler.DEFAULT_ROUNDS + " (default)"));
        }
    }

    /** An OTLP/JSON export of one agent trace (a root span with the session's annotations), new each call. */
    private static String trace() {
        String traceId = String.format("%032x", System.nanoTime());
        long start = Instant.parse("2026-11-29T10:00:00Z").getEpochSecond() * 1_000_000_000L;
        return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"" + APPLICATION
                + "\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + traceId + "\",\"spanId\":\"b7ad6b7169203331\",\"name\":\"invoke_agent\","
                + "\"startTimeUnixNano\":\"" + start + "\",\"endTimeUnixNano\":\"" + (start + 1_000_000_000L) + "\",\"attributes\":["
                + "{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"invoke_agent\"}},"
                + "{\"key\":\"veriproof.session.id\",\"value\":{\"stringValue\":\"otlp-" + traceId + "\"}},"
                + "{\"key\":\"veriproof.risk.level\",\"value\":{\"stringValue\":\"HIGH\"}}]}]}]}]}";
    }

    /** @return the tenant's admin key */
    private static String seed(LocalAws aws) {
        Instant now = Instant.now();
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build();
        DynamoApplicationStore applications = new DynamoApplicationStore(enhanced, aws.tableName("GovernanceTable"));
        applications.create(new Application(TENANT, APPLICATION, "Loans", RiskLevel.HIGH, 80, "risk", RedactionPolicy.NONE, 1, now, now), "bench");
        new SessionIngest(new DynamoSessionStore(aws.client(), aws.tableName("SessionsTable")), applications, Clock.systemUTC())
                .ingest(new Principal(TENANT, Role.INGEST, "k-bench", Set.of()), Json.parse("{\"sessionId\":\"" + SEEDED + "\",\"applicationId\":\""
                        + APPLICATION + "\",\"startedAt\":\"2026-11-29T09:00:00Z\",\"intent\":\"i\",\"model\":\"m\"}"), Optional.empty(), "req-seed");
        return new AccessService(new DynamoKeyStore(enhanced, aws.tableName("GovernanceTable")), applications, Clock.systemUTC())
                .issueKey(TENANT, "bench", Role.ADMIN, "bench", List.of()).key();
    }

    /** @return first request ms, second request ms, priming ms */
    private static double[] runChild(Function f, boolean primed, Map<String, String> config, String jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.java()));
        if (!jvmOptions.isBlank()) command.addAll(List.of(jvmOptions.trim().split("\\s+")));
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        String extra = System.getProperty("bench.childJvm"); // e.g. -verbose:class, to see what the first request still loads
        if (extra != null) command.addAll(List.of(extra.split(" ")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PrimingBenchmark.class.getName(), f.name(), Boolean.toString(primed)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        double[] result = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                output.append(line).append('\n');
                int at = line.indexOf("RESULT ");
                if (at >= 0) {
                    String[] parts = line.substring(at).split(" ");
                    result = new double[] {Double.parseDouble(parts[1]), Double.parseDouble(parts[2]), Double.parseDouble(parts[3])};
                }
            }
        }
        if (process.waitFor() != 0 || result == null) throw new IllegalStateException(f + " failed:\n" + output);
        if (System.getProperty("bench.childLog") != null) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(System.getProperty("bench.childLog") + "-" + f + "-" + primed + ".log"), output);
        }
        return result;
    }

    /** One function in this fresh JVM: init, priming or not, then the first and the second request, timed. */
    private static void child(Function f, boolean primed) {
        PrimedHandler<?, ?> handler = f.handler.get();
        long primingStart = System.nanoTime();
        if (primed) handler.prime();
        long priming = System.nanoTime() - primingStart;
        System.out.println("MARK first request");
        long first = timed(handler, f.firstRequest.get());
        long second = timed(handler, f.firstRequest.get());
        // formatted whole, then printed: -verbose:class cannot split it
        String result = String.format(Locale.ROOT, "RESULT %.3f %.3f %.1f", first / 1e6, second / 1e6, priming / 1e6);
        System.out.println(result);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static long timed(PrimedHandler handler, Object request) {
        long start = System.nanoTime();
        Object response = ((RequestHandler) handler).handleRequest(request, null);
        long elapsed = System.nanoTime() - start;
        if (response instanceof APIGatewayV2HTTPResponse r && r.getStatusCode() >= 300) {
            throw new IllegalStateException("answered " + r.getStatusCode() + ": " + r.getBody());
        }
        if (response instanceof Map<?, ?> context && context.containsKey("authenticated") && !"true".equals(context.get("authenticated"))) {
            throw new IllegalStateException("the authorizer refused the seeded key: " + context);
        }
        return elapsed;
    }

    private static APIGatewayV2HTTPEvent api(String routeKey, String path, Map<String, String> pathParameters, Role role, String body) {
        String[] methodAndPath = routeKey.split(" ", 2);
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey(routeKey).withRawPath(path).withPathParameters(pathParameters)
                .withHeaders(Map.of("content-type", "application/json")).withBody(body).withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("req-" + System.nanoTime()).withRouteKey(routeKey)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(methodAndPath[0]).withPath(path).build())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder().withLambda(Map.of(
                                "authenticated", "true", "tenantId", TENANT, "role", role.wireName(), "keyId", "k-bench", "applications", "")).build())
                        .build())
                .build();
    }

    private static final class Path {
        static String java() {
            return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }
    }
}
