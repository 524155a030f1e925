package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.CloudFormationTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code devstack.jar serve} as a user runs it, in its own process: started again on its state
 * directory it has every kind of data (keys, sessions, anchors and the chain that holds them, alert
 * rules and alerts, exports and their packages); a second one on the same directory is refused;
 * kill -9 leaves no process behind; a chain process that dies is started again on its state.
 * ({@code --fresh} and the stale-child cleanup are {@link StateDirTest}'s.)
 */
class DevstackStateIT {
    private static final Path ROOT = CloudFormationTemplate.locate().getParent();

    private static Process serve(Path dir, Path log, String... extra) throws IOException {
        Path jar = ROOT.resolve("infrastructure/devstack/target/devstack.jar");
        assertTrue(Files.exists(jar), "package the devstack first: " + jar);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "serve", "--port", "0", "--state-dir", dir.toString()));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** devstack.json once the process has written it (it writes it last, when ready). */
    private static JsonNode awaitReady(Process process, Path dir, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            assertTrue(process.isAlive(), "the devstack exited:\n" + Files.readString(log));
            if (Files.readString(log).contains("devstack ready")) return Json.parse(Files.readAllBytes(dir.resolve("devstack.json")));
            Thread.sleep(200);
        }
        throw new AssertionError("the devstack was not ready in 3 minutes:\n" + Files.readString(log));
    }

    private static JsonNode rpc(String url, String method, String param) throws Exception {
        return Json.parse(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":[\"" + param + "\"]}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body());
    }

    private static List<ProcessHandle> children(Process process) {
        return process.descendants().filter(ProcessHandle::isAlive).toList();
    }

    @Test
    void restartedOnItsStateDirItHasEveryKindOfData_aSecondOneIsRefused_kill9LeavesNoProcess() throws Exception {
        Path dir = Files.createTempDirectory("devstack-state");
        Path log = Files.createTempFile("devstack", ".log");
        Process first = serve(dir, log);
        JsonNode state = awaitReady(first, dir, log);
        ApiClient api = new ApiClient(state.get("apiUrl").asText());
        String admin = state.get("tenants").get(0).get("keys").get("admin").asText();
        String ingest = state.get("tenants").get(0).get("keys").get("ingest").asText();
        String app = state.get("tenants").get(0).get("applications").get(0).asText();
        ApiClient.Response rule = api.post("/v1/alert-rules", admin, """
                {"name":"critical sessions","applicationId":"%s","kind":"SESSION_CONDITION","severity":"CRITICAL",
                 "condition":{"any":[{"field":"riskLevel","op":"in","value":["CRITICAL"]}]}}""".formatted(app));
        assertEquals(201, rule.status(), rule.body());
        String sessionId = "restart-" + UUID.randomUUID();
        assertEquals(201, api.post("/v1/sessions", ingest, """
                {"sessionId":"%s","applicationId":"%s","startedAt":"2026-11-20T10:15:00Z","intent":"i","model":"m","riskLevel":"CRITICAL"}"""
                .formatted(sessionId, app)).status());
        long alertDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        JsonNode alerts = api.get("/v1/alerts", admin).json();
        while (alerts.path("alerts").isEmpty()) {
            assertTrue(System.nanoTime() < alertDeadline, "no alert: " + alerts);
            Thread.sleep(300);
            alerts = api.get("/v1/alerts", admin).json();
        }
        String alertId = alerts.path("alerts").get(0).path("id").asText();
        assertEquals(200, api.post(LocalChainService.FIRE_PATH, null, "").status());
        JsonNode anchored = api.get("/v1/sessions/" + sessionId, admin).json();
        assertTrue(anchored.has("anchor"), anchored.toString());
        ApiClient.Response export = api.post("/v1/exports", admin, "{\"framework\":\"ISO_42001\",\"from\":\"2026-11-01\",\"to\":\"2026-11-25\"}");
        assertEquals(202, export.status(), export.body());
        String exportId = export.json().get("id").asText();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!api.get("/v1/exports/" + exportId, admin).json().get("status").asText().equals("SUCCEEDED")) {
            assertTrue(System.nanoTime() < deadline, "the export did not succeed: " + api.get("/v1/exports/" + exportId, admin).body());
            Thread.sleep(500);
        }

        Path secondLog = Files.createTempFile("devstack-second", ".log");
        Process second = serve(dir, secondLog);
        assertTrue(second.waitFor(2, TimeUnit.MINUTES), "the second devstack did not stop");
        assertNotEquals(0, second.exitValue());
        assertTrue(Files.readString(secondLog).contains("is in use by another devstack (pid " + first.pid() + ")"), Files.readString(secondLog));

        List<ProcessHandle> firstChildren = children(first);
        assertFalse(firstChildren.isEmpty(), "the chain runs as a child process");
        first.destroyForcibly(); // kill -9: no shutdown hook runs
        first.waitFor();
        // the chain ends by itself within a second or two (its shell watches the JVM); anything else it left is
        // recorded in the state dir and ended by the next start
        List<ProcessHandle> chainProcesses = firstChildren.stream().filter(p -> !p.info().command().orElse("").endsWith("node")).toList();
        long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (chainProcesses.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < gone) Thread.sleep(100);
        assertTrue(chainProcesses.stream().noneMatch(ProcessHandle::isAlive), "the chain outlived the killed devstack: " + chainProcesses);

        Path againLog = Files.createTempFile("devstack-again", ".log");
        Process again = serve(dir, againLog);
        try {
            JsonNode resumed = awaitReady(again, dir, againLog);
            assertTrue(firstChildren.stream().noneMatch(ProcessHandle::isAlive), "a child of the killed devstack outlived the next start: " + firstChildren);
            assertEquals(state.get("tenants"), resumed.get("tenants"), "the same keys");
            assertEquals(state.get("anchorContract"), resumed.get("anchorContract"), "the same contract on the same chain");
            ApiClient after = new ApiClient(resumed.get("apiUrl").asText());
            JsonNode session = after.get("/v1/sessions/" + sessionId, admin).json();
            assertEquals(anchored.get("anchor"), session.get("anchor"), "the session and its anchor");
            JsonNode receipt = Json.parse(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(resumed.get("rpcUrl").asText())).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getTransactionReceipt\",\"params\":[\""
                            + session.get("anchor").get("txHash").asText() + "\"]}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            assertEquals("0x1", receipt.path("result").path("status").asText(), "the anchoring transaction is on the resumed chain: " + receipt);
            assertEquals("SUCCEEDED", after.get("/v1/exports/" + exportId, admin).json().get("status").asText());
            assertEquals(200, after.get("/v1/exports/" + exportId + "/download", admin).status(), "the package is still in S3");
            assertEquals(200, after.get("/v1/alert-rules/" + rule.json().get("ruleId").asText(), admin).status(), "the alert rule");
            assertEquals(200, after.get("/v1/alerts/" + alertId, admin).status(), "the alert");

            ProcessHandle node = children(again).stream().filter(p -> p.info().command().orElse("").endsWith("anvil")).findFirst()
                    .orElseThrow(() -> new AssertionError("no anvil among " + children(again)));
            node.destroyForcibly();
            long restarted = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            JsonNode after9 = null;
            while (System.nanoTime() < restarted) {
                try {
                    after9 = rpc(resumed.get("rpcUrl").asText(), "eth_getTransactionReceipt", session.get("anchor").get("txHash").asText());
                    if (after9.path("result").has("status")) break;
                } catch (IOException notYet) {
                    // the node is starting again
                }
                Thread.sleep(200);
            }
            assertTrue(after9 != null && after9.path("result").path("status").asText().equals("0x1"),
                    "the chain answers again, on its state: " + after9);
            assertTrue(children(again).stream().anyMatch(p -> p.info().command().orElse("").endsWith("anvil") && p.pid() != node.pid()));
        } finally {
            List<ProcessHandle> againChildren = children(again);
            again.destroy(); // a normal stop
            assertTrue(again.waitFor(1, TimeUnit.MINUTES));
            Thread.sleep(1500);
            assertTrue(againChildren.stream().noneMatch(ProcessHandle::isAlive), "a child outlived the stopped devstack");
        }

    }
}
