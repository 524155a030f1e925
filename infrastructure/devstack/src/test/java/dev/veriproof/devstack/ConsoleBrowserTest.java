package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.access.AccessService;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoKeyStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Compliance Center in a real browser: console/e2e/console.e2e.mjs drives Debian's Chromium with
 * playwright-core against this JVM's devstack, after this class seeds a tenant of its own the way an
 * SDK and an administrator would (sessions over two weeks, a deployment record, guardrails, an alert
 * rule, anchoring). Screenshots of each page land in target/console-screenshots.
 */
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of(System.getProperty("console.chromium", "/usr/bin/chromium"));
    private static final String TENANT = "northwind-credit";

    @Test
    void theOfficersAndTheAuditorsWorkflowInChromium() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: install Debian's chromium package (.ci/run does)");
        Devstack stack = RunningDevstack.get();
        ApiClient api = new ApiClient(stack.apiUrl());
        Map<String, String> keys = seed(stack, api);

        assertEquals(200, api.get("/console/", null).status(), "the console is served on the API's own port");
        Path root = Path.of(System.getProperty("veriproof.root", "../.."));
        Path screenshots = Path.of("target", "console-screenshots").toAbsolutePath();
        ProcessBuilder node = new ProcessBuilder("node", "e2e/console.e2e.mjs")
                .directory(root.resolve("console").toFile())
                .redirectErrorStream(true);
        node.environment().put("CONSOLE_URL", stack.consoleUrl());
        node.environment().put("ADMIN_KEY", keys.get("admin"));
        node.environment().put("AUDITOR_KEY", keys.get("auditor"));
        node.environment().put("SESSION_ID", "loan-e2e-0001");
        node.environment().put("SCREENSHOT_DIR", screenshots.toString());
        node.environment().put("CHROMIUM", CHROMIUM.toString());
        Process process = node.start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                System.out.println("[console e2e] " + line);
                output.append(line).append('\n');
            }
        }
        boolean finished = process.waitFor(4, TimeUnit.MINUTES);
        if (!finished) process.destroyForcibly();
        assertTrue(finished, "the browser test finished within 4 minutes");
        assertEquals(0, process.exitValue(), "every browser check held:\n" + output);
        assertTrue(output.toString().contains(" 0 failed"), output.toString());
    }

    /** A tenant of this test's own, so that what the screenshots show is only what is made here. */
    private static Map<String, String> seed(Devstack stack, ApiClient api) {
        String table = Config.governanceTable();
        AccessService access = new AccessService(new DynamoKeyStore(AwsClients.enhancedDynamoDb(), table,
                new DynamoAuditLog(AwsClients.dynamoDb(), table, Clock.systemUTC())),
                new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), table), Clock.systemUTC());
        String admin = access.bootstrapTenant(TENANT, "Northwind Credit").key();
        api.expect(201, api.post("/v1/applications", admin, Map.of("applicationId", "loan-review", "name", "Loan review assistant",
                "declaredRiskLevel", "HIGH", "scoreTarget", 80, "owner", "credit-risk-team",
                "redaction", Map.of("captureContent", true, "redactFields", List.of("content.input")))));
        api.expect(201, api.post("/v1/applications", admin, Map.of("applicationId", "support-bot", "name", "Customer support bot",
                "declaredRiskLevel", "LOW", "scoreTarget", 75, "owner", "customer-care")));
        String ingest = api.expect(201, api.post("/v1/keys", admin, Map.of("role", "ingest", "name", "sdk"))).get("key").asText();
        String auditor = api.expect(201, api.post("/v1/keys", admin, Map.of("role", "auditor", "name", "external auditor"))).get("key").asText();

        api.expect(201, api.post("/v1/alert-rules", admin, Map.of("name", "High-risk decisions", "applicationId", "*",
                "kind", "SESSION_CONDITION", "severity", "HIGH",
                "condition", Map.of("any", List.of(Map.of("field", "riskLevel", "op", "in", "value", List.of("HIGH", "CRITICAL")))))));
        api.expect(201, api.put("/v1/applications/loan-review/guardrails", admin,
                Map.of("guardrails", List.of(Map.of("name", "pii-filter", "settings", Map.of("mode", "mask"))), "note", "initial")));
        api.expect(201, api.post("/v1/deployments", ingest, Map.of("applicationId", "loan-review", "version", "2.3.0",
                "intendedUse", "Pre-screening of consumer loan applications", "environment", "production",
                "adapter", Map.of("provider", "openai", "model", "gpt-4.1"), "deployedAt", Instant.now().minus(20, ChronoUnit.DAYS).toString())));
        api.expect(201, api.post("/v1/sdk-health", ingest, Map.of("applicationId", "loan-review",
                "sdk", Map.of("name", "veriproof-python", "version", "1.4.2"), "exportSuccessRate", 0.998, "circuitBreaker", "CLOSED",
                "latencyMs", Map.of("p50", 12, "p95", 40, "p99", 95.5), "queueDepth", 3, "droppedSessions", 0,
                "reportedAt", Instant.now().minus(1, ChronoUnit.HOURS).toString())));

        List<Map<String, Object>> sessions = new ArrayList<>();
        sessions.add(session("loan-e2e-0001", "loan-review", 2, 0, "APPROVED", "MEDIUM", "ALLOWED", true));
        String[] outcomes = {"APPROVED", "DENIED", "APPROVED", "ESCALATED"};
        String[] risks = {"LOW", "MEDIUM", "HIGH", "MEDIUM"};
        String[] actions = {"ALLOWED", "FLAGGED", "ALLOWED", "BLOCKED"};
        for (int day = 13; day >= 0; day--) {
            for (int i = 0; i < 3; i++) {
                int k = day + i;
                sessions.add(session("loan-e2e-d%02d-%d".formatted(day, i), "loan-review", day, i + 1, outcomes[k % 4], risks[k % 4],
                        actions[k % 4], k % 5 != 0));
                sessions.add(session("bot-e2e-d%02d-%d".formatted(day, i), "support-bot", day, i + 4, outcomes[(k + 1) % 4], "LOW",
                        day == 3 && i == 0 ? "BYPASSED" : actions[(k + 2) % 4], false));
            }
        }
        for (int from = 0; from < sessions.size(); from += 100) {
            JsonNode results = api.expect(207, api.post("/v1/sessions", ingest,
                    Map.of("sessions", sessions.subList(from, Math.min(sessions.size(), from + 100))))).get("results");
            results.forEach(r -> assertEquals("stored", r.get("status").asText(), r.toString()));
        }
        stack.drainStreams();
        api.expect(200, api.post(LocalChainService.FIRE_PATH, null, ""));
        stack.drainStreams();
        return Map.of("admin", admin, "auditor", auditor);
    }

    private static Map<String, Object> session(String id, String app, int daysAgo, int hour, String outcome, String risk,
                                               String guardrail, boolean overseen) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("sessionId", id);
        s.put("applicationId", app);
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(daysAgo, ChronoUnit.DAYS).plus(hour, ChronoUnit.HOURS);
        // early in the UTC day, today's hours may not have come yet: those sessions start a minute ago
        if (startedAt.isAfter(Instant.now())) startedAt = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        s.put("startedAt", startedAt.toString());
        s.put("sdk", Map.of("name", "veriproof-python", "version", "1.4.2"));
        s.put("intent", app.equals("loan-review") ? "credit_decision" : "answer_question");
        s.put("model", app.equals("loan-review") ? "gpt-4.1" : "claude-sonnet");
        if (!risk.equals("LOW")) s.put("reasoning", "Income verified; DTI 0.31");
        s.put("decision", Map.of("outcome", outcome, "confidence", 0.82));
        s.put("riskLevel", risk);
        if (overseen) s.put("humanOversight", Map.of("required", true, "type", "HUMAN_IN_THE_LOOP", "reviewer", "u-17"));
        s.put("guardrails", List.of(Map.of("name", "pii-filter", "action", guardrail, "configVersion", "1")));
        s.put("grounding", Map.of("status", "GROUNDED", "sources", 3));
        if (app.equals("loan-review")) s.put("content", Map.of("input", "Applicant income 52000", "output", "Approved at 7.9%"));
        return s;
    }
}
