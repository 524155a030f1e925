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
    private final PrintStream out = System.out;
    private int failures;

    private Demo(Devstack stack, Path events) {
        this.stack = stack;
        this.api = new ApiClient(stack.apiUrl());
        this.events = events;
    }

    static int run(int port, Path stateDir) throws IOException {
        Path events = CloudFormationTemplate.locate().getParent().resolve("events");
        System.out.println("== VeriProof demo: starting the local stack (DynamoDB Local, HTTP API, handlers from template.yaml)");
        try (Devstack stack = Devstack.start(port, stateDir)) {
            System.out.println("   API " + stack.apiUrl() + ", DynamoDB Local " + stack.dynamoDb().endpoint()
                    + ", tenants " + stack.tenants().stream().map(Seed.SeededTenant::tenantId).toList());
            Demo demo = new Demo(stack, events);
            demo.ingest();
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

    private String clientSideRoot(String batch) {
        List<byte[]> leaves = new ArrayList<>();
        for (JsonNode session : Json.parse(batch).get("sessions")) leaves.add(Hashes.leafHash(Canonical.jcs(session)));
        return Hashes.hex(MerkleTree.rootOf(leaves));
    }

    private String read(String name) throws IOException {
        return Files.readString(events.resolve(name));
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
