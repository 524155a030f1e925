package dev.veriproof.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.chain.Web3jSigner;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.SignedReceipts;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.scoring.GovernanceScore;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.core.session.Session;
import dev.veriproof.core.session.SessionValidator;
import dev.veriproof.core.session.Validation;
import dev.veriproof.ingest.IngestHandler;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalDynamoDb;
import dev.veriproof.local.TemplateTables;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Ingest throughput of {@code POST /v1/sessions} against raw DynamoDB {@code PutItem}, in one run.
 *
 * <pre>
 * mvn -B -o -q -pl bench -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/bench.cp -Dmdep.includeScope=test
 * java -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dveriproof.root=$PWD -cp bench/target/classes:$(cat /tmp/bench.cp) \
 *     dev.veriproof.bench.IngestBenchmark [-Dbench.sessions=5000] [-Dbench.warmup=5000] [-Dbench.dump=times.csv]
 * (the JVM must compile and collect like the deployed function: the template's JAVA_TOOL_OPTIONS; the benchmark refuses to run otherwise)
 * </pre>
 *
 * <p>Starts DynamoDB Local in a JVM of its own ({@code -Dbench.dynamo=in-process}: in this one) with the template's tables, registers an application, and
 * generates N distinct 4 KiB sessions. Then, single-threaded and one session per request, it
 * <ul>
 *   <li>invokes {@link IngestHandler} (the real handler, wired from configuration like in Lambda),
 *       each request expected to answer 201;</li>
 *   <li>writes, with the low-level client's {@code PutItem} and the same {@code attribute_not_exists(pk)}
 *       condition, the very item the handler stores for that session (computed beforehand, under
 *       another tenant so that keys differ) — the reference: what a write of that item costs.</li>
 * </ul>
 * Both sides first warm up ({@code bench.warmup} requests each, long enough for C2 to compile the request path: the
 * line "JIT compiling in them" shows what compilation was left in the measured blocks), then run in alternating blocks (raw-handler, handler-raw, ...), so that
 * neither gets a systematically warmer JVM or database. It prints throughput of each, their ratio
 * (target: handler ≥ 0.70 × raw), and the handler's time excluding DynamoDB per request (target:
 * p99 ≤ 2 ms) — wall time of {@code handleRequest} minus the time its thread spent in DynamoDB
 * round trips, as measured by {@link DbTimer}. A benchmark, not a test: it exits 0 whether or not
 * the targets are met, and non-zero only when something fails.
 */
public final class IngestBenchmark {
    static final int SESSION_BYTES = 4096;
    static final String HANDLER_TENANT = "bench-handler";
    static final String RAW_TENANT = "bench-raw";
    static final String APPLICATION = "loan-review";
    static final double TARGET_RATIO = 0.70;
    static final double TARGET_P99_MS = 2.0;
    /** anvil's first development key, as the devstack uses: the receipts' signer. */
    static final String DEV_SIGNER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    private final int sessions;
    private final int warmUp;
    private final int block;

    private IngestBenchmark(int sessions, int warmUp, int block) {
        this.sessions = sessions;
        this.warmUp = warmUp;
        this.block = block;
    }

    public static void main(String[] args) {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : Integer.getInteger("bench.sessions", 5000);
        // C2 compiles the request path after a few thousand requests (docs/snapstart.md); 500 measured that compilation
        int warmUp = Integer.getInteger("bench.warmup", 5000);
        int block = Integer.getInteger("bench.block", 100);
        new IngestBenchmark(sessions, warmUp, block).run();
    }

    private void run() {
        System.out.printf("VeriProof ingest benchmark: %d sessions of %d bytes (+%d warm-up each side)%n",
                sessions, SESSION_BYTES, warmUp);
        String jvm = jvmAgainstTemplate();
        // DynamoDB Local runs in a JVM of its own unless -Dbench.dynamo=in-process (the layout before 2026-11-30 10:10)
        boolean inProcess = "in-process".equals(System.getProperty("bench.dynamo"));
        try (AutoCloseable database = inProcess ? LocalDynamoDb.start() : DynamoDbProcess.start()) {
            String endpoint = inProcess ? ((LocalDynamoDb) database).endpoint() : ((DynamoDbProcess) database).endpoint();
            DynamoDbClient raw = inProcess ? ((LocalDynamoDb) database).client() : ((DynamoDbProcess) database).client();
            databaseLayout = inProcess ? "DynamoDB Local in this JVM (shares its heap and collector), in memory"
                    : "DynamoDB Local in a JVM of its own (as on Lambda, this JVM holds the handler only), in memory";
            Map<String, String> tables = TemplateTables.createAll(raw,
                    CloudFormationTemplate.load(CloudFormationTemplate.locate()), "bench-");
            String sessionsTable = tables.get("SessionsTable");
            configureHandler(endpoint, sessionsTable, tables.get("GovernanceTable"));
            IngestHandler handler = new IngestHandler();

            int total = warmUp + sessions;
            SessionGenerator generator = new SessionGenerator(42, SESSION_BYTES);
            APIGatewayV2HTTPEvent[] requests = new APIGatewayV2HTTPEvent[total];
            PutItemRequest[] puts = new PutItemRequest[total];
            for (int i = 0; i < total; i++) {
                String body = generator.next("loan-7f3a", i, APPLICATION);
                requests[i] = request(body, String.format("req-%08d", i));
                puts[i] = rawPut(sessionsTable, body, String.format("req-%08d", i));
            }

            for (int i = 0; i < warmUp; i++) {
                putRaw(raw, puts[i]);
                invoke(handler, requests[i]);
            }
            if (DbTimer.calls() == 0) throw new IllegalStateException("DbTimer saw no DynamoDB call: is it on the class path?");
            checkSameItem(raw, sessionsTable, puts[0]);

            double loadBefore = load();
            long[] gcBefore = gc();
            long jitBefore = jitMillis();
            long[] rawNanos = new long[sessions];
            long[] rawDbNanos = new long[sessions];
            long[] handlerNanos = new long[sessions];
            long[] handlerDbNanos = new long[sessions];
            long[] rawClientNanos = new long[sessions];
            long[] handlerClientNanos = new long[sessions];
            long handlerCalls = 0;
            for (int start = 0, b = 0; start < sessions; start += block, b++) {
                int end = Math.min(sessions, start + block);
                for (int side = 0; side < 2; side++) {
                    boolean rawTurn = (side == 0) == (b % 2 == 0); // raw first in even blocks, second in odd ones
                    for (int i = start; i < end; i++) {
                        if (rawTurn) {
                            long[] t = putRaw(raw, puts[warmUp + i]);
                            rawNanos[i] = t[0];
                            rawDbNanos[i] = t[1];
                            rawClientNanos[i] = t[3];
                        } else {
                            long[] t = invoke(handler, requests[warmUp + i]);
                            handlerNanos[i] = t[0];
                            handlerDbNanos[i] = t[1];
                            handlerCalls += t[2];
                            handlerClientNanos[i] = t[3];
                        }
                    }
                }
            }
            long[] gcAfter = gc();
            long jitAfter = jitMillis();
            double loadAfter = load();
            report(rawNanos, rawDbNanos, handlerNanos, handlerDbNanos, handlerCalls);
            split(rawClientNanos, handlerNanos, handlerDbNanos, handlerClientNanos);
            String dump = System.getProperty("bench.dump");
            if (dump != null) {
                StringBuilder csv = new StringBuilder("request,handler_ns,handler_db_ns,handler_sdk_ns,raw_ns,raw_db_ns,raw_sdk_ns\n");
                for (int i = 0; i < sessions; i++) {
                    csv.append(i).append(',').append(handlerNanos[i]).append(',').append(handlerDbNanos[i]).append(',').append(handlerClientNanos[i])
                            .append(',').append(rawNanos[i]).append(',').append(rawDbNanos[i]).append(',').append(rawClientNanos[i]).append('\n');
                }
                java.nio.file.Files.writeString(java.nio.file.Path.of(dump), csv);
            }
            System.out.printf(Locale.ROOT, "Machine                load average (1 min) %.2f before, %.2f after the measured blocks;"
                    + " %d GC pauses of this JVM in them, %d ms in all; JIT compiling in them %d ms (near 0: steady state)%n",
                    loadBefore, loadAfter, gcAfter[0] - gcBefore[0], gcAfter[1] - gcBefore[1], jitAfter - jitBefore);
            System.out.println(jvm);
            receiptSigning(sessions);
        } catch (Exception e) {
            if (e instanceof RuntimeException runtime) throw runtime;
            throw new IllegalStateException(e);
        }
    }

    private String databaseLayout = "";

    /** What Lambda's environment gives the handler; read when the first handler is built. */
    private static void configureHandler(String endpoint, String sessionsTable, String governanceTable) {
        System.setProperty("aws.endpointUrlDynamoDb", endpoint);
        System.setProperty("SESSIONS_TABLE", sessionsTable);
        System.setProperty("GOVERNANCE_TABLE", governanceTable);
        System.setProperty("aws.region", LocalDynamoDb.REGION.id());
        System.setProperty("aws.accessKeyId", LocalDynamoDb.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", LocalDynamoDb.SECRET_ACCESS_KEY);
        System.setProperty("SIGNER_PRIVATE_KEY", DEV_SIGNER_KEY);
        Instant now = Instant.now();
        boolean created = new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), governanceTable).create(
                new Application(HANDLER_TENANT, APPLICATION, "Loan review", RiskLevel.HIGH, 80, "risk-office",
                        RedactionPolicy.NONE, 1, now, now), "bench");
        if (!created) throw new IllegalStateException("application " + APPLICATION + " already exists");
    }

    /** An HTTP API event as API Gateway hands it over once the authorizer has accepted an ingest key. */
    private static APIGatewayV2HTTPEvent request(String body, String requestId) {
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey("POST /v1/sessions")
                .withRawPath("/v1/sessions")
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(requestId)
                        .withRouteKey("POST /v1/sessions")
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withLambda(Map.of("authenticated", "true", "tenantId", HANDLER_TENANT,
                                        "role", "ingest", "keyId", "k-bench", "applications", ""))
                                .build())
                        .build())
                .build();
    }

    /**
     * The item the handler stores for this session ({@code DynamoSessionStore}'s own mapping, from the session
     * computed with the same core functions), under the raw tenant, as a conditional low-level PutItem.
     */
    private static PutItemRequest rawPut(String table, String body, String requestId) {
        return PutItemRequest.builder()
                .tableName(table)
                .item(storedItem(RAW_TENANT, body, requestId))
                .conditionExpression("attribute_not_exists(pk)")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    /** The sessions-table item the handler stores for this body under the tenant. */
    static Map<String, AttributeValue> storedItem(String tenant, String body, String requestId) {
        ObjectNode node = (ObjectNode) Json.parse(body);
        Instant receivedAt = Instant.now();
        Session session = ((Validation.Valid) SessionValidator.validate(node, receivedAt)).session();
        byte[] canonical = Canonical.jcs(node);
        GovernanceScore score = GovernanceScore.of(session);
        return DynamoSessionStore.item(new StoredSession(tenant, session.sessionId(),
                session.applicationId(), session.startedAt(), new String(canonical, StandardCharsets.UTF_8),
                Hashes.hex(Hashes.leafHash(canonical)), score.value(), score.band().name(), score.factors(), receivedAt, requestId,
                session.lacksRequiredOversight()));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    /** @return wall nanoseconds, nanoseconds in DynamoDB, 1, nanoseconds of SDK client work */
    private static long[] putRaw(DynamoDbClient client, PutItemRequest put) {
        DbTimer.reset();
        long start = System.nanoTime();
        client.putItem(put);
        long wall = System.nanoTime() - start;
        return new long[] {wall, DbTimer.nanos(), DbTimer.calls(), DbTimer.clientNanos()};
    }

    /** @return wall nanoseconds, nanoseconds in DynamoDB, DynamoDB round trips, nanoseconds of SDK client work */
    private static long[] invoke(IngestHandler handler, APIGatewayV2HTTPEvent request) {
        DbTimer.reset();
        long start = System.nanoTime();
        APIGatewayV2HTTPResponse response = handler.handleRequest(request, null);
        long wall = System.nanoTime() - start;
        if (response.getStatusCode() != 201) {
            throw new IllegalStateException("request " + request.getRequestContext().getRequestId() + " answered "
                    + response.getStatusCode() + ": " + response.getBody());
        }
        return new long[] {wall, DbTimer.nanos(), DbTimer.calls(), DbTimer.clientNanos()};
    }

    /** The raw reference must write what the handler writes: same attributes, same record size. */
    private static void checkSameItem(DynamoDbClient client, String table, PutItemRequest rawPut) {
        Map<String, AttributeValue> rawItem = rawPut.item();
        String sessionId = rawItem.get("sessionId").s();
        Map<String, AttributeValue> stored = client.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", s("S#" + HANDLER_TENANT + "#" + sessionId)))).item();
        if (!new TreeSet<>(stored.keySet()).equals(new TreeSet<>(rawItem.keySet()))
                || !stored.get("record").s().equals(rawItem.get("record").s())
                || !stored.get("factors").equals(rawItem.get("factors"))) {
            throw new IllegalStateException("the raw reference item differs from the handler's:\n  handler " + stored
                    + "\n  raw     " + rawItem);
        }
    }

    private void report(long[] rawNanos, long[] rawDbNanos, long[] handlerNanos, long[] handlerDbNanos, long handlerCalls) {
        double rawPerSecond = sessions / seconds(rawNanos);
        double handlerPerSecond = sessions / seconds(handlerNanos);
        double ratio = handlerPerSecond / rawPerSecond;
        long[] excluded = new long[sessions];
        long[] rawExcluded = new long[sessions];
        for (int i = 0; i < sessions; i++) {
            excluded[i] = handlerNanos[i] - handlerDbNanos[i];
            rawExcluded[i] = rawNanos[i] - rawDbNanos[i];
        }
        Arrays.sort(excluded);
        Arrays.sort(rawExcluded);
        double p99 = ms(percentile(excluded, 0.99));
        Runtime runtime = Runtime.getRuntime();

        System.out.printf(Locale.ROOT, "%nJVM                    %s %s (%s), %d cores, max heap %d MiB%n",
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                System.getProperty("os.arch"), runtime.availableProcessors(), runtime.maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "Database               %s; blocks of %d alternating%n", databaseLayout, block);
        System.out.printf(Locale.ROOT, "Sessions measured      %d per side, %d bytes of JSON each%n", sessions, SESSION_BYTES);
        System.out.printf(Locale.ROOT, "Raw PutItem            %8.0f items/s   mean %.3f ms, of which DynamoDB %.3f ms (1 round trip)%n",
                rawPerSecond, mean(rawNanos), mean(rawDbNanos));
        System.out.printf(Locale.ROOT, "Handler                %8.0f items/s   mean %.3f ms, of which DynamoDB %.3f ms (%.2f round trips)%n",
                handlerPerSecond, mean(handlerNanos), mean(handlerDbNanos), (double) handlerCalls / sessions);
        System.out.printf(Locale.ROOT, "Ratio handler/raw      %8.2f           target >= %.2f: %s%n",
                ratio, TARGET_RATIO, ratio >= TARGET_RATIO ? "PASS" : "MISS");
        System.out.printf(Locale.ROOT, "Handler excl. DynamoDB p50 %.3f  p95 %.3f  p99 %.3f  max %.3f ms   target p99 <= %.1f ms: %s%n",
                ms(percentile(excluded, 0.50)), ms(percentile(excluded, 0.95)), p99, ms(excluded[sessions - 1]),
                TARGET_P99_MS, p99 <= TARGET_P99_MS ? "PASS" : "MISS");
        System.out.printf(Locale.ROOT, "Raw PutItem excl. DB   p50 %.3f  p95 %.3f  p99 %.3f  max %.3f ms   (SDK client work alone, for comparison)%n",
                ms(percentile(rawExcluded, 0.50)), ms(percentile(rawExcluded, 0.95)), ms(percentile(rawExcluded, 0.99)),
                ms(rawExcluded[sessions - 1]));
        System.out.printf(Locale.ROOT, "Tail against the floor handler excl. DynamoDB p99 / raw PutItem excl. DB p99 = %.2f (same run)%n",
                p99 / ms(percentile(rawExcluded, 0.99)));
    }

    /**
     * Where the handler's own time goes: the SDK's client work for its call (marshalling, SigV4, unmarshalling, which the
     * raw PutItem pays alike) and the rest, VeriProof's own code (parsing, validation, JCS, hashes, the receipt and its
     * signature, the metrics document, the response).
     */
    private void split(long[] rawClientNanos, long[] handlerNanos, long[] handlerDbNanos, long[] handlerClientNanos) {
        long[] code = new long[sessions];
        for (int i = 0; i < sessions; i++) code[i] = handlerNanos[i] - handlerDbNanos[i] - handlerClientNanos[i];
        long[] client = handlerClientNanos.clone();
        long[] raw = rawClientNanos.clone();
        Arrays.sort(code);
        Arrays.sort(client);
        Arrays.sort(raw);
        System.out.printf(Locale.ROOT, "Handler's own time     SDK client work p50 %.3f  p99 %.3f ms (raw PutItem's: p50 %.3f  p99 %.3f);"
                        + " VeriProof's code p50 %.3f  p95 %.3f  p99 %.3f ms%n",
                ms(percentile(client, 0.50)), ms(percentile(client, 0.99)), ms(percentile(raw, 0.50)), ms(percentile(raw, 0.99)),
                ms(percentile(code, 0.50)), ms(percentile(code, 0.95)), ms(percentile(code, 0.99)));
    }

    /**
     * What the handler's time above includes for the receipt's signature (docs/receipts.md): one {@link SignedReceipts#sign}
     * of one receipt — the tree of one leaf, the statement's JCS and the secp256k1 EIP-191 signature — timed alone.
     */
    private static void receiptSigning(int n) {
        Web3jSigner key = Web3jSigner.fromPrivateKey(DEV_SIGNER_KEY);
        long[] nanos = new long[n];
        for (int i = -200; i < n; i++) {
            SignedReceipts.Binding binding = new SignedReceipts.Binding(HANDLER_TENANT, "s-" + i, String.format("%064x", i + 1000), Instant.now().toString());
            long start = System.nanoTime();
            SignedReceipts.sign(List.of(binding), key);
            if (i >= 0) nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "Receipt signing alone  p50 %.3f  p95 %.3f  p99 %.3f ms   (one signature per request; %d, same run)%n",
                ms(percentile(nanos, 0.50)), ms(percentile(nanos, 0.95)), ms(percentile(nanos, 0.99)), n);
    }

    /** The machine's 1-minute load average (as {@code uptime} prints it): the figures mean little on a busy machine. */
    static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Milliseconds the JIT compilers have spent so far (all compiler threads). */
    private static long jitMillis() {
        return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /**
     * The figures hold for the deployed function only if this JVM compiles and collects like it: C1 only or C1 and
     * C2, and the serial collector or not, as {@code IngestFunction}'s {@code JAVA_TOOL_OPTIONS} in template.yaml says.
     * (On this 2-core, 24 GB machine the JVM would otherwise pick G1, whose pauses and barriers the function never has.)
     */
    private static String jvmAgainstTemplate() {
        String options = CloudFormationTemplate.load(CloudFormationTemplate.locate()).environment("IngestFunction")
                .getOrDefault("JAVA_TOOL_OPTIONS", "");
        java.util.regex.Matcher level = java.util.regex.Pattern.compile("-XX:TieredStopAtLevel=(\\d)").matcher(options);
        String deployedLevel = level.find() ? level.group(1) : "4";
        boolean deployedSerial = options.contains("-XX:+UseSerialGC");
        var vm = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        String levelHere = vm.getVMOption("TieredStopAtLevel").getValue();
        boolean serialHere = Boolean.parseBoolean(vm.getVMOption("UseSerialGC").getValue());
        boolean same = levelHere.equals(deployedLevel) && serialHere == deployedSerial;
        if (!same && !"any".equals(System.getProperty("bench.jvm"))) {
            throw new IllegalStateException("this JVM runs with TieredStopAtLevel=" + levelHere + (serialHere ? " and" : " without")
                    + " the serial collector, IngestFunction's with \"" + options + "\": run java with those options"
                    + " (or -Dbench.jvm=any to measure another JVM on purpose)");
        }
        return String.format(Locale.ROOT, "JVM options            TieredStopAtLevel=%s, %s collector here; IngestFunction deploys \"%s\"%s",
                levelHere, serialHere ? "serial" : "another", options, same ? " (the same)" : "   (another JVM on purpose: -Dbench.jvm=any)");
    }

    /** Collections so far and their total time in ms, all collectors. */
    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (var collector : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, collector.getCollectionCount());
            millis += Math.max(0, collector.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    private static double seconds(long[] nanos) {
        return Arrays.stream(nanos).sum() / 1e9;
    }

    private static double mean(long[] nanos) {
        return ms(Arrays.stream(nanos).sum()) / nanos.length;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** Nearest-rank percentile of sorted values. */
    private static long percentile(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
