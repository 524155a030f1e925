package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.adapters.Config;
import dev.veriproof.core.json.Json;
import dev.veriproof.verifier.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The evidence export through the devstack: the API starts the real state machine (ASL run by
 * aws-local-stepfunctions, Task states calling the local Lambda API), the package lands in the local
 * S3, the auditor downloads it with a presigned URL and the verifier checks the whole package.
 */
class EvidenceExportEndToEndTest {

    @Test
    void exportDownloadVerifyAndTheQuarterlySchedule() throws Exception {
        Devstack stack = RunningDevstack.get();
        ApiClient api = new ApiClient(stack.apiUrl());
        Seed.SeededTenant demo = stack.tenant("demo");
        Seed.SeededTenant acme = stack.tenant("acme");
        String sessionId = "e2e-export-" + UUID.randomUUID();
        assertEquals(201, api.post("/v1/sessions", demo.key("ingest"), """
                {"sessionId":"%s","applicationId":"loan-review","startedAt":"2026-11-21T10:15:00Z","intent":"i","model":"m"}"""
                .formatted(sessionId)).status());
        assertEquals(201, api.post("/v1/sessions", acme.key("ingest"), """
                {"sessionId":"%s","applicationId":"claims-triage","startedAt":"2026-08-10T08:00:00Z","intent":"i","model":"m"}"""
                .formatted(sessionId + "-q3")).status());
        assertEquals(200, api.post(LocalChainService.FIRE_PATH, null, "").status());

        assertEquals(403, api.post("/v1/exports", demo.key("auditor"), "{\"framework\":\"ISO_42001\",\"from\":\"2026-11-01\",\"to\":\"2026-11-25\"}").status());
        ApiClient.Response started = api.post("/v1/exports", demo.key("admin"), "{\"framework\":\"ISO_42001\",\"from\":\"2026-11-01\",\"to\":\"2026-11-25\"}");
        assertEquals(202, started.status(), started.body());
        String id = started.json().get("id").asText();
        stack.evidence().awaitExports();
        JsonNode job = api.get("/v1/exports/" + id, demo.key("auditor")).json();
        assertEquals("SUCCEEDED", job.get("status").asText(), job.toString());
        assertEquals(404, api.get("/v1/exports/" + id, acme.key("admin")).status());

        ApiClient.Response link = api.get("/v1/exports/" + id + "/download", demo.key("auditor"));
        assertEquals(200, link.status(), link.body());
        HttpResponse<byte[]> zip = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link.json().get("url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zip.statusCode());
        String url = link.json().get("url").asText();
        for (String tampered : List.of(url.replace("X-Amz-Expires=900", "X-Amz-Expires=86400"), url.replace("/exports/demo/", "/exports/acme/"),
                url.replaceAll("X-Amz-Signature=[0-9a-f]{8}", "X-Amz-Signature=00000000"))) {
            assertTrue(!tampered.equals(url), "the URL was changed: " + url);
            assertEquals(403, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(tampered)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), "a tampered link is refused: " + tampered);
        }
        Path file = Files.write(Files.createTempFile("evidence", ".zip"), zip.body());
        JsonNode state = Json.parse(Files.readAllBytes(RunningDevstack.stateDir().resolve("devstack.json")));
        assertTrue(state.get("s3Endpoint").asText().startsWith("http://127.0.0.1:"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {file.toString(), "--rpc", state.get("rpcUrl").asText(), "--signer", state.get("signerAddress").asText()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        Files.delete(file);
        assertEquals(0, exit, out.toString(StandardCharsets.UTF_8));

        List<JsonNode> ready = new ArrayList<>();
        for (String line : Files.readAllLines(RunningDevstack.stateDir().resolve("eventbridge-events.jsonl"))) {
            JsonNode entry = Json.parse(line);
            if (entry.path("DetailType").asText().equals("evidence_package.ready") && Json.parse(entry.get("Detail").asText()).get("exportId").asText().equals(id)) {
                ready.add(entry);
            }
        }
        assertEquals(1, ready.size(), "one evidence_package.ready on the bus");
        assertEquals("veriproof.evidence", ready.get(0).get("Source").asText());
        assertEquals(job.get("sessions").asInt(), Json.parse(ready.get(0).get("Detail").asText()).get("sessions").asInt());
        List<String> logged = new ArrayList<>();
        api.get("/v1/audit-log?limit=1000", demo.key("admin")).json().get("entries").forEach(e -> {
            if (e.get("target").asText().equals("export/" + id)) logged.add(e.get("action").asText());
        });
        assertEquals(List.of("exports.start", "exports.complete", "exports.download"), logged);

        ApiClient.Response quarterly = api.post("/_devstack/fire/quarterly-export?at=2026-10-01T02:00:00Z", null, "");
        assertEquals(200, quarterly.status(), quarterly.body());
        assertEquals("2026Q3", quarterly.json().get("quarter").asText());
        assertTrue(quarterly.json().get("started").toString().contains("\"acme\""), quarterly.body());
        assertEquals(1, quarterly.json().get("executions").size(), "acme's one execution: " + quarterly.body());
        quarterly.json().get("executions").forEach(e -> assertEquals("SUCCEEDED", e.get("status").asText(), quarterly.body()));
        JsonNode acmeExport = api.get("/v1/exports/exp_2026Q3", acme.key("auditor")).json();
        assertEquals("SUCCEEDED", acmeExport.get("status").asText(), acmeExport.toString());
        assertEquals("SCHEDULE", acmeExport.get("trigger").asText());
        ApiClient.Response again = api.post("/_devstack/fire/quarterly-export?at=2026-10-01T02:00:00Z", null, "");
        assertEquals(0, again.json().get("started").size(), again.body());
    }

    @Test
    void aStepThatFailsMarksTheExportFailedAndLeavesNoPackage() {
        Devstack stack = RunningDevstack.get();
        ApiClient api = new ApiClient(stack.apiUrl());
        Seed.SeededTenant acme = stack.tenant("acme");
        String sessionId = "e2e-corrupt-" + UUID.randomUUID();
        assertEquals(201, api.post("/v1/sessions", acme.key("ingest"), """
                {"sessionId":"%s","applicationId":"claims-triage","startedAt":"2026-05-10T08:00:00Z","intent":"i","model":"m"}"""
                .formatted(sessionId)).status());
        // the stored record is damaged behind the API's back: the WriteShard step cannot read it
        DynamoDbClient dynamo = stack.dynamoDb().client();
        var item = dynamo.scan(s -> s.tableName(Config.sessionsTable()).filterExpression("sessionId = :id")
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(sessionId)))).items().get(0);
        dynamo.updateItem(u -> u.tableName(Config.sessionsTable()).key(Map.of("pk", item.get("pk")))
                .updateExpression("SET #r = :bad").expressionAttributeNames(Map.of("#r", "record"))
                .expressionAttributeValues(Map.of(":bad", AttributeValue.fromS("{\"sessionId\": truncated"))));

        ApiClient.Response started = api.post("/v1/exports", acme.key("admin"), "{\"framework\":\"ISO_42001\",\"from\":\"2026-05-01\",\"to\":\"2026-05-31\"}");
        assertEquals(202, started.status(), started.body());
        String id = started.json().get("id").asText();
        stack.evidence().awaitExports();
        JsonNode job = api.get("/v1/exports/" + id, acme.key("auditor")).json();
        assertEquals("FAILED", job.get("status").asText(), job.toString());
        assertTrue(job.get("reason").asText().contains("Malformed JSON"), job.toString());
        assertEquals(409, api.get("/v1/exports/" + id + "/download", acme.key("auditor")).status());
        assertNothingLeftOf(id);
        // repaired, as an operator restores a damaged item: the session stays a stored session of its anchored batch, which
        // every later package of the tenant's batches must hold (a deleted one would fail them: VERIFY.md §6)
        dynamo.updateItem(u -> u.tableName(Config.sessionsTable()).key(Map.of("pk", item.get("pk")))
                .updateExpression("SET #r = :good").expressionAttributeNames(Map.of("#r", "record"))
                .expressionAttributeValues(Map.of(":good", item.get("record"))));
    }

    @Test
    void aRunnerKilledMidExportLeavesAFailedJobWithNothingBehind_andTheRetrySucceeds() throws Exception {
        Devstack stack = RunningDevstack.get();
        ApiClient api = new ApiClient(stack.apiUrl());
        Seed.SeededTenant acme = stack.tenant("acme");
        assertEquals(201, api.post("/v1/sessions", acme.key("ingest"), """
                {"sessionId":"%s","applicationId":"claims-triage","startedAt":"2026-04-10T08:00:00Z","intent":"i","model":"m"}"""
                .formatted("e2e-killed-" + UUID.randomUUID())).status());
        ApiClient.Response started = api.post("/v1/exports", acme.key("admin"), "{\"framework\":\"ISO_42001\",\"from\":\"2026-04-01\",\"to\":\"2026-04-30\"}");
        assertEquals(202, started.status(), started.body());
        String id = started.json().get("id").asText();
        LocalStepFunctions sfn = stack.evidence().stepFunctions();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        String execution = null;
        while (execution == null && System.nanoTime() < deadline) {
            execution = sfn.runningExecutions().stream().filter(n -> n.startsWith(id + "-")).findFirst().orElse(null);
            if (execution == null) Thread.sleep(20);
        }
        assertTrue(execution != null && sfn.abort(execution), "the export's runner was running");
        stack.evidence().awaitExports();

        JsonNode job = api.get("/v1/exports/" + id, acme.key("auditor")).json();
        assertEquals("FAILED", job.get("status").asText(), job.toString());
        assertTrue(job.get("reason").asText().contains("ended ABORTED"), job.toString());
        List<String> logged = new ArrayList<>();
        api.get("/v1/audit-log?limit=1000", acme.key("admin")).json().get("entries").forEach(e -> {
            if (e.get("target").asText().equals("export/" + id)) logged.add(e.get("action").asText());
        });
        assertEquals(List.of("exports.start", "exports.fail"), logged);
        assertNothingLeftOf(id);

        ApiClient.Response retried = api.post("/v1/exports/" + id + "/retry", acme.key("admin"), "");
        assertEquals(202, retried.status(), retried.body());
        stack.evidence().awaitExports();
        JsonNode done = api.get("/v1/exports/" + id, acme.key("auditor")).json();
        assertEquals("SUCCEEDED", done.get("status").asText(), done.toString());
        assertEquals(2, done.get("attempt").asInt());
        assertEquals(200, api.get("/v1/exports/" + id + "/download", acme.key("auditor")).status());
    }

    /** No package, no staged object and no open multipart upload of the export are left in the bucket. */
    private static void assertNothingLeftOf(String id) {
        try (S3Client s3 = s3()) {
            String bucket = System.getProperty("EVIDENCE_BUCKET");
            for (String prefix : List.of("exports/acme/" + id, "staging/acme/" + id)) {
                assertEquals(0, s3.listObjectsV2(l -> l.bucket(bucket).prefix(prefix)).keyCount(), "nothing left under " + prefix);
                assertTrue(s3.listMultipartUploads(l -> l.bucket(bucket).prefix(prefix)).uploads().isEmpty(), "no upload left under " + prefix);
            }
        }
    }

    private static S3Client s3() {
        return S3Client.builder().endpointOverride(URI.create(System.getProperty("aws.endpointUrlS3"))).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build();
    }

    /** An export of acme's April with one session in it; answers its id. */
    private static String startAprilExport(ApiClient api, Seed.SeededTenant acme, String label) {
        assertEquals(201, api.post("/v1/sessions", acme.key("ingest"), """
                {"sessionId":"%s","applicationId":"claims-triage","startedAt":"2026-04-12T08:00:00Z","intent":"i","model":"m"}"""
                .formatted("e2e-" + label + "-" + UUID.randomUUID())).status());
        ApiClient.Response started = api.post("/v1/exports", acme.key("admin"), "{\"framework\":\"ISO_42001\",\"from\":\"2026-04-01\",\"to\":\"2026-04-30\"}");
        assertEquals(202, started.status(), started.body());
        return started.json().get("id").asText();
    }

    @Test
    void s3FailingMidExportLeavesAFailedJobWithNoPackageAndNothingStaged_andTheRetrySucceeds() throws Exception {
        Devstack stack = RunningDevstack.get();
        ApiClient api = new ApiClient(stack.apiUrl());
        Seed.SeededTenant acme = stack.tenant("acme");
        FaultyBlobStore store = stack.evidence().s3().store();
        int failedBefore = store.failedWrites();
        String id;
        try {
            store.failWrites(2, Integer.MAX_VALUE); // two staging writes land, then S3 refuses every write until healed
            id = startAprilExport(api, acme, "s3-down");
            stack.evidence().awaitExports();
        } finally {
            store.heal();
        }
        assertTrue(store.failedWrites() > failedBefore, "the outage was hit");
        JsonNode job = api.get("/v1/exports/" + id, acme.key("auditor")).json();
        assertEquals("FAILED", job.get("status").asText(), job.toString());
        assertTrue(job.get("reason").asText().contains("Service: S3"), "the reason names S3's refusal: " + job);
        assertNothingLeftOf(id);
        assertEquals(409, api.get("/v1/exports/" + id + "/download", acme.key("auditor")).status());

        assertEquals(200, api.post(LocalChainService.FIRE_PATH, null, "").status(), "anchored, so the retried package verifies in full");
        ApiClient.Response retried = api.post("/v1/exports/" + id + "/retry", acme.key("admin"), "");
        assertEquals(202, retried.status(), retried.body());
        stack.evidence().awaitExports();
        JsonNode done = api.get("/v1/exports/" + id, acme.key("auditor")).json();
        assertEquals("SUCCEEDED", done.get("status").asText(), done.toString());
        String url = api.get("/v1/exports/" + id + "/download", acme.key("auditor")).json().get("url").asText();
        HttpResponse<byte[]> zip = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zip.statusCode());
        Path file = Files.write(Files.createTempFile("evidence", ".zip"), zip.body());
        JsonNode state = Json.parse(Files.readAllBytes(RunningDevstack.stateDir().resolve("devstack.json")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {file.toString(), "--rpc", state.get("rpcUrl").asText(), "--signer", state.get("signerAddress").asText()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        Files.delete(file);
        assertEquals(0, exit, "the retried package verifies: " + out.toString(StandardCharsets.UTF_8));
        try (S3Client s3 = s3()) {
            assertEquals(0, s3.listObjectsV2(l -> l.bucket(System.getProperty("EVIDENCE_BUCKET")).prefix("staging/acme/" + id)).keyCount());
        }
    }

    @Test
    void aStepFailingOnceIsRetriedByTheStateMachineAndTheExportSucceeds() {
        Devstack stack = RunningDevstack.get();
        ApiClient api = new ApiClient(stack.apiUrl());
        Seed.SeededTenant acme = stack.tenant("acme");
        LocalLambdaInvokeApi lambda = stack.evidence().lambda();
        int checks = lambda.invocations("ExportCheckFunction");
        int assembles = lambda.invocations("ExportAssembleFunction");
        lambda.failNextInvocation("ExportCheckFunction", "Lambda.ServiceException");
        lambda.failNextInvocation("ExportAssembleFunction", "java.io.UncheckedIOException");
        String id = startAprilExport(api, acme, "transient");
        stack.evidence().awaitExports();
        JsonNode job = api.get("/v1/exports/" + id, acme.key("auditor")).json();
        assertEquals("SUCCEEDED", job.get("status").asText(), job.toString());
        assertEquals(checks + 2, lambda.invocations("ExportCheckFunction"), "Check failed once and was retried");
        assertEquals(assembles + 2, lambda.invocations("ExportAssembleFunction"), "Assemble failed once and was retried");
        assertFalse(job.has("attempt"), "one run of the export: " + job);
        assertEquals(200, api.get("/v1/exports/" + id + "/download", acme.key("auditor")).status());
    }

    @Test
    void aFailingStepIsCaughtByTheStateMachine() {
        Devstack stack = RunningDevstack.get();
        try (SfnClient sfn = SfnClient.builder().endpointOverride(URI.create(System.getProperty("aws.endpointUrlSfn"))).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
            String name = "no-such-export-" + UUID.randomUUID();
            sfn.startExecution(s -> s.stateMachineArn(System.getProperty("EXPORT_STATE_MACHINE_ARN")).name(name)
                    .input("{\"tenantId\":\"demo\",\"exportId\":\"exp_missing\"}"));
            LocalStepFunctions.Execution execution = stack.evidence().awaitExports().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
            assertEquals("FAILED", execution.status());
            assertTrue(execution.detail().contains("EvidenceExportFailed"), execution.detail());
        }
    }
}
