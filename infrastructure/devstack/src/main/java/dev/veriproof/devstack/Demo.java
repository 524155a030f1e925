package dev.veriproof.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.MerkleTree;
import dev.veriproof.local.CloudFormationTemplate;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The main job, end to end on the local runtime, with the sample data under {@code events/}: each
 * step says what it expects and prints what happened; the exit code is 0 only if every step held.
 */
final class Demo {
    private final Devstack stack;
    private final ApiClient api;
    private final Path events;
    private final Path stateDir;
    private final PrintStream out = System.out;
    private int failures;

    private Demo(Devstack stack, Path events, Path stateDir) {
        this.stack = stack;
        this.api = new ApiClient(stack.apiUrl());
        this.events = events;
        this.stateDir = stateDir;
    }

    static int run(int port, Path stateDir) throws IOException {
        Path events = CloudFormationTemplate.locate().getParent().resolve("events");
        System.out.println("== VeriProof demo: starting the local stack (DynamoDB Local, HTTP API, handlers from template.yaml)");
        try (Devstack stack = Devstack.start(port, stateDir)) {
            System.out.println("   API " + stack.apiUrl() + ", DynamoDB Local " + stack.dynamoDb().endpoint()
                    + ", tenants " + stack.tenants().stream().map(Seed.SeededTenant::tenantId).toList());
            System.out.println("   Compliance Center console " + stack.consoleUrl() + " (while the demo runs; `serve` keeps it up)");
            Demo demo = new Demo(stack, events, stateDir);
            demo.ingest();
            demo.anchorAndVerify();
            demo.metricsAndAlerts();
            demo.governanceRecords();
            demo.evidenceExport();
            System.out.println(demo.failures == 0 ? "== demo succeeded: every step held" : "== demo FAILED: " + demo.failures + " step(s) did not hold");
            return demo.failures == 0 ? 0 : 1;
        }
    }

    private void ingest() throws IOException {
        Seed.SeededTenant demo = stack.tenant("demo");
        String ingestKey = demo.key("ingest");

        step("1. ingest one session (ingest key)");
        JsonNode receipt = check(201, api.post("/v1/sessions", ingestKey, read("sessions/loan-approved.json")));
        if (receipt != null) {
            out.printf("   stored %s: governance score %d (%s), leaf hash %s%n", receipt.get("sessionId").asText(),
                    receipt.get("governanceScore").asInt(), receipt.get("band").asText(), receipt.get("leafHash").asText());
        }

        step("2. send the same session again: idempotent, the original receipt comes back");
        JsonNode duplicate = check(200, api.post("/v1/sessions", ingestKey, read("sessions/loan-approved.json")));
        if (duplicate != null && receipt != null) {
            expect(duplicate.get("duplicate").asBoolean() && duplicate.get("receivedAt").equals(receipt.get("receivedAt")),
                    "duplicate=true with the original receivedAt " + duplicate.get("receivedAt").asText());
        }

        step("3. a different body under the same sessionId is refused");
        printError(check(409, api.post("/v1/sessions", ingestKey, read("sessions/loan-conflicting.json"))));

        step("4. an invalid session is refused with the field that is wrong");
        printError(check(400, api.post("/v1/sessions", ingestKey, read("sessions/invalid-outcome.json"))));

        step("5. a session of an unregistered application is refused");
        printError(check(422, api.post("/v1/sessions", ingestKey, read("sessions/unknown-application.json"))));

        step("6. a batch of 3 with X-Batch-Root computed by the client (all or nothing)");
        String batch = read("sessions/batch.json");
        String root = clientSideRoot(batch);
        JsonNode results = check(207, api.post("/v1/sessions", ingestKey, batch, Map.of("X-Batch-Root", root)));
        printResults(results);
        if (results != null) {
            int stored = 0;
            for (JsonNode r : results.get("results")) if (r.get("status").asText().equals("stored")) stored++;
            expect(stored == 3, stored + " of 3 stored under root " + root.substring(0, 16) + "...");
        }

        step("7. a batch with a wrong X-Batch-Root stores nothing");
        printError(check(422, api.post("/v1/sessions", ingestKey, read("sessions/batch-mixed.json"), Map.of("X-Batch-Root", root))));

        step("8. a batch without X-Batch-Root: the invalid item does not block the valid ones");
        printResults(check(207, api.post("/v1/sessions", ingestKey, read("sessions/batch-mixed.json"))));

        step("9. an auditor reads the stored session and recomputes its leaf hash offline");
        JsonNode view = check(200, api.get("/v1/sessions/loan-7f3a-0001", demo.key("auditor")));
        if (view != null && receipt != null) {
            String recomputed = Hashes.hex(Hashes.leafHash(Canonical.jcs(view.get("record"))));
            expect(recomputed.equals(receipt.get("leafHash").asText()), "SHA-256(0x00 || JCS(record)) = " + recomputed);
            expect(view.get("record").path("content").path("input").asText().startsWith("sha256:"),
                    "content.input was redacted before storage by loan-review's policy: " + view.get("record").path("content").path("input").asText());
        }

        step("10. tenant isolation: acme's admin cannot see demo's session");
        printError(check(404, api.get("/v1/sessions/loan-7f3a-0001", stack.tenant("acme").key("admin"))));

        step("11. roles: an ingest key may not read sessions, a revoked key is refused at once");
        printError(check(403, api.get("/v1/sessions/loan-7f3a-0001", ingestKey)));
        JsonNode created = check(201, api.post("/v1/keys", demo.key("admin"), Map.of("role", "ingest", "name", "short-lived")));
        if (created != null) {
            check(200, api.delete("/v1/keys/" + created.get("id").asText(), demo.key("admin")));
            printError(check(401, api.post("/v1/sessions", created.get("key").asText(), read("sessions/loan-approved.json"))));
        }
    }

    /** Anchoring (SPEC §6.3) and the auditor's offline check (§6.5) of the session ingested in step 1. */
    private void anchorAndVerify() throws IOException {
        Seed.SeededTenant demo = stack.tenant("demo");
        String sessionId = Json.parse(read("sessions/loan-approved.json")).get("sessionId").asText();

        step("anchor 1. fire the anchoring schedule: one Merkle tree over every pending session, its root sent to Anchor.sol");
        JsonNode run = check(200, api.post(LocalChainService.FIRE_PATH, null, ""));
        if (run != null) {
            out.printf("   run %s: %d session(s) anchored in batch(es) %s%n", run.get("outcome").asText(), run.get("sessions").asInt(), run.get("batchIds"));
            expect(run.get("outcome").asText().equals("ANCHORED"), "the pending sessions were anchored");
        }

        step("anchor 2. an ingest key fetches the session's inclusion proof and anchor");
        JsonNode proof = check(200, api.get("/v1/sessions/" + sessionId + "/proof", demo.key("ingest")));
        if (proof != null) {
            JsonNode anchor = proof.get("anchor");
            out.printf("   leaf %d of %d, %d audit path hash(es), root %s%n   tx %s in block %d on chain %d (contract %s)%n",
                    proof.get("proof").get("leafIndex").asLong(), proof.get("proof").get("treeSize").asLong(),
                    proof.get("proof").get("auditPath").size(), proof.get("proof").get("root").asText(),
                    anchor.get("txHash").asText(), anchor.get("blockNumber").asLong(), anchor.get("chainId").asLong(), anchor.get("contract").asText());
        }

        step("anchor 3. acme's admin cannot read demo's proof");
        printError(check(404, api.get("/v1/sessions/" + sessionId + "/proof", stack.tenant("acme").key("admin"))));

        step("anchor 4. the auditor's standalone verifier: record -> leaf hash -> root -> Anchored event on the chain");
        JsonNode session = check(200, api.get("/v1/sessions/" + sessionId, demo.key("auditor")));
        if (proof != null && session != null) {
            com.fasterxml.jackson.databind.node.ObjectNode evidence = Json.mapper().createObjectNode();
            evidence.put("sessionId", sessionId);
            evidence.set("record", session.get("record"));
            evidence.set("leafHash", proof.get("leafHash"));
            evidence.set("proof", proof.get("proof"));
            evidence.set("anchor", proof.get("anchor"));
            Path file = Files.createTempFile("veriproof-evidence", ".json");
            try {
                Files.write(file, Json.write(evidence));
                out.println("   java -jar verifier/target/verifier.jar " + file.getFileName() + " --rpc " + stack.chain().rpcUrl());
                java.io.ByteArrayOutputStream report = new java.io.ByteArrayOutputStream();
                int exit = dev.veriproof.verifier.Main.run(new String[] {file.toString(), "--rpc", stack.chain().rpcUrl()},
                        new PrintStream(report, true, java.nio.charset.StandardCharsets.UTF_8), out);
                report.toString(java.nio.charset.StandardCharsets.UTF_8).lines().forEach(line -> out.println("   | " + line));
                expect(exit == 0, "the verifier exits 0");
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Aggregation from the sessions stream, risk, and an alert firing with a signed webhook (issue 3). */
    private void metricsAndAlerts() throws IOException {
        String admin = stack.tenant("demo").key("admin");
        String ingestKey = stack.tenant("demo").key("ingest");

        step("scoring 1. the sessions stream rolled loan-review up by day: GET /v1/applications/loan-review/metrics");
        stack.drainStreams();
        JsonNode metrics = check(200, api.get("/v1/applications/loan-review/metrics", admin));
        if (metrics != null) {
            out.printf("   7 days: %s sessions, average %s; 30 days: %s sessions, average %s%n",
                    metrics.get("rolling7d").get("sessions"), metrics.get("rolling7d").get("averageScore"),
                    metrics.get("rolling30d").get("sessions"), metrics.get("rolling30d").get("averageScore"));
            out.printf("   guardrail failure rate %s, anchor coverage %s, human oversight coverage %s, risk %s, target %s met: %s%n",
                    metrics.get("guardrailFailureRate"), metrics.get("anchorCoverage"), metrics.get("humanOversightCoverage"),
                    metrics.get("risk"), metrics.get("scoreTarget"), metrics.get("meetsTarget"));
            for (JsonNode day : metrics.get("daily")) out.printf("   %s%n", day);
            expect(metrics.get("rolling30d").get("sessions").asInt() > 0, "the sessions ingested above are counted");
        }

        try (WebhookReceiver receiver = new WebhookReceiver(0)) {
            step("scoring 2. an alert rule: any CRITICAL session of loan-review, signed webhook to a local receiver");
            String secret = "demo-webhook-secret-0123456789";
            JsonNode rule = check(201, api.post("/v1/alert-rules", admin, Map.of("name", "critical loan decisions",
                    "applicationId", "loan-review", "kind", "SESSION_CONDITION", "severity", "CRITICAL",
                    "condition", Map.of("any", List.of(Map.of("field", "riskLevel", "op", "in", "value", List.of("CRITICAL")))),
                    "notify", Map.of("webhookUrl", receiver.url(), "webhookSecret", secret, "eventBridge", true))));
            if (rule != null) out.printf("   rule %s -> %s%n", rule.get("ruleId").asText(), receiver.url());

            step("scoring 3. a CRITICAL session arrives: the stream opens one alert and the webhook is delivered, signed");
            String startedAt = java.time.Instant.now().minusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
            check(201, api.post("/v1/sessions", ingestKey, Map.of("sessionId", "demo-critical-" + System.currentTimeMillis(),
                    "applicationId", "loan-review", "startedAt", startedAt, "riskLevel", "CRITICAL", "intent", "credit_decision",
                    "decision", Map.of("outcome", "DENIED", "confidence", 0.41))));
            stack.drainStreams();
            List<WebhookReceiver.Delivery> deliveries = receiver.await(1, 15_000);
            expect(!deliveries.isEmpty(), "a webhook delivery arrived");
            String alertId = null;
            if (!deliveries.isEmpty()) {
                WebhookReceiver.Delivery delivery = deliveries.get(0);
                String expected = dev.veriproof.core.alerts.WebhookSignature.of(delivery.body(), secret);
                out.printf("   X-Signature-256: %s%n   body: %s%n", delivery.header("X-Signature-256"), new String(delivery.body(), java.nio.charset.StandardCharsets.UTF_8));
                expect(expected.equals(delivery.header("X-Signature-256")), "the signature is the HMAC-SHA256 of the raw body with the rule's secret");
                alertId = Json.parse(delivery.body()).get("alert").get("id").asText();
            }

            step("scoring 4. GET /v1/alerts shows it OPEN; resolving it needs the corrective-action note");
            JsonNode alerts = check(200, api.get("/v1/alerts?status=OPEN&applicationId=loan-review", admin));
            if (alerts != null) for (JsonNode a : alerts.get("alerts")) out.printf("   %s %s %s occurrences %s%n", a.get("id").asText(), a.get("status").asText(), a.get("kind").asText(), a.get("occurrences"));
            if (alertId != null) {
                JsonNode resolved = check(200, api.post("/v1/alerts/" + alertId + "/resolve", admin, Map.of("note", "Reviewed the denial with the credit team; threshold recalibrated.")));
                if (resolved != null) out.printf("   %s resolved: %s%n", alertId, resolved.get("resolution").asText());
            }
        }

        step("scoring 5. loan-review's risk classification (declared, observed, effective) and its recorded changes");
        JsonNode risk = check(200, api.get("/v1/applications/loan-review/risk", admin));
        if (risk != null) {
            out.printf("   declared %s, observed %s, effective %s%n", risk.get("declared").asText(), risk.get("observed").asText(), risk.get("effective").asText());
            for (JsonNode change : risk.get("history")) out.printf("   %s %s -> %s: %s%n", change.get("at").asText(), change.get("old").asText(), change.get("new").asText(), change.get("reason").asText());
        }
    }

    private String clientSideRoot(String batch) {
        List<byte[]> leaves = new ArrayList<>();
        for (JsonNode session : Json.parse(batch).get("sessions")) leaves.add(Hashes.leafHash(Canonical.jcs(session)));
        return Hashes.hex(MerkleTree.rootOf(leaves));
    }

    private String read(String name) throws IOException {
        return Files.readString(events.resolve(name));
    }

    /** Governance records (issue 5): a signed deployment record, a human review, the audit log's hash chain. */
    private void governanceRecords() throws IOException {
        Seed.SeededTenant demo = stack.tenant("demo");
        String admin = demo.key("admin");

        step("governance 1. a deployment context record of loan-review, hashed and signed by the deployment key");
        String deployment = read("governance/deployment-loan-review.json");
        JsonNode record = check(201, api.post("/v1/deployments", demo.key("ingest"), deployment));
        if (record != null) {
            out.printf("   sha256    %s (SHA-256 of the record's RFC 8785 form)%n   signature %s%n   signer    %s (EIP-191)%n",
                    record.get("sha256").asText(), record.get("signature").asText(), record.get("signerAddress").asText());
            byte[] canonical = Canonical.jcs(Json.parse(deployment));
            expect(Hashes.hex(Hashes.sha256(canonical)).equals(record.get("sha256").asText()), "the hash recomputed from the record as sent matches");
            expect(dev.veriproof.chain.Web3jSigner.verifyPersonalMessage(canonical, record.get("signature").asText(), record.get("signerAddress").asText()),
                    "the signature recovers to the signer address");
        }

        step("governance 2. a HIGH-risk session without oversight waits in the review queue until a human reviews it");
        String sessionId = Json.parse(read("governance/loan-unreviewed.json")).get("sessionId").asText();
        check(201, api.post("/v1/sessions", demo.key("ingest"), read("governance/loan-unreviewed.json")));
        JsonNode queue = check(200, api.get("/v1/review-queue?applicationId=loan-review", admin));
        if (queue != null) expect(queue.get("sessions").findValuesAsText("sessionId").contains(sessionId), sessionId + " is in the review queue");
        JsonNode review = check(201, api.post("/v1/sessions/" + sessionId + "/reviews", admin, read("governance/review-loan-unreviewed.json")));
        if (review != null) {
            out.printf("   review %s: %s by %s, \"%s\"%n", review.get("id").asText(), review.get("outcome").asText(),
                    review.get("reviewer").asText(), review.get("note").asText());
        }
        JsonNode after = check(200, api.get("/v1/review-queue?applicationId=loan-review", admin));
        if (after != null) expect(!after.get("sessions").findValuesAsText("sessionId").contains(sessionId), "the review took it off the queue");
        JsonNode session = check(200, api.get("/v1/sessions/" + sessionId, demo.key("auditor")));
        if (session != null) expect(session.get("reviews").size() == 1, "the auditor sees the review with the session");

        step("governance 3. the audit log: every administrative action, one hash chain per tenant");
        JsonNode log = check(200, api.get("/v1/audit-log?limit=1000", demo.key("auditor")));
        JsonNode verification = check(200, api.get("/v1/audit-log/verify", demo.key("auditor")));
        if (log != null && verification != null) {
            List<dev.veriproof.core.audit.AuditEntry> entries = new ArrayList<>();
            for (JsonNode entry : log.get("entries")) {
                entries.add(dev.veriproof.core.audit.AuditEntry.fromJson(entry));
                out.printf("   #%-3d %-18s %-32s by %-24s hash %s...%n", entry.get("seq").asLong(), entry.get("action").asText(),
                        entry.get("target").asText(), entry.get("actor").asText(), entry.get("hash").asText().substring(0, 16));
            }
            expect(verification.get("intact").asBoolean(), "the server's chain check: intact, " + verification.get("entriesChecked").asInt()
                    + " entries up to seq " + verification.get("lastSeq").asLong());
            expect(dev.veriproof.core.audit.AuditChain.verify(entries).intact(), "the same check run here on the downloaded entries: intact");
            if (entries.size() > 2) {
                List<dev.veriproof.core.audit.AuditEntry> removed = new ArrayList<>(entries);
                removed.remove(1);
                var broken = dev.veriproof.core.audit.AuditChain.verify(removed).firstBreak();
                expect(broken.isPresent(), "with entry #2 removed the check fails: " + broken.map(b -> b.problem() + ", " + b.message()).orElse("not detected"));
            }
        }
    }

    /** Evidence export (issue 6): the state machine writes the ISO/IEC 42001 package, the auditor downloads and verifies it. */
    private void evidenceExport() throws IOException {
        Seed.SeededTenant demo = stack.tenant("demo");
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        java.time.LocalDate to = today.isBefore(java.time.LocalDate.parse("2026-11-30")) ? today : java.time.LocalDate.parse("2026-11-30");
        String body = "{\"framework\": \"ISO_42001\", \"from\": \"2026-11-01\", \"to\": \"" + to + "\"}";

        step("export 0. fire the anchoring schedule, so that every session so far has its proof");
        check(200, api.post(LocalChainService.FIRE_PATH, null, ""));

        step("export 1. an admin starts an ISO/IEC 42001 export; the Step Functions state machine (ASL run by aws-local-stepfunctions) writes the ZIP to S3");
        out.println("   POST /v1/exports " + body);
        JsonNode started = check(202, api.post("/v1/exports", demo.key("admin"), body));
        if (started == null) return;
        String id = started.get("id").asText();
        for (LocalStepFunctions.Execution e : stack.evidence().awaitExports()) out.printf("   execution %s: %s%n", e.name(), e.status());
        JsonNode job = check(200, api.get("/v1/exports/" + id, demo.key("auditor")));
        if (job == null) return;
        expect(job.get("status").asText().equals("SUCCEEDED"), "export " + id + " is " + job.get("status").asText()
                + (job.has("sessions") ? " with " + job.get("sessions").asInt() + " session(s)" : "") + (job.has("reason") ? ": " + job.get("reason").asText() : ""));
        String ready = Files.readAllLines(stateDir.resolve("eventbridge-events.jsonl")).stream()
                .filter(line -> line.contains("evidence_package.ready") && line.contains(id)).findFirst().orElse(null);
        expect(ready != null, "evidence_package.ready was published on the tenants' event bus"
                + (ready == null ? "" : ": " + Json.parse(ready).get("Detail").asText()));

        step("export 2. the auditor downloads it with a presigned S3 URL (valid 15 minutes; the download is audit-logged)");
        JsonNode link = check(200, api.get("/v1/exports/" + id + "/download", demo.key("auditor")));
        if (link == null) return;
        out.println("   expires " + link.get("expiresAt").asText() + ", url " + link.get("url").asText().replaceAll("X-Amz-Signature=[0-9a-f]+", "X-Amz-Signature=..."));
        Path zip = Files.createTempFile("veriproof-evidence", ".zip");
        try {
            java.net.http.HttpResponse<Path> download = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(link.get("url").asText())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofFile(zip));
            expect(download.statusCode() == 200, "GET on the presigned URL: HTTP " + download.statusCode() + ", " + Files.size(zip) + " bytes");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        try (java.util.zip.ZipFile file = new java.util.zip.ZipFile(zip.toFile())) {
            file.stream().forEach(e -> out.printf("   %-38s %8d bytes%n", e.getName(), e.getSize()));
            JsonNode scorecard = Json.parse(file.getInputStream(file.getEntry("scorecard.json")).readAllBytes());
            for (JsonNode c : scorecard.get("controls")) out.printf("   %-20s %-8s %s%n", c.get("id").asText(), c.get("verdict").asText(), c.get("evidence"));
        }

        step("export 3. the verifier checks the whole package offline: manifest signature, file hashes, every session's proof and Anchored event");
        out.println("   java -jar verifier/target/verifier.jar " + zip.getFileName() + " --rpc " + stack.chain().rpcUrl());
        java.io.ByteArrayOutputStream report = new java.io.ByteArrayOutputStream();
        int exit = dev.veriproof.verifier.Main.run(new String[] {zip.toString(), "--rpc", stack.chain().rpcUrl()},
                new PrintStream(report, true, java.nio.charset.StandardCharsets.UTF_8), System.err);
        report.toString(java.nio.charset.StandardCharsets.UTF_8).lines().forEach(l -> out.println("   " + l));
        expect(exit == 0, "the verifier exits 0");
        Files.delete(zip);
    }

    private void step(String title) {
        out.println("-- " + title);
    }

    private JsonNode check(int expectedStatus, ApiClient.Response response) {
        boolean ok = response.status() == expectedStatus;
        out.printf("   HTTP %d %s%n", response.status(), ok ? "(as expected)" : "(EXPECTED " + expectedStatus + "): " + response.body());
        if (!ok) failures++;
        return ok && !response.body().isEmpty() ? response.json() : null;
    }

    private void expect(boolean holds, String what) {
        out.println("   " + (holds ? "ok: " : "FAILED: ") + what);
        if (!holds) failures++;
    }

    private void printError(JsonNode body) {
        if (body != null && body.has("error")) {
            JsonNode e = body.get("error");
            out.printf("   error %s%s: %s%n", e.get("code").asText(), e.has("field") ? " at " + e.get("field").asText() : "", e.get("message").asText());
        }
    }

    private void printResults(JsonNode body) {
        if (body == null) return;
        for (JsonNode r : body.get("results")) {
            out.printf("   %-20s %-9s %s%n", r.path("sessionId").asText("?"), r.get("status").asText(),
                    r.has("error") ? r.get("error").get("code").asText() + " " + r.get("error").path("field").asText("")
                            : "score " + r.get("governanceScore").asInt() + " " + r.get("band").asText());
        }
    }
}
