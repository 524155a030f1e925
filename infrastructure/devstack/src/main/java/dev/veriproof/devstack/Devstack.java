package dev.veriproof.devstack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalDynamoDb;
import dev.veriproof.local.TemplateTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Optional;

/**
 * The local runtime of SPEC §12: the whole stack on loopback with no AWS account and no Docker.
 * <pre>
 * java -jar infrastructure/devstack/target/devstack.jar serve --port 8080 --state-dir /tmp/vp [--fresh]
 * java -jar infrastructure/devstack/target/devstack.jar demo
 * </pre>
 * Everything lives in the state directory ({@link StateDir}): started again on it, the devstack has
 * the same keys, sessions, anchors (the chain too), alerts and exports; {@code --fresh} starts empty.
 */
public final class Devstack implements AutoCloseable {
    private final LocalDynamoDb dynamoDb;
    private final LocalHttpApi api;
    private final LocalStreams streams;
    private final List<Seed.SeededTenant> tenants;
    private LocalMessaging messaging;
    private LocalChainService chain;
    private LocalEvidence evidence;
    private StateDir state;
    private LocalSchedule sdkHealthWatch;

    private Devstack(LocalDynamoDb dynamoDb, LocalHttpApi api, LocalStreams streams, List<Seed.SeededTenant> tenants) {
        this.dynamoDb = dynamoDb;
        this.api = api;
        this.streams = streams;
        this.tenants = tenants;
    }

    /** Starts everything on {@code stateDir}, resuming what is there. */
    public static Devstack start(int port, Path stateDir) throws IOException {
        return start(port, stateDir, false);
    }

    /**
     * Starts everything on {@code stateDir} (emptied first if {@code fresh}); seeds the two demo tenants
     * unless it resumes an earlier devstack's data; writes {@code stateDir/devstack.json} once ready.
     */
    public static Devstack start(int port, Path stateDir, boolean fresh) throws IOException {
        StateDir state = StateDir.open(stateDir, fresh);
        try {
            return start(port, state);
        } catch (IOException | RuntimeException e) {
            state.close();
            throw e;
        }
    }

    private static Devstack start(int port, StateDir state) throws IOException {
        Path stateDir = state.dir();
        Optional<JsonNode> previous = state.resumes()
                ? Optional.of(Json.parse(Files.readAllBytes(stateDir.resolve("devstack.json")))) : Optional.empty();
        CloudFormationTemplate template = CloudFormationTemplate.load(CloudFormationTemplate.locate());
        LocalDynamoDb dynamoDb = LocalDynamoDb.start(state.dynamoDb());
        LocalHttpApi api = null;
        LocalStreams streams = null;
        LocalChainService chain = null;
        LocalEvidence evidence = null;
        try {
            Map<String, String> tables = TemplateTables.createAll(dynamoDb.client(), template, "");
            configureHandlers(template, tables, dynamoDb.endpoint());
            api = new LocalHttpApi(template, port);
            api.start();
            chain = LocalChainService.start(api, state.chainState(),
                    previous.map(p -> p.path("anchorContract").asText("")).filter(a -> !a.isEmpty()), state::recordChild);
            evidence = LocalEvidence.start(CloudFormationTemplate.locate(), api, state.s3(), state::recordChild);
            LocalMessaging messaging = LocalMessaging.start(CloudFormationTemplate.locate(), api::handler, stateDir);
            streams = new LocalStreams(template.streamSubscriptions(), tables, dynamoDb.client(), dynamoDb.streamsClient(),
                    api::handler, stateDir.resolve("stream-failures.jsonl"));
            streams.start();
            chain.beforeEachRun(streams::drain);
            List<Seed.SeededTenant> tenants = previous.isPresent() ? Seed.fromState(previous.get()) : Seed.seed("http://127.0.0.1:" + api.port());
            Devstack devstack = new Devstack(dynamoDb, api, streams, tenants);
            devstack.state = state;
            devstack.messaging = messaging;
            devstack.chain = chain;
            devstack.evidence = evidence;
            devstack.sdkHealthWatch = LocalSchedule.start(CloudFormationTemplate.locate(), api, "SdkHealthWatchFunction", "sdk-health-watch",
                    Long.parseLong(System.getProperty("DEVSTACK_SDK_WATCH_INTERVAL_SECONDS", "60")));
            devstack.writeState(stateDir);
            return devstack;
        } catch (IOException | RuntimeException e) {
            if (streams != null) streams.close();
            if (evidence != null) evidence.close();
            if (chain != null) chain.close();
            if (api != null) api.close();
            dynamoDb.close();
            throw e;
        }
    }

    /**
     * The handlers read their configuration like on Lambda; here it comes from the template's global
     * environment, with each table reference resolved to the local table's name.
     */
    private static void configureHandlers(CloudFormationTemplate template, Map<String, String> tables, String dynamoEndpoint) {
        template.globalEnvironment().forEach((name, value) -> {
            if (!name.equals("JAVA_TOOL_OPTIONS")) System.setProperty(name, tables.getOrDefault(value, value));
        });
        System.setProperty("aws.endpointUrlDynamoDb", dynamoEndpoint);
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        // The local chain's well-known development key (anvil's account 0, public): it signs
        // deployment records locally; deployed stacks read theirs from Secrets Manager.
        if (System.getProperty("SIGNER_PRIVATE_KEY") == null) {
            System.setProperty("SIGNER_PRIVATE_KEY", "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
        }
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + api.port();
    }

    /** The Compliance Center, served by the template's console route on the API's own port. */
    public String consoleUrl() {
        return apiUrl() + "/console/";
    }

    public List<Seed.SeededTenant> tenants() {
        return tenants;
    }

    public Seed.SeededTenant tenant(String tenantId) {
        return tenants.stream().filter(t -> t.tenantId().equals(tenantId)).findFirst().orElseThrow();
    }

    LocalChainService chain() {
        return chain;
    }

    LocalEvidence evidence() {
        return evidence;
    }

    public LocalDynamoDb dynamoDb() {
        return dynamoDb;
    }

    /** Returns once every stream record written so far has been delivered to the stream handlers. */
    public void drainStreams() {
        streams.drain();
    }

    /** Returns once every alert notification due now has been delivered (webhook or event bus). */
    public void drainNotifications() {
        messaging.drain();
    }

    void addControl(String path, LocalHttpApi.ControlEndpoint endpoint) {
        api.addControl(path, endpoint);
    }

    private void writeState(Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        ObjectNode state = Json.mapper().createObjectNode();
        state.put("apiUrl", apiUrl());
        state.put("consoleUrl", consoleUrl());
        state.put("dynamodbEndpoint", dynamoDb.endpoint());
        if (chain != null) chain.describe(state);
        if (evidence != null) state.put("s3Endpoint", evidence.s3Endpoint());
        ArrayNode tenantsNode = state.putArray("tenants");
        for (Seed.SeededTenant tenant : tenants) {
            ObjectNode node = tenantsNode.addObject();
            node.put("tenantId", tenant.tenantId());
            ObjectNode keys = node.putObject("keys");
            tenant.keys().forEach(keys::put);
            ArrayNode apps = node.putArray("applications");
            tenant.applications().forEach(apps::add);
        }
        // written whole, then moved into place, so that a reader never sees half a file
        Path tmp = Files.createTempFile(stateDir, "devstack", ".json");
        Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
        Files.move(tmp, stateDir.resolve("devstack.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        if (sdkHealthWatch != null) sdkHealthWatch.close();
        if (messaging != null) messaging.close();
        if (evidence != null) evidence.close();
        if (chain != null) chain.close();
        streams.close();
        api.close();
        dynamoDb.close();
        if (state != null) state.close();
    }

    public static void main(String[] args) {
        if (args.length == 0) usage();
        Map<String, String> options = options(args);
        try {
            switch (args[0]) {
                case "serve" -> serve(Integer.parseInt(options.getOrDefault("--port", "8080")),
                        Path.of(options.getOrDefault("--state-dir", "devstack-state")), options.containsKey("--fresh"));
                case "demo" -> System.exit(Demo.run(Integer.parseInt(options.getOrDefault("--port", "0")),
                        Path.of(options.getOrDefault("--state-dir", Files.createTempDirectory("veriproof-demo").toString()))));
                default -> usage();
            }
        } catch (Exception e) {
            // servers started by a failed start must not keep the JVM alive
            System.err.println("devstack: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void serve(int port, Path stateDir, boolean fresh) throws Exception {
        Devstack devstack = start(port, stateDir, fresh);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            devstack.close();
            stopped.countDown();
        }, "devstack-shutdown"));
        System.out.println("devstack ready: " + devstack.apiUrl() + " (state: " + stateDir.resolve("devstack.json") + ")");
        System.out.println("Compliance Center console: " + devstack.consoleUrl() + " (sign in with an admin or auditor key from devstack.json)");
        stopped.await();
    }

    private static Map<String, String> options(String[] args) {
        HashMap<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--fresh")) {
                options.put("--fresh", "true");
                continue;
            }
            if (!args[i].startsWith("--") || i + 1 >= args.length) usage();
            options.put(args[i], args[++i]);
        }
        return options;
    }

    private static void usage() {
        System.err.println("usage: devstack.jar serve [--port P] [--state-dir D] [--fresh] | demo [--port P] [--state-dir D]");
        System.exit(2);
    }
}
