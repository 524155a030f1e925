package dev.veriproof.evidence;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.dynamo.DynamoAnchorLedger;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoIncidentStore;
import dev.veriproof.adapters.dynamo.DynamoPlanStore;
import dev.veriproof.adapters.dynamo.DynamoReviewStore;
import dev.veriproof.adapters.dynamo.DynamoRollupStore;
import dev.veriproof.adapters.dynamo.DynamoAnchorBacklog;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.anchoring.Web3jAnchorChain;
import dev.veriproof.chain.Web3jSigner;
import dev.veriproof.core.aggregation.Contribution;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.anchoring.AnchorLedger;
import dev.veriproof.core.anchoring.AnchoringRun;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportStore;
import dev.veriproof.core.governance.PlanItem;
import dev.veriproof.core.governance.Review;
import dev.veriproof.core.governance.ReviewOutcome;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.posture.SessionIncident;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.core.session.Session;
import dev.veriproof.core.session.SessionValidator;
import dev.veriproof.core.session.Validation;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.EmfOutput;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.LocalChain;
import dev.veriproof.local.TemplateTables;
import dev.veriproof.verifier.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The export end to end on real local servers: sessions stored the way ingest stores them and
 * anchored on the local chain, the API starting the export, the state machine's steps writing the
 * package into S3 (s3proxy), a presigned download and the verifier checking the whole package.
 */
@ExtendWith(LocalAwsExtension.class)
class EvidenceExportTest {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-10-01T06:00:00Z"), ZoneOffset.UTC);
    private static LocalS3 s3;
    private static LocalChain chain;
    private static String contract;

    @TempDir Path tmp;

    @BeforeAll
    static void start() {
        s3 = LocalS3.start();
        chain = LocalChain.start();
        contract = Web3jAnchorChain.deploy(chain.rpcUrl(), LocalChain.CHAIN_ID, Credentials.create(LocalChain.DEV_PRIVATE_KEY));
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        chain.close();
    }

    /** Fresh tables and bucket per test, the handler and steps wired to them, starts recorded. */
    private static final class Fixture {
        final DynamoDbClient dynamo;
        final String sessionsTable;
        final String governanceTable;
        final DynamoExportStore exports;
        final DynamoAuditLog audit;
        final DynamoApplicationStore applications;
        final DynamoSessionStore sessions;
        final DynamoReviewStore reviews;
        final DynamoRollupStore rollups;
        final DynamoIncidentStore incidents;
        final DynamoPlanStore plans;
        /** Sessions stored and not yet counted as anchored in their rollups: what the anchoring run anchors next. */
        final List<Stored> unanchored = new ArrayList<>();
        final EvidenceBucket bucket;
        final S3Client s3Client = s3.client();
        final String bucketName;
        final List<String> started = new ArrayList<>();
        /** Events published on the bus, as {@code tenant detailType detail}; {@link #busDown} makes publishing fail. */
        final List<String> events = new ArrayList<>();
        boolean busDown;
        final ExportsHandler handler;
        final PackageWriter writer;
        final ExportService service;

        /** Shards of 3 days, so that every period here is written in several shards. */
        Fixture(LocalAws aws) {
            dynamo = aws.client();
            int n = TABLES.incrementAndGet();
            Map<String, String> tables = TemplateTables.createAll(dynamo, CloudFormationTemplate.load(CloudFormationTemplate.locate()), "evidence" + n + "-");
            sessionsTable = tables.get("SessionsTable");
            governanceTable = tables.get("GovernanceTable");
            DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo).build();
            audit = new DynamoAuditLog(dynamo, governanceTable, CLOCK);
            exports = new DynamoExportStore(dynamo, governanceTable, audit);
            applications = new DynamoApplicationStore(enhanced, governanceTable);
            sessions = new DynamoSessionStore(dynamo, sessionsTable);
            reviews = new DynamoReviewStore(dynamo, governanceTable, sessionsTable, audit);
            rollups = new DynamoRollupStore(dynamo, governanceTable);
            incidents = new DynamoIncidentStore(dynamo, governanceTable);
            plans = new DynamoPlanStore(dynamo, governanceTable, audit);
            bucketName = "evidence-" + n;
            bucket = s3.bucket(bucketName, MultipartUploadStream.MIN_PART);
            handler = new ExportsHandler(exports, (tenant, id, attempt) -> started.add(tenant + "/" + id + (attempt > 1 ? "#" + attempt : "")), applications, bucket, audit, CLOCK);
            writer = new PackageWriter(Evidence.sources(dynamo, sessionsTable, governanceTable, CLOCK),
                    Web3jSigner.fromPrivateKey(LocalChain.DEV_PRIVATE_KEY), CLOCK);
            service = new ExportService(exports, bucket, writer, (tenant, type, detail) -> {
                if (busDown) throw new IllegalStateException("EventBridge is unreachable");
                events.add(tenant + " " + type + " " + detail);
            }, CLOCK, 3);
        }

        void app(String tenant, String appId) {
            applications.create(new Application(tenant, appId, appId, RiskLevel.MEDIUM, 70, "owner@example.com", RedactionPolicy.NONE, 1,
                    CLOCK.instant(), CLOCK.instant()), "key-admin");
        }

        record Stored(String tenant, String app, LocalDate day, String sessionId) {}

        /**
         * A session stored the way ingest stores it, counted in its day's rollup and (when it is one) recorded as an
         * incident the way aggregation does, since the package's posture reads those and never the sessions.
         */
        String session(String tenant, String app, String startedAt, int score, String risk, boolean oversight) {
            String id = "s-" + tenant + "-" + startedAt.replace(":", "");
            ObjectNode record = Json.mapper().createObjectNode();
            record.put("sessionId", id);
            record.put("applicationId", app);
            record.put("startedAt", startedAt);
            record.putObject("decision").put("outcome", "APPROVED");
            record.put("riskLevel", risk);
            record.putObject("humanOversight").put("required", oversight).put("type", oversight ? "HUMAN_IN_THE_LOOP" : "NONE");
            record.putArray("guardrails").addObject().put("name", "pii").put("action", "ALLOWED").put("configVersion", "1");
            record.putObject("grounding").put("status", "GROUNDED").put("sources", 2);
            String canonical = new String(Canonical.jcs(record), StandardCharsets.UTF_8);
            StoredSession stored = new StoredSession(tenant, id, app, Instant.parse(startedAt), canonical,
                    Hashes.hex(Hashes.leafHash(canonical.getBytes(StandardCharsets.UTF_8))), score, score >= 80 ? "GOOD" : "FAIR",
                    Map.of("guardrails", 20), Instant.parse(startedAt).plusSeconds(1), "req-" + id, false);
            sessions.putIfAbsent(stored);
            new DynamoAnchorBacklog(dynamo, sessionsTable, governanceTable).enqueue(stored); // as the sessions stream's consumer does
            Session session = ((Validation.Valid) SessionValidator.validate(record, CLOCK.instant())).session();
            LocalDate day = LocalDate.parse(startedAt.substring(0, 10));
            rollups.applyOnce(tenant, app, day, List.of(new RollupStore.Counted("COUNTED#" + tenant + "#" + id, Contribution.ofSession(session, score))),
                    CLOCK.instant());
            SessionIncident.of(session).ifPresent(i -> incidents.record(tenant, i));
            unanchored.add(new Stored(tenant, app, day, id));
            return id;
        }

        void plan(PlanItem.Kind kind, String tenant, String id, String app, String controlId) {
            plans.create(new PlanItem(kind, tenant, id, "plan " + id, null, "dana", LocalDate.parse("2026-10-31"), kind.initialStatus(), app,
                    controlId, null, null, 1, CLOCK.instant(), "key-admin", CLOCK.instant(), "key-admin"),
                    new AuditEvent("key-admin", kind.name().toLowerCase() + ".create", id, Map.of()));
        }

        void anchor() {
            AnchoringRun.Result result = new AnchoringRun(new DynamoAnchorBacklog(dynamo, sessionsTable, governanceTable), new DynamoAnchorLedger(dynamo, governanceTable),
                    new dev.veriproof.adapters.dynamo.DynamoAuditLog(dynamo, governanceTable, Clock.systemUTC()),
                    new Web3jAnchorChain(chain.rpcUrl(), LocalChain.CHAIN_ID, contract, Credentials.create(LocalChain.DEV_PRIVATE_KEY)),
                    Clock.systemUTC(), new AnchoringRun.Settings(10_000, 1, Duration.ofSeconds(20), Duration.ofMinutes(20),
                    Duration.ofMinutes(5), Duration.ofHours(1))).run();
            assertEquals(AnchoringRun.Outcome.ANCHORED, result.outcome(), String.valueOf(result.failure()));
            for (Stored s : unanchored) {
                rollups.applyOnce(s.tenant(), s.app(), s.day(), List.of(new RollupStore.Counted("ANCHORED#" + s.tenant() + "#" + s.sessionId(),
                        Contribution.ofAnchoring())), CLOCK.instant());
            }
            unanchored.clear();
        }

        /** The state machine's happy path: Check → WriteShard per shard (the Map) → WriteReports (the Parallel) → Assemble → Finalize. */
        Map<String, Object> runSteps(String tenant, String exportId) {
            Map<String, Object> state = new LinkedHashMap<>(Map.of("tenantId", tenant, "exportId", exportId));
            state = new ExportStepHandler.Check(service).handleRequest(state, null);
            writeShards(state);
            state = writeReports(state);
            state = new ExportStepHandler.Assemble(service).handleRequest(state, null);
            return new ExportStepHandler.Finalize(service).handleRequest(state, null);
        }

        Map<String, Object> writeReports(Map<String, Object> state) {
            return writeReports(service, state);
        }

        /** The Parallel state: one WriteReports branch per group with the state and its group; their results, in order, at $.reports. */
        Map<String, Object> writeReports(ExportService service, Map<String, Object> state) {
            List<Object> reports = new ArrayList<>();
            for (String group : Arrays.stream(ExportService.ReportGroup.values()).map(g -> g.id).toList()) {
                Map<String, Object> input = new LinkedHashMap<>(state);
                input.put("group", group);
                reports.add(new ExportStepHandler.WriteReports(service).handleRequest(input, null));
            }
            Map<String, Object> next = new LinkedHashMap<>(state);
            next.put("reports", reports);
            return next;
        }

        void writeShards(Map<String, Object> state) {
            writeShards(service, state);
        }

        /**
         * The two Map states: WriteShard with {tenantId, exportId, shard} per shard, whose {sessions}, in the shards' order,
         * become $.written; then PackShard with {tenantId, exportId, shard, index, written} per shard. The Map runs its
         * iterations concurrently: here the last shard goes first.
         */
        @SuppressWarnings("unchecked")
        void writeShards(ExportService service, Map<String, Object> state) {
            List<Object> shards = (List<Object>) state.get("shards");
            Object[] written = new Object[shards.size()];
            for (int i = shards.size() - 1; i >= 0; i--) {
                Map<String, Object> out = new ExportStepHandler.WriteShard(service).handleRequest(
                        new LinkedHashMap<>(Map.of("tenantId", state.get("tenantId"), "exportId", state.get("exportId"), "shard", shards.get(i))), null);
                written[i] = Map.of("sessions", out.get("sessions"));
            }
            state.put("written", List.of(written));
            for (int i = shards.size() - 1; i >= 0; i--) {
                new ExportStepHandler.PackShard(service).handleRequest(new LinkedHashMap<>(Map.of("tenantId", state.get("tenantId"),
                        "exportId", state.get("exportId"), "shard", shards.get(i), "index", i, "written", state.get("written"))), null);
            }
        }

        Path download(String tenant, String exportId, Path to) throws IOException {
            try (InputStream in = s3Client.getObject(b -> b.bucket(bucketName).key(ExportService.objectKey(tenant, exportId)))) {
                Files.copy(in, to);
            }
            return to;
        }

        List<String> staged(String tenant, String exportId) {
            List<String> keys = new ArrayList<>();
            s3Client.listObjectsV2Paginator(l -> l.bucket(bucketName).prefix(ExportService.stagingPrefix(tenant, exportId))).contents()
                    .forEach(o -> keys.add(o.key()));
            return keys;
        }
    }

    @Test
    void exportDownloadAndVerifyAWholePackage(LocalAws aws) throws Exception {
        Fixture f = new Fixture(aws);
        f.app("t1", "loan-review");
        f.app("t1", "support-bot");
        f.app("t2", "loan-review");
        List<String> inPeriod = new ArrayList<>();
        inPeriod.add(f.session("t1", "loan-review", "2026-07-01T10:00:00Z", 85, "HIGH", true));
        inPeriod.add(f.session("t1", "loan-review", "2026-07-01T11:00:00Z", 75, "LOW", false));
        inPeriod.add(f.session("t1", "support-bot", "2026-08-15T09:30:00Z", 90, "LOW", false));
        inPeriod.add(f.session("t1", "loan-review", "2026-09-30T23:59:59Z", 60, "MEDIUM", false));
        String before = f.session("t1", "loan-review", "2026-06-30T23:59:59Z", 50, "LOW", false);
        String otherTenant = f.session("t2", "loan-review", "2026-07-02T10:00:00Z", 80, "LOW", false);
        for (String key : List.of("key_a", "key_b")) f.audit.append("t1", new AuditEvent("admin", "keys.created", "key/" + key, Map.of()));
        f.anchor();

        APIGatewayV2HTTPResponse created = f.handler.handleRequest(post("t1", "admin", """
                {"framework": "ISO_42001", "from": "2026-07-01", "to": "2026-09-30"}"""), null);
        assertEquals(202, created.getStatusCode(), created.getBody());
        String id = Json.parse(created.getBody()).get("id").asText();
        assertEquals("RUNNING", Json.parse(created.getBody()).get("status").asText());
        assertEquals(List.of("t1/" + id), f.started);

        List<Map<String, Object>> ended = new ArrayList<>();
        EmfOutput emf = EmfOutput.capture(() -> ended.add(f.runSteps("t1", id)));
        assertEquals(4L, ((Number) ended.get(0).get("sessions")).longValue());
        assertEquals(1, emf.sum("ExportsSucceeded", Map.of("Service", "veriproof")));
        assertEquals(4, emf.sum("ExportSessions"));
        assertEquals(0, emf.sum("ExportsFailed"));
        assertEquals(EmfOutput.declarations(EmfOutput.powertoolsDocument("ExportSucceeded")),
                EmfOutput.declarations(emf.documentsWith("ExportsSucceeded").get(0)), "the names, units and dimension sets the dashboard reads");

        JsonNode status = Json.parse(f.handler.handleRequest(get("t1", "auditor", "/v1/exports/{id}", id), null).getBody());
        assertEquals("SUCCEEDED", status.get("status").asText());
        assertEquals(4, status.get("sessions").asInt());
        JsonNode list = Json.parse(f.handler.handleRequest(get("t1", "auditor", "/v1/exports", null), null).getBody());
        assertEquals(id, list.get("exports").get(0).get("id").asText());
        assertEquals("API", list.get("exports").get(0).get("trigger").asText());
        assertEquals(404, f.handler.handleRequest(get("t2", "admin", "/v1/exports/{id}", id), null).getStatusCode(), "tenant isolation");
        assertEquals(404, f.handler.handleRequest(get("t2", "admin", "/v1/exports/{id}/download", id), null).getStatusCode());
        assertEquals(0, Json.parse(f.handler.handleRequest(get("t2", "admin", "/v1/exports", null), null).getBody()).get("exports").size());

        APIGatewayV2HTTPResponse download = f.handler.handleRequest(get("t1", "auditor", "/v1/exports/{id}/download", id), null);
        assertEquals(200, download.getStatusCode(), download.getBody());
        JsonNode link = Json.parse(download.getBody());
        assertEquals(CLOCK.instant().plus(Duration.ofMinutes(15)).toString(), link.get("expiresAt").asText());
        List<AuditEntry> entries = f.audit.list("t1", 0, 100);
        AuditEntry logged = entries.get(entries.size() - 1);
        assertEquals("exports.download", logged.action());
        assertEquals("export/" + id, logged.target());
        assertEquals("key-auditor", logged.actor());

        HttpResponse<byte[]> zipResponse = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link.get("url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zipResponse.statusCode());
        Path zipPath = Files.write(tmp.resolve("evidence.zip"), zipResponse.body());

        try (ZipFile zip = new ZipFile(zipPath.toFile())) {
            Set<String> names = new TreeSet<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) names.add(e.nextElement().getName());
            // one session file per shard with sessions (the shards are 3 days: July 1st, August 15th, September 30th)
            assertEquals(new TreeSet<>(List.of("manifest.json", "manifest.sig", "scorecard.json", "gap-analysis.json", "sessions/00001.jsonl",
                    "sessions/00002.jsonl", "sessions/00003.jsonl", "anchors.json", "score-timeseries.csv", "outcomes-risk.csv", "guardrail-config-history.json", "human-review-trail.jsonl",
                    "alerts-and-corrective-actions.jsonl", "deployment-context.jsonl", "sdk-versions.json", "risk-classification-history.jsonl",
                    "remediation-and-roadmap.json", "audit-log.jsonl", "VERIFY.md", "tenant-batches.jsonl", "sessions/context-00001.jsonl")), names);
            List<String> ids = new ArrayList<>();
            String lines = read(zip, "sessions/00001.jsonl") + read(zip, "sessions/00002.jsonl") + read(zip, "sessions/00003.jsonl");
            for (String line : lines.split("\n")) {
                JsonNode session = Json.parse(line);
                ids.add(session.get("sessionId").asText());
                assertNotNull(session.get("proof"));
                assertNotNull(session.get("receipt").get("receivedAt"));
                assertTrue(session.get("governance").has("band"));
            }
            assertEquals(inPeriod, ids, "the period's sessions of the tenant, day by day in startedAt order");
            assertFalse(ids.contains(before));
            assertFalse(ids.contains(otherTenant));
            JsonNode manifest = Json.parse(read(zip, "manifest.json"));
            assertEquals("t1", manifest.get("tenantId").asText());
            assertEquals(LocalChain.DEV_ADDRESS.toLowerCase(), manifest.get("signerAddress").asText().toLowerCase());
            assertEquals(19, manifest.get("files").size(), "every file but manifest.json and manifest.sig, three of them session files");
            List<String> context = read(zip, "sessions/context-00001.jsonl").lines().map(l -> Json.parse(l).get("sessionId").asText()).toList();
            assertEquals(List.of(before), context, "the tenant's session of the same batch started before the period: a context line");
            JsonNode header = Json.parse(read(zip, "tenant-batches.jsonl").trim());
            assertEquals("t1", header.get("header").get("tenant").asText());
            assertEquals(5, header.get("header").get("count").asInt(), "4 in the period and the one before");
            // privacy: nothing of t2 but hashes on audit paths
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String entry = e.nextElement().getName();
                String text = read(zip, entry);
                assertFalse(text.contains(otherTenant) || text.contains("\"t2\"") || text.contains("t2#"), entry + " names the other tenant");
            }
            assertEquals(1, manifest.get("anchors").size());
            assertTrue(Web3jSigner.verifyPersonalMessage(read(zip, "manifest.json").getBytes(StandardCharsets.UTF_8),
                    read(zip, "manifest.sig").trim(), LocalChain.DEV_ADDRESS));
            JsonNode scorecard = Json.parse(read(zip, "scorecard.json"));
            assertEquals(15, scorecard.get("controls").size());
            JsonNode documentation = control(scorecard, "8.4");
            assertEquals(4, documentation.get("evidence").get("sessions").asInt());
            assertEquals(1.0, documentation.get("evidence").get("anchorCoverage").asDouble());
            assertEquals("partial", documentation.get("verdict").asText(), "no guardrail configuration history yet");
            JsonNode gaps = Json.parse(read(zip, "gap-analysis.json")).get("gaps");
            assertTrue(gaps.size() > 0);
            gaps.forEach(g -> g.get("findings").forEach(finding -> assertTrue(finding.get("action").get("path").asText().startsWith("/v1/"), g.toString())));
            List<String> deployments = new ArrayList<>();
            for (JsonNode finding : gap(gaps, "8.2; A.2.2").get("findings")) {
                deployments.add(finding.get("applicationId").asText() + " " + finding.get("action").get("method").asText() + " "
                        + finding.get("action").get("path").asText());
            }
            assertEquals(List.of("loan-review POST /v1/deployments", "support-bot POST /v1/deployments"), deployments,
                    "each application without a signed deployment record, with the call that closes it");
            assertTrue(read(zip, "score-timeseries.csv").contains("loan-review,2026-07-01,2,80.00,0,1,1,0,0"), read(zip, "score-timeseries.csv"));
            assertFalse(read(zip, "audit-log.jsonl").contains("exports.download"), "the package was written before the download");
        }

        Verified ok = verify(zipPath);
        assertEquals(0, ok.exit, ok.out);
        assertTrue(ok.out.contains("PASS 5 session(s)") && ok.out.contains("PASS completeness"), ok.out);

        String victim = inPeriod.get(1);
        Path tampered = rewrite(zipPath, tmp.resolve("tampered.zip"), "sessions/00001.jsonl",
                text -> text.replaceFirst("(\\{\"sessionId\":\"" + victim + "\".*?\"riskLevel\":\")LOW", "$1NONE"));
        Verified bad = verify(tampered);
        assertEquals(1, bad.exit, bad.out);
        assertTrue(bad.out.contains("FAIL file sessions/00001.jsonl: SHA-256"), bad.out);
        assertTrue(bad.out.contains("FAIL session " + victim + ": inclusion proof fails"), bad.out);
        assertFalse(bad.out.contains("FAIL session " + inPeriod.get(0)), bad.out);

        // an operator with the deployment key removes a line, or cuts the audit log, and signs the manifest again
        String dropped = inPeriod.get(2); // August 15th: the second shard's file
        Verified withoutLine = verify(forge(zipPath, tmp.resolve("without-line.zip"), Map.of("sessions/00002.jsonl",
                text -> text.lines().filter(l -> !l.contains("\"sessionId\":\"" + dropped + "\"")).map(l -> l + "\n").collect(Collectors.joining()))));
        assertEquals(1, withoutLine.exit, withoutLine.out);
        assertTrue(withoutLine.out.contains("PASS manifest signature"), "the forgery is signed with the deployment key: " + withoutLine.out);
        assertTrue(withoutLine.out.contains("1 of the tenant's 5 session(s) in this batch are missing from the package"), withoutLine.out);
        Verified withoutContext = verify(forge(zipPath, tmp.resolve("without-context.zip"), Map.of("sessions/context-00001.jsonl", text -> null)));
        assertEquals(1, withoutContext.exit, withoutContext.out);
        assertTrue(withoutContext.out.contains("missing from the package"), withoutContext.out);
        long anchoredHead;
        try (ZipFile zip = new ZipFile(zipPath.toFile())) {
            anchoredHead = Json.parse(read(zip, "tenant-batches.jsonl").trim()).get("header").get("auditHead").get("seq").asLong();
        }
        assertEquals(2, anchoredHead, "the batch anchored the two entries written before it");
        // entries after the anchored head are not covered yet; the anchored head itself and what leads to it are
        Verified cutLog = verify(forge(zipPath, tmp.resolve("cut-log.zip"), Map.of("audit-log.jsonl",
                text -> text.lines().limit(anchoredHead - 1).map(l -> l + "\n").collect(Collectors.joining()))));
        assertEquals(1, cutLog.exit, cutLog.out);
        assertTrue(cutLog.out.contains("entries were cut from the log"), cutLog.out);
        Verified withoutHeaders = verify(forge(zipPath, tmp.resolve("without-headers.zip"), Map.of("tenant-batches.jsonl", text -> "")));
        assertEquals(1, withoutHeaders.exit, withoutHeaders.out);
        assertTrue(withoutHeaders.out.contains("carries no tenant header for it"), withoutHeaders.out);

        Path resigned = rewrite(zipPath, tmp.resolve("resigned.zip"), "manifest.json", text -> text.replace("\"t1\"", "\"t9\""));
        Verified forged = verify(resigned);
        assertEquals(1, forged.exit);
        assertTrue(forged.out.contains("FAIL file manifest.sig"), forged.out);
    }

    @Test
    void aWholeTenantBatchRemovedFromAResignedPackageBreaksTheTenantsChain(LocalAws aws) throws Exception {
        Fixture f = new Fixture(aws);
        f.app("t5", "loan-review");
        List<String> sessions = new ArrayList<>();
        for (String day : List.of("2026-07-01", "2026-07-02", "2026-07-03")) {
            sessions.add(f.session("t5", "loan-review", day + "T10:00:00Z", 80, "LOW", false));
            f.anchor(); // one tenant batch a day: seq 1, 2, 3
        }
        String id = Json.parse(f.handler.handleRequest(post("t5", "admin", """
                {"framework": "ISO_42001", "from": "2026-07-01", "to": "2026-07-03"}"""), null).getBody()).get("id").asText();
        f.runSteps("t5", id);
        String url = Json.parse(f.handler.handleRequest(get("t5", "auditor", "/v1/exports/{id}/download", id), null).getBody()).get("url").asText();
        Path zipPath = Files.write(tmp.resolve("t5.zip"), HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body());
        Verified genuine = verify(zipPath);
        assertEquals(0, genuine.exit, genuine.out);

        Map<String, java.util.function.UnaryOperator<String>> changes = new java.util.HashMap<>();
        changes.put("tenant-batches.jsonl", text -> text.lines().filter(l -> Json.parse(l).get("header").get("seq").asLong() != 2)
                .map(l -> l + "\n").collect(Collectors.joining()));
        try (ZipFile zip = new ZipFile(zipPath.toFile())) {
            zip.stream().map(ZipEntry::getName).filter(n -> n.startsWith("sessions/")).forEach(n -> changes.put(n,
                    text -> text.lines().filter(l -> !l.contains("\"sessionId\":\"" + sessions.get(1) + "\"")).map(l -> l + "\n").collect(Collectors.joining())));
        }
        Verified forged = verify(forge(zipPath, tmp.resolve("t5-without-batch-2.zip"), changes));
        assertEquals(1, forged.exit, forged.out);
        assertTrue(forged.out.contains("PASS manifest signature"), "signed with the deployment key: " + forged.out);
        assertTrue(forged.out.contains("FAIL tenant batch seq 3: 1 tenant batch(es) between seq 1 and 3 are missing from the package"), forged.out);
    }

    @Test
    void anchoringFailuresOfThePeriodAreIncidentsWhoseCorrectiveActionIsTheRetry(LocalAws aws) throws Exception {
        Fixture f = new Fixture(aws);
        f.app("t3", "loan-review");
        f.session("t3", "loan-review", "2026-08-02T10:00:00Z", 80, "LOW", false);
        DynamoAnchorLedger ledger = new DynamoAnchorLedger(f.dynamo, f.governanceTable);
        ledger.recordFailure(new AnchorLedger.Incident(Instant.parse("2026-08-01T12:00:00Z"), "chain unreachable: connection refused",
                7, Optional.empty()), new AnchorLedger.RetryState(1, Instant.parse("2026-08-01T12:05:00Z")));
        ledger.recordFailure(new AnchorLedger.Incident(Instant.parse("2026-06-15T12:00:00Z"), "before the period", 3, Optional.empty()),
                new AnchorLedger.RetryState(1, Instant.parse("2026-06-15T12:05:00Z")));
        f.anchor(); // the retry that anchors what the failed run left pending

        APIGatewayV2HTTPResponse created = f.handler.handleRequest(post("t3", "admin", """
                {"framework": "ISO_42001", "from": "2026-07-01", "to": "2026-09-30"}"""), null);
        String id = Json.parse(created.getBody()).get("id").asText();
        f.runSteps("t3", id);
        JsonNode link = Json.parse(f.handler.handleRequest(get("t3", "auditor", "/v1/exports/{id}/download", id), null).getBody());
        HttpResponse<byte[]> zipResponse = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link.get("url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        Path zipPath = Files.write(tmp.resolve("incidents.zip"), zipResponse.body());

        try (ZipFile zip = new ZipFile(zipPath.toFile())) {
            List<JsonNode> failures = new ArrayList<>();
            for (String line : read(zip, "alerts-and-corrective-actions.jsonl").split("\n")) {
                if (!line.isBlank() && Json.parse(line).path("type").asText().equals("anchoring_failure")) failures.add(Json.parse(line));
            }
            assertEquals(1, failures.size(), "only the period's failure");
            assertEquals("2026-08-01T12:00:00Z", failures.get(0).get("at").asText());
            assertEquals("anchoring_retry", failures.get(0).get("correctiveAction").get("type").asText());
            assertEquals("a later anchoring run anchored the pending sessions", failures.get(0).get("correctiveAction").get("note").asText());
            JsonNode nonconformity = control(Json.parse(read(zip, "scorecard.json")), "10.2");
            assertEquals(1, nonconformity.get("evidence").get("anchoringFailures").asInt());
            assertEquals(1, nonconformity.get("evidence").get("withCorrectiveAction").asInt());
        }
    }

    @Test
    void theShardsAreAssembledInOrderIntoTheSameFilesAsOneShard(LocalAws aws) throws Exception {
        Fixture f = new Fixture(aws);
        f.app("t1", "loan-review");
        f.app("t1", "support-bot");
        List<String> expected = new ArrayList<>();
        List<String> reviewed = new ArrayList<>();
        for (int day = 1; day <= 10; day++) {
            for (String time : List.of("08:00:00", "17:30:00")) {
                boolean high = day == 4 || day == 10;
                String app = day % 2 == 0 ? "support-bot" : "loan-review";
                String id = f.session("t1", app, "2026-07-%02dT%sZ".formatted(day, time), 60 + day, high ? "HIGH" : "LOW", false);
                expected.add(id);
                if (high) {
                    f.reviews.addIfAbsent(new Review("t1", "rev-" + id, id, app, ReviewOutcome.APPROVED, "checked " + id, "reviewer@example.com",
                            CLOCK.instant(), "key-admin"), new AuditEvent("key-admin", "review.create", "session/" + id, Map.of()));
                    reviewed.add(id);
                }
            }
        }
        f.anchor();
        String id = Json.parse(f.handler.handleRequest(post("t1", "admin", """
                {"framework": "ISO_42001", "from": "2026-07-01", "to": "2026-07-10"}"""), null).getBody()).get("id").asText();

        Map<String, Object> planned = new ExportStepHandler.Check(f.service).handleRequest(
                new LinkedHashMap<>(Map.of("tenantId", "t1", "exportId", id)), null);
        assertEquals(List.of(Map.of("id", "00001", "from", "2026-07-01", "to", "2026-07-03"), Map.of("id", "00002", "from", "2026-07-04", "to", "2026-07-06"),
                Map.of("id", "00003", "from", "2026-07-07", "to", "2026-07-09"), Map.of("id", "00004", "from", "2026-07-10", "to", "2026-07-10")),
                planned.get("shards"));
        f.writeShards(f.service, planned);
        assertEquals(20, f.staged("t1", id).size(), "sessions, reviews, facts, packed session files and their listing of 4 shards");
        Map<String, Object> reported = f.writeReports(f.service, planned);
        assertEquals(20 + 14, f.staged("t1", id).size(), "and the 14 report files");
        Map<String, Object> withoutAudit = new LinkedHashMap<>(reported);
        withoutAudit.put("reports", ((List<?>) reported.get("reports")).subList(0, 2));
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> new ExportStepHandler.Assemble(f.service).handleRequest(withoutAudit, null));
        assertTrue(missing.getMessage().contains("audit-trail"), missing.getMessage());
        assertThrows(NoSuchKeyException.class, () -> f.s3Client.getObject(b -> b.bucket(f.bucketName).key(ExportService.objectKey("t1", id))));
        Map<String, Object> assembled = new ExportStepHandler.Assemble(f.service).handleRequest(reported, null);
        assertEquals(20L, ((Number) assembled.get("sessions")).longValue());
        Path sharded = f.download("t1", id, tmp.resolve("sharded.zip"));

        // the same export written again as one shard of the whole period
        ExportService oneShard = new ExportService(f.exports, f.bucket, f.writer, (tenant, type, detail) -> { }, CLOCK, 366);
        Map<String, Object> whole = new ExportStepHandler.Check(oneShard).handleRequest(new LinkedHashMap<>(Map.of("tenantId", "t1", "exportId", id)), null);
        assertEquals(1, ((List<?>) whole.get("shards")).size());
        f.writeShards(oneShard, whole);
        new ExportStepHandler.Assemble(oneShard).handleRequest(f.writeReports(oneShard, whole), null);
        Path single = f.download("t1", id, tmp.resolve("one-shard.zip"));

        new ExportStepHandler.Finalize(f.service).handleRequest(assembled, null);
        assertEquals(List.of(), f.staged("t1", id), "staging is deleted once the package is written");
        try (ZipFile a = new ZipFile(sharded.toFile()); ZipFile b = new ZipFile(single.toFile())) {
            // a shard's sessions are files of their own: the sharded package has one file per shard with sessions, the
            // single shard one file, and the lines are the same in the same order
            List<String> ids = new ArrayList<>();
            StringBuilder shardedLines = new StringBuilder();
            for (int n = 1; a.getEntry(PackageWriter.sessionFile(n)) != null; n++) {
                String file = read(a, PackageWriter.sessionFile(n));
                shardedLines.append(file);
                for (String line : file.split("\n")) ids.add(Json.parse(line).get("sessionId").asText());
            }
            assertEquals(expected, ids, "day by day, each day in startedAt order");
            assertEquals(read(b, "sessions/00001.jsonl"), shardedLines.toString());
            List<String> trail = new ArrayList<>();
            for (String line : read(a, "human-review-trail.jsonl").split("\n")) trail.add(Json.parse(line).get("sessionId").asText());
            assertEquals(reviewed, trail, "the shards' reviews in the period's order");
            List<String> names = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = a.entries(); e.hasMoreElements(); ) names.add(e.nextElement().getName());
            List<String> singleNames = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = b.entries(); e.hasMoreElements(); ) singleNames.add(e.nextElement().getName());
            names.removeIf(n -> n.startsWith("sessions/"));
            singleNames.removeIf(n -> n.startsWith("sessions/"));
            assertEquals(singleNames, names);
            for (String name : names) {
                if (!name.startsWith("manifest")) assertEquals(read(b, name), read(a, name), name);
            }
        }
        Verified verified = verify(sharded);
        assertEquals(0, verified.exit(), verified.out());
    }

    @Test
    void aShardWrittenOrPackedAgainByARetryOrAReplayLeavesAValidPackage(LocalAws aws) throws Exception {
        Fixture f = new Fixture(aws);
        f.app("t1", "loan-review");
        for (int day = 1; day <= 9; day++) f.session("t1", "loan-review", String.format("2026-07-%02dT10:00:00Z", day), 70 + day, "LOW", false);
        f.anchor();
        String id = Json.parse(f.handler.handleRequest(post("t1", "admin", """
                {"framework": "ISO_42001", "from": "2026-07-01", "to": "2026-07-09"}"""), null).getBody()).get("id").asText();
        Map<String, Object> state = new ExportStepHandler.Check(f.service).handleRequest(new LinkedHashMap<>(Map.of("tenantId", "t1", "exportId", id)), null);
        f.writeShards(state);
        @SuppressWarnings("unchecked")
        List<Object> shards = (List<Object>) state.get("shards");
        // Step Functions retries the first shard's write and pack, and replays the second shard's pack
        new ExportStepHandler.WriteShard(f.service).handleRequest(new LinkedHashMap<>(Map.of("tenantId", "t1", "exportId", id, "shard", shards.get(0))), null);
        for (int i : new int[] {0, 1, 1}) {
            new ExportStepHandler.PackShard(f.service).handleRequest(new LinkedHashMap<>(Map.of("tenantId", "t1", "exportId", id,
                    "shard", shards.get(i), "index", i, "written", state.get("written"))), null);
        }
        Map<String, Object> assembled = new ExportStepHandler.Assemble(f.service).handleRequest(f.writeReports(state), null);
        assertEquals(9L, ((Number) assembled.get("sessions")).longValue());
        Path zip = f.download("t1", id, tmp.resolve("replayed.zip"));
        try (ZipFile file = new ZipFile(zip.toFile())) {
            List<String> sessionFiles = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.startsWith("sessions/")) sessionFiles.add(name);
            }
            assertEquals(List.of("sessions/00001.jsonl", "sessions/00002.jsonl", "sessions/00003.jsonl"), sessionFiles, "one file per shard");
        }
        Verified verified = verify(zip);
        assertEquals(0, verified.exit(), verified.out());
        new ExportStepHandler.Finalize(f.service).handleRequest(assembled, null);
        assertEquals(List.of(), f.staged("t1", id), "the replaced packed objects go with staging");
    }

    @Test
    void shardsPackedFromCountsThatDoNotMatchTheirLinesFailTheAssemblyInsteadOfWritingABrokenPackage(LocalAws aws) throws Exception {
        Fixture f = new Fixture(aws);
        f.app("t1", "loan-review");
        for (int day = 1; day <= 6; day++) f.session("t1", "loan-review", String.format("2026-07-%02dT10:00:00Z", day), 80, "LOW", false);
        f.anchor();
        String id = Json.parse(f.handler.handleRequest(post("t1", "admin", """
                {"framework": "ISO_42001", "from": "2026-07-01", "to": "2026-07-06"}"""), null).getBody()).get("id").asText();
        Map<String, Object> state = new ExportStepHandler.Check(f.service).handleRequest(new LinkedHashMap<>(Map.of("tenantId", "t1", "exportId", id)), null);
        f.writeShards(state);
        // the second shard packed as if the first had had no sessions: both would hold sessions/00001.jsonl
        new ExportStepHandler.PackShard(f.service).handleRequest(new LinkedHashMap<>(Map.of("tenantId", "t1", "exportId", id,
                "shard", ((List<?>) state.get("shards")).get(1), "index", 1, "written", List.of(Map.of("sessions", 0), Map.of("sessions", 3)))), null);
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new ExportStepHandler.Assemble(f.service).handleRequest(f.writeReports(state), null));
        assertTrue(refused.getMessage().contains("holds sessions/00001.jsonl where sessions/00002.jsonl belongs"), refused.getMessage());
        assertThrows(NoSuchKeyException.class, () -> f.s3Client.getObject(b -> b.bucket(f.bucketName).key(ExportService.objectKey("t1", id))));
        assertTrue(f.s3Client.listMultipartUploads(l -> l.bucket(f.bucketName).prefix(ExportService.objectKey("t1", id))).uploads().isEmpty());
    }

    @Test
    void aStepStillWritingWhenTheExportFailedDiscardsWhatItWrote(LocalAws aws) throws Exception {
        Fixture f = new Fixture(aws);
        f.app("t1", "loan-review");
        f.session("t1", "loan-review", "2026-07-02T10:00:00Z", 80, "LOW", false);
        String id = Json.parse(f.handler.handleRequest(post("t1", "admin", """
                {"framework": "ISO_42001", "from": "2026-07-01", "to": "2026-07-05"}"""), null).getBody()).get("id").asText();
        // the step reads the job RUNNING; right after, another shard's failure runs MarkFailed to its end
        AtomicInteger finds = new AtomicInteger();
        ExportStore failingMidStep = (ExportStore) Proxy.newProxyInstance(ExportStore.class.getClassLoader(), new Class<?>[] {ExportStore.class},
                (proxy, method, args) -> {
                    Object result = method.invoke(f.exports, args);
                    if (method.getName().equals("find") && finds.incrementAndGet() == 1) f.service.fail("t1", id, "another shard failed");
                    return result;
                });
        ExportService straggler = new ExportService(failingMidStep, f.bucket, f.writer, (tenant, type, detail) -> { }, CLOCK, 5);

        IllegalStateException ended = assertThrows(IllegalStateException.class,
                () -> straggler.writeShard("t1", id, new ExportService.Shard("00001", LocalDate.parse("2026-07-01"), LocalDate.parse("2026-07-05"))));
        assertTrue(ended.getMessage().contains("ended (FAILED)"), ended.getMessage());
        assertEquals(ExportJob.Status.FAILED, f.exports.find("t1", id).orElseThrow().status());
        assertEquals(List.of(), f.staged("t1", id), "the step's files do not outlive MarkFailed's discard");
        assertTrue(f.s3Client.listMultipartUploads(l -> l.bucket(f.bucketName).prefix(ExportService.stagingPrefix("t1", id))).uploads().isEmpty());
    }

    @Test
    void finalizeLogsTheSuccessOnceAndPublishesTheReadyEventUntilItIsOut(LocalAws aws) throws Exception {
        Fixture f = new Fixture(aws);
        f.app("t1", "loan-review");
        f.session("t1", "loan-review", "2026-07-02T10:00:00Z", 80, "LOW", false);
        f.session("t1", "loan-review", "2026-07-03T10:00:00Z", 90, "LOW", false);
        String id = Json.parse(f.handler.handleRequest(post("t1", "admin", """
                {"framework": "ISO_42001", "from": "2026-07-01", "to": "2026-07-05"}"""), null).getBody()).get("id").asText();
        Map<String, Object> state = new ExportStepHandler.Check(f.service).handleRequest(new LinkedHashMap<>(Map.of("tenantId", "t1", "exportId", id)), null);
        f.writeShards(state);
        Map<String, Object> assembled = new ExportStepHandler.Assemble(f.service).handleRequest(f.writeReports(state), null);
        String manifestSha256 = String.valueOf(assembled.get("manifestSha256"));

        f.busDown = true;
        assertThrows(IllegalStateException.class, () -> new ExportStepHandler.Finalize(f.service).handleRequest(assembled, null));
        assertEquals(ExportJob.Status.SUCCEEDED, f.exports.find("t1", id).orElseThrow().status(), "the package is complete whatever the bus does");
        assertEquals(List.of(), f.events);
        assertFalse(f.staged("t1", id).isEmpty(), "staging is deleted last, by the attempt that gets the event out");

        f.busDown = false;
        new ExportStepHandler.Finalize(f.service).handleRequest(assembled, null); // Step Functions' retry
        new ExportStepHandler.Finalize(f.service).handleRequest(assembled, null); // and one more, after a lost response
        assertEquals(1, f.events.size(), f.events.toString());
        String[] published = f.events.get(0).split(" ", 3);
        assertEquals("t1", published[0]);
        assertEquals("evidence_package.ready", published[1]);
        JsonNode event = Json.parse(published[2]);
        assertEquals(id, event.get("exportId").asText());
        assertEquals(2, event.get("sessions").asInt());
        assertEquals("2026-07-01", event.get("from").asText());
        assertEquals(manifestSha256, event.get("manifestSha256").asText());
        assertEquals("GET /v1/exports/" + id + "/download", event.get("download").asText());
        assertEquals(List.of(), f.staged("t1", id));

        List<AuditEntry> logged = f.audit.list("t1", 0, 10);
        assertEquals(List.of("exports.start", "exports.complete"), logged.stream().map(AuditEntry::action).toList(), "one success, however many attempts");
        assertEquals(manifestSha256, logged.get(1).details().get("manifestSha256").asText());
        assertEquals(2, logged.get(1).details().get("sessions").asInt());
        try (InputStream in = f.s3Client.getObject(b -> b.bucket(f.bucketName).key(ExportService.objectKey("t1", id)))) {
            Path zipPath = tmp.resolve("finalized.zip");
            Files.copy(in, zipPath);
            try (ZipFile zip = new ZipFile(zipPath.toFile())) {
                assertEquals(manifestSha256, Hashes.hex(Hashes.sha256(read(zip, "manifest.json").getBytes(StandardCharsets.UTF_8))),
                        "the event and the audit entry name the package's manifest");
                assertTrue(read(zip, "audit-log.jsonl").contains("\"exports.start\""), "the package's audit log has its own start");
            }
        }
        assertTrue(dev.veriproof.core.audit.AuditChain.verify(logged).intact());
    }

    @Test
    void aFailingShardMarksTheExportFailedAndCleansStaging(LocalAws aws) {
        Fixture f = new Fixture(aws);
        f.app("t1", "loan-review");
        f.session("t1", "loan-review", "2026-07-01T10:00:00Z", 80, "LOW", false);
        String id = Json.parse(f.handler.handleRequest(post("t1", "admin", """
                {"framework": "ISO_42001", "from": "2026-07-01", "to": "2026-07-09"}"""), null).getBody()).get("id").asText();
        Map<String, Object> state = new ExportStepHandler.Check(f.service).handleRequest(new LinkedHashMap<>(Map.of("tenantId", "t1", "exportId", id)), null);
        List<?> shards = (List<?>) state.get("shards");
        assertEquals(3, shards.size());
        new ExportStepHandler.WriteShard(f.service).handleRequest(new LinkedHashMap<>(Map.of("tenantId", "t1", "exportId", id, "shard", shards.get(0))), null);
        f.bucket.upload(ExportService.sessionsKey("t1", id, "00002")); // the second shard's upload, cut short
        RuntimeException failure = assertThrows(RuntimeException.class, () -> new ExportStepHandler.WriteShard(f.service).handleRequest(
                new LinkedHashMap<>(Map.of("tenantId", "t1", "exportId", id, "shard", Map.of("id", "00003", "from", "2026-07-07", "to", "not-a-day"))), null));
        assertEquals(3, f.staged("t1", id).size(), "the first shard's sessions, reviews and facts");

        // the Map's Catch: the error at $.error, then MarkFailed
        Map<String, Object> caught = new LinkedHashMap<>(state);
        caught.put("error", Map.of("Error", failure.getClass().getName(), "Cause", failure.getMessage()));
        new ExportStepHandler.MarkFailed(f.service).handleRequest(caught, null);

        JsonNode job = Json.parse(f.handler.handleRequest(get("t1", "admin", "/v1/exports/{id}", id), null).getBody());
        assertEquals("FAILED", job.get("status").asText());
        assertTrue(job.get("reason").asText().startsWith(failure.getClass().getName()), job.get("reason").asText());
        assertEquals(List.of(), f.staged("t1", id), "staging is deleted");
        assertTrue(f.s3Client.listMultipartUploads(b -> b.bucket(f.bucketName)).uploads().isEmpty());
        assertThrows(IllegalStateException.class, () -> new ExportStepHandler.WriteShard(f.service).handleRequest(
                new LinkedHashMap<>(Map.of("tenantId", "t1", "exportId", id, "shard", shards.get(1))), null), "a FAILED export writes no more shards");
        assertEquals(List.of(), f.staged("t1", id));
    }

    @Test
    void aFailedRunIsMarkedFailedWithItsReasonAndLeavesNoUpload(LocalAws aws) {
        Fixture f = new Fixture(aws);
        f.app("t1", "loan-review");
        String id = Json.parse(f.handler.handleRequest(post("t1", "admin", """
                {"framework": "ISO_42001", "from": "2026-07-01", "to": "2026-07-31", "applications": ["loan-review"]}"""), null).getBody()).get("id").asText();
        String key = ExportService.objectKey("t1", id);
        f.bucket.upload(key); // a crashed Assemble attempt's upload
        Map<String, Object> input = new HashMap<>(Map.of("tenantId", "t1", "exportId", id));
        input.put("error", Map.of("Error", "States.Timeout", "Cause", "{\"errorMessage\":\"Task timed out after 900 seconds\"}"));
        new ExportStepHandler.MarkFailed(f.service).handleRequest(input, null);

        JsonNode job = Json.parse(f.handler.handleRequest(get("t1", "admin", "/v1/exports/{id}", id), null).getBody());
        assertEquals("FAILED", job.get("status").asText());
        assertEquals("States.Timeout: Task timed out after 900 seconds", job.get("reason").asText());
        new ExportStepHandler.MarkFailed(f.service).handleRequest(input, null); // a retry of the Catch's task
        List<AuditEntry> logged = f.audit.list("t1", 0, 10);
        assertEquals(List.of("exports.start", "exports.fail"), logged.stream().map(AuditEntry::action).toList(), "the failure is logged once");
        assertEquals("key-admin", logged.get(0).actor());
        assertEquals(ExportService.ACTOR, logged.get(1).actor());
        assertEquals("States.Timeout: Task timed out after 900 seconds", logged.get(1).details().get("reason").asText());
        assertTrue(f.s3Client.listMultipartUploads(b -> b.bucket(f.bucketName)).uploads().isEmpty());
        assertEquals(409, f.handler.handleRequest(get("t1", "auditor", "/v1/exports/{id}/download", id), null).getStatusCode());
        assertThrows(IllegalStateException.class, () -> new ExportStepHandler.Assemble(f.service).handleRequest(
                new HashMap<>(Map.of("tenantId", "t1", "exportId", id, "shards", List.of())), null), "a FAILED export is not assembled any more");
        assertThrows(NoSuchKeyException.class, () -> f.s3Client.getObject(b -> b.bucket(f.bucketName).key(key)));
    }

    @Test
    void badRequestsAreRefusedAndStoreNothing(LocalAws aws) {
        Fixture f = new Fixture(aws);
        f.app("t1", "loan-review");
        f.app("t2", "claims");
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"framework\": \"ISO_42001\", \"from\": \"2026-09-30\", \"to\": \"2026-07-01\"}", "$.to");
        cases.put("{\"framework\": \"ISO_42001\", \"from\": \"2026-07-01\"}", "$.to");
        cases.put("{\"framework\": \"ISO_42001\", \"to\": \"2026-07-01\"}", "$.from");
        cases.put("{\"framework\": \"SOC2\", \"from\": \"2026-07-01\", \"to\": \"2026-07-31\"}", "$.framework");
        cases.put("{\"framework\": \"ISO_42001\", \"from\": \"2026-7-1\", \"to\": \"2026-07-31\"}", "$.from");
        cases.put("{\"framework\": \"ISO_42001\", \"from\": \"2026-02-30\", \"to\": \"2026-07-31\"}", "$.from");
        cases.put("{\"framework\": \"ISO_42001\", \"from\": \"2024-01-01\", \"to\": \"2026-07-31\"}", "$.to");
        cases.put("{\"framework\": \"ISO_42001\", \"from\": \"2026-07-01\", \"to\": \"2026-12-31\"}", "$.to");
        cases.put("{\"framework\": \"ISO_42001\", \"from\": \"2026-07-01\", \"to\": \"2026-07-31\", \"applications\": [\"claims\"]}", "$.applications[0]");
        cases.put("{\"framework\": \"ISO_42001\", \"from\": \"2026-07-01\", \"to\": \"2026-07-31\", \"extra\": 1}", null);
        cases.forEach((body, field) -> {
            APIGatewayV2HTTPResponse response = f.handler.handleRequest(post("t1", "admin", body), null);
            assertEquals(400, response.getStatusCode(), body + " → " + response.getBody());
            if (field != null) assertEquals(field, Json.parse(response.getBody()).path("error").path("field").asText(), response.getBody());
        });
        assertEquals(403, f.handler.handleRequest(post("t1", "auditor",
                "{\"framework\": \"ISO_42001\", \"from\": \"2026-07-01\", \"to\": \"2026-07-31\"}"), null).getStatusCode());
        assertEquals(403, f.handler.handleRequest(post("t1", "ingest",
                "{\"framework\": \"ISO_42001\", \"from\": \"2026-07-01\", \"to\": \"2026-07-31\"}"), null).getStatusCode());
        assertEquals(403, f.handler.handleRequest(get("t1", "ingest", "/v1/exports", null), null).getStatusCode());
        assertTrue(f.exports.list("t1").isEmpty(), "nothing stored");
        assertTrue(f.audit.list("t1", 0, 10).isEmpty(), "nothing audited");
        assertTrue(f.started.isEmpty(), "nothing started");
        assertEquals(404, f.handler.handleRequest(get("t1", "admin", "/v1/exports/{id}", "exp_nope"), null).getStatusCode());
    }

    @Test
    void aStartThatCannotReachTheStateMachineLeavesAFailedJob(LocalAws aws) {
        Fixture f = new Fixture(aws);
        f.app("t1", "loan-review");
        ExportsHandler broken = new ExportsHandler(f.exports, (t, id, attempt) -> {
            throw new IllegalStateException("state machine unavailable");
        }, f.applications, f.bucket, f.audit, CLOCK);
        APIGatewayV2HTTPResponse response = broken.handleRequest(post("t1", "admin",
                "{\"framework\": \"ISO_42001\", \"from\": \"2026-07-01\", \"to\": \"2026-07-31\"}"), null);
        assertEquals(503, response.getStatusCode());
        assertEquals("export_not_started", Json.parse(response.getBody()).get("error").get("code").asText());
        List<ExportJob> jobs = f.exports.list("t1");
        assertEquals(1, jobs.size());
        assertEquals(ExportJob.Status.FAILED, jobs.get(0).status());
        assertTrue(jobs.get(0).failureReason().orElseThrow().contains("state machine unavailable"));
    }

    private static JsonNode control(JsonNode scorecard, String id) {
        for (JsonNode c : scorecard.get("controls")) if (c.get("id").asText().startsWith(id)) return c;
        throw new AssertionError("no control " + id);
    }

    /**
     * The package's scorecard, gap analysis and incidents are the live Compliance Center's of the same period and
     * applications (one implementation: PostureReader, Iso42001, PostureJson), apart from when each was generated; the
     * package also lists the remediation items and roadmap of its applications and the tenant-wide ones.
     */
    @Test
    void thePackagesPostureIsTheLiveComplianceCenterOfTheSamePeriod(LocalAws aws) throws Exception {
        Fixture f = new Fixture(aws);
        f.app("t1", "loan-review");
        f.app("t1", "support-bot");
        f.app("t2", "loan-review");
        f.session("t1", "loan-review", "2026-09-01T10:00:00Z", 85, "LOW", false);
        String unreviewed = f.session("t1", "support-bot", "2026-09-02T10:00:00Z", 60, "HIGH", false);
        f.session("t2", "loan-review", "2026-09-02T10:00:00Z", 80, "HIGH", false);
        f.anchor();
        f.plan(PlanItem.Kind.REMEDIATION, "t1", "rem_1", "loan-review", "8.2");
        f.plan(PlanItem.Kind.ROADMAP, "t1", "rmp_1", null, null);
        f.plan(PlanItem.Kind.REMEDIATION, "t2", "rem_2", "loan-review", "8.2");

        String id = Json.parse(f.handler.handleRequest(post("t1", "admin", """
                {"framework": "ISO_42001", "from": "2026-09-01", "to": "2026-09-30"}"""), null).getBody()).get("id").asText();
        f.runSteps("t1", id);
        Path zipPath = f.download("t1", id, tmp.resolve("posture.zip"));

        ComplianceHandler live = new ComplianceHandler(new PostureReader(Evidence.postureStores(f.dynamo, f.governanceTable, CLOCK)),
                f.applications, Clock.offset(CLOCK, Duration.ofMinutes(5)));
        Map<String, String> period = Map.of("from", "2026-09-01", "to", "2026-09-30");
        try (ZipFile zip = new ZipFile(zipPath.toFile())) {
            JsonNode scorecard = Json.parse(read(zip, "scorecard.json"));
            JsonNode liveScorecard = liveGet(live, "GET /v1/scorecards/iso-42001", period);
            assertEquals("2026-10-01T06:00:00Z", scorecard.get("generatedAt").asText());
            assertEquals("2026-10-01T06:05:00Z", liveScorecard.get("generatedAt").asText());
            assertEquals(withoutGeneratedAt(liveScorecard), withoutGeneratedAt(scorecard));
            JsonNode gaps = Json.parse(read(zip, "gap-analysis.json"));
            assertEquals(withoutGeneratedAt(liveGet(live, "GET /v1/gap-analysis/iso-42001", period)), withoutGeneratedAt(gaps));

            List<JsonNode> incidents = new ArrayList<>();
            for (String line : read(zip, "alerts-and-corrective-actions.jsonl").split("\n")) incidents.add(Json.parse(line));
            List<JsonNode> liveIncidents = new ArrayList<>();
            liveGet(live, "GET /v1/incidents", period).get("incidents").forEach(liveIncidents::add);
            assertEquals(liveIncidents, incidents);
            assertEquals(List.of("high_risk_without_oversight:" + unreviewed), incidents.stream().map(i -> i.get("incidentId").asText()).toList(),
                    "t1's incident only");

            JsonNode plans = Json.parse(read(zip, "remediation-and-roadmap.json"));
            assertEquals(List.of("rem_1"), plans.get("remediations").findValuesAsText("id"));
            assertEquals("8.2", plans.get("remediations").get(0).get("controlId").asText());
            assertEquals("2026-10-31", plans.get("remediations").get(0).get("dueDate").asText());
            assertEquals(List.of("rmp_1"), plans.get("roadmap").findValuesAsText("id"));
            assertEquals("2026-10-31", plans.get("roadmap").get(0).get("targetDate").asText());
            JsonNode loanReview = gap(gaps.get("gaps"), "8.2; A.2.2").get("findings").get(0);
            assertEquals("loan-review", loanReview.get("applicationId").asText());
            assertEquals(List.of("rem_1"), loanReview.get("remediations").findValuesAsText("id"), "the gap lists the remediation linked to it");
        }
        Verified verified = verify(zipPath);
        assertEquals(0, verified.exit, verified.out);
    }

    private static JsonNode liveGet(ComplianceHandler handler, String routeKey, Map<String, String> query) {
        APIGatewayV2HTTPEvent event = event("t1", "admin", routeKey, routeKey.substring(4), null);
        event.setQueryStringParameters(query);
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        return Json.parse(response.getBody());
    }

    private static JsonNode withoutGeneratedAt(JsonNode json) {
        ObjectNode copy = json.deepCopy();
        copy.remove("generatedAt");
        return copy;
    }

    private static JsonNode gap(JsonNode gaps, String id) {
        for (JsonNode g : gaps) if (g.get("id").asText().equals(id)) return g;
        throw new AssertionError("no gap " + id + " in " + gaps);
    }

    private record Verified(int exit, String out) {}

    private static Verified verify(Path zip) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {zip.toString(), "--rpc", chain.rpcUrl(), "--contract", contract, "--signer", LocalChain.DEV_ADDRESS},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        return new Verified(exit, out.toString(StandardCharsets.UTF_8));
    }

    /**
     * What an operator holding the deployment key can do: change files (null removes one), then list them again in the
     * manifest with their new SHA-256 and size and the new session count, and sign it.
     */
    private static Path forge(Path source, Path target, Map<String, java.util.function.UnaryOperator<String>> changes) throws IOException {
        Map<String, String> files = new java.util.LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(source.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                String text = read(zip, name);
                String changed = changes.containsKey(name) ? changes.get(name).apply(text) : text;
                if (changed != null) files.put(name, changed);
            }
        }
        com.fasterxml.jackson.databind.node.ObjectNode manifest = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(files.remove("manifest.json"));
        files.remove("manifest.sig");
        com.fasterxml.jackson.databind.node.ArrayNode listed = manifest.putArray("files");
        long sessions = 0;
        for (Map.Entry<String, String> file : files.entrySet()) {
            byte[] bytes = file.getValue().getBytes(StandardCharsets.UTF_8);
            listed.addObject().put("path", file.getKey()).put("sha256", Hashes.hex(Hashes.sha256(bytes))).put("bytes", bytes.length);
            if (file.getKey().startsWith("sessions/") && !file.getKey().startsWith("sessions/context-")) sessions += file.getValue().lines().count();
        }
        manifest.put("sessions", sessions);
        byte[] manifestBytes = Json.write(manifest);
        files.put("manifest.json", new String(manifestBytes, StandardCharsets.UTF_8));
        files.put("manifest.sig", Web3jSigner.fromPrivateKey(LocalChain.DEV_PRIVATE_KEY).signPersonalMessage(manifestBytes) + "\n");
        try (OutputStream file = Files.newOutputStream(target); ZipOutputStream out = new ZipOutputStream(file)) {
            for (Map.Entry<String, String> entry : files.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return target;
    }

    private static Path rewrite(Path source, Path target, String entry, java.util.function.UnaryOperator<String> change) throws IOException {
        try (ZipFile zip = new ZipFile(source.toFile()); OutputStream file = Files.newOutputStream(target); ZipOutputStream out = new ZipOutputStream(file)) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry z = e.nextElement();
                out.putNextEntry(new ZipEntry(z.getName()));
                String text = read(zip, z.getName());
                out.write((z.getName().equals(entry) ? change.apply(text) : text).getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return target;
    }

    @Test
    void anExecutionThatDiesWithoutMarkFailedEndsItsJobOnceFromTheStatusEvent_andTheAdminRetriesIt(LocalAws aws) {
        Fixture f = new Fixture(aws);
        f.app("t1", "loan-review");
        String id = Json.parse(f.handler.handleRequest(post("t1", "admin",
                "{\"framework\": \"ISO_42001\", \"from\": \"2026-07-01\", \"to\": \"2026-07-31\"}"), null).getBody()).get("id").asText();
        APIGatewayV2HTTPResponse notYet = f.handler.handleRequest(retry("t1", "admin", id), null);
        assertEquals(409, notYet.getStatusCode());
        assertEquals("export_not_failed", Json.parse(notYet.getBody()).get("error").get("code").asText());
        f.s3Client.putObject(b -> b.bucket(f.bucketName).key(ExportService.stagingPrefix("t1", id) + "shard-1.jsonl"),
                software.amazon.awssdk.core.sync.RequestBody.fromString("{}"));

        ExportWatchdog.ExecutionEnded ended = new ExportWatchdog.ExecutionEnded(f.service);
        assertEquals(false, ended.handleRequest(statusChange("SUCCEEDED", "t1", id, 1), null).get("changed"), "success is MarkFailed's business, not ours");
        assertEquals(true, ended.handleRequest(statusChange("TIMED_OUT", "t1", id, 1), null).get("changed"));
        assertEquals(false, ended.handleRequest(statusChange("TIMED_OUT", "t1", id, 1), null).get("changed"), "a repeated event changes nothing");
        ExportJob failed = f.exports.find("t1", id).orElseThrow();
        assertEquals(ExportJob.Status.FAILED, failed.status());
        assertTrue(failed.failureReason().orElseThrow().contains("ended TIMED_OUT"), failed.failureReason().orElseThrow());
        assertEquals(1, f.audit.list("t1", 0, 50).stream().filter(e -> e.action().equals("exports.fail")).count());
        assertEquals(0, f.s3Client.listObjectsV2(b -> b.bucket(f.bucketName).prefix(ExportService.stagingPrefix("t1", id))).keyCount(),
                "staging is discarded with the failed run");

        assertEquals(403, f.handler.handleRequest(retry("t1", "auditor", id), null).getStatusCode());
        APIGatewayV2HTTPResponse retried = f.handler.handleRequest(retry("t1", "admin", id), null);
        assertEquals(202, retried.getStatusCode(), retried.getBody());
        assertEquals("RUNNING", Json.parse(retried.getBody()).get("status").asText());
        assertEquals(2, Json.parse(retried.getBody()).get("attempt").asInt());
        assertEquals(List.of("t1/" + id, "t1/" + id + "#2"), f.started, "the retry is a new execution");
        assertTrue(f.audit.list("t1", 0, 50).stream().anyMatch(e -> e.action().equals("exports.retry")));

        assertEquals(false, ended.handleRequest(statusChange("ABORTED", "t1", id, 1), null).get("changed"),
                "a late event about the first run does not end the retry");
        assertEquals(ExportJob.Status.RUNNING, f.exports.find("t1", id).orElseThrow().status());
        assertEquals(true, ended.handleRequest(statusChange("FAILED", "t1", id, 2), null).get("changed"));
        assertEquals(ExportJob.Status.FAILED, f.exports.find("t1", id).orElseThrow().status());
    }

    @Test
    void theSweepEndsOnlyRunsOlderThanTheStateMachinesTimeout(LocalAws aws) {
        Fixture f = new Fixture(aws);
        f.app("t1", "loan-review");
        new dev.veriproof.adapters.dynamo.DynamoKeyStore(software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient.builder()
                .dynamoDbClient(f.dynamo).build(), f.governanceTable).createTenant("t1", "t1", CLOCK.instant());
        String id = Json.parse(f.handler.handleRequest(post("t1", "admin",
                "{\"framework\": \"ISO_42001\", \"from\": \"2026-07-01\", \"to\": \"2026-07-31\"}"), null).getBody()).get("id").asText();
        java.time.Duration timeout = java.time.Duration.ofHours(2);
        Tenants tenants = new Tenants(f.dynamo, f.governanceTable);
        Clock withinMargin = Clock.offset(CLOCK, timeout.plusMinutes(10));
        assertEquals(Map.of("failed", List.of()), new ExportWatchdog.Sweep(tenants, f.service, timeout, withinMargin).handleRequest(Map.of(), null));
        assertEquals(ExportJob.Status.RUNNING, f.exports.find("t1", id).orElseThrow().status());

        Clock beyond = Clock.offset(CLOCK, timeout.plus(ExportWatchdog.Sweep.MARGIN).plusMinutes(1));
        assertEquals(Map.of("failed", List.of("t1/" + id)), new ExportWatchdog.Sweep(tenants, f.service, timeout, beyond).handleRequest(Map.of(), null));
        ExportJob swept = f.exports.find("t1", id).orElseThrow();
        assertEquals(ExportJob.Status.FAILED, swept.status());
        assertTrue(swept.failureReason().orElseThrow().startsWith("no live execution"), swept.failureReason().orElseThrow());
        assertEquals(Map.of("failed", List.of()), new ExportWatchdog.Sweep(tenants, f.service, timeout, beyond).handleRequest(Map.of(), null));
    }

    @Test
    void theStateMachineTimeoutIsTheOneTheSweepAssumes() throws IOException {
        Path root = CloudFormationTemplate.locate().getParent();
        JsonNode asl = Json.parse(Files.readAllBytes(root.resolve("infrastructure/statemachines/evidence-export.asl.json")));
        JsonNode sweep = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(Files.readString(root.resolve("template.yaml")
                .toAbsolutePath()).replaceAll("!(Ref|GetAtt|Sub|If|Equals|Not|And|Condition)\\b", ""))
                .path("Resources").path("ExportSweepFunction").path("Properties").path("Environment").path("Variables");
        assertEquals(asl.get("TimeoutSeconds").asText(), sweep.get("EXPORT_TIMEOUT_SECONDS").asText());
    }

    private static Map<String, Object> statusChange(String status, String tenant, String exportId, int attempt) {
        Map<String, Object> detail = new HashMap<>();
        detail.put("status", status);
        detail.put("name", SfnExportStarter.executionName(tenant, exportId, attempt));
        detail.put("input", Json.writeString(Map.of("tenantId", tenant, "exportId", exportId, "attempt", attempt)));
        return Map.of("source", "aws.states", "detail-type", "Step Functions Execution Status Change", "detail", detail);
    }

    static APIGatewayV2HTTPEvent retry(String tenant, String role, String id) {
        return event(tenant, role, "POST /v1/exports/{id}/retry", "/v1/exports/" + id + "/retry", id);
    }

    private static String read(ZipFile zip, String name) throws IOException {
        try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static APIGatewayV2HTTPEvent post(String tenant, String role, String body) {
        APIGatewayV2HTTPEvent event = event(tenant, role, "POST /v1/exports", "/v1/exports", null);
        event.setBody(body);
        event.setHeaders(Map.of("content-type", "application/json"));
        return event;
    }

    static APIGatewayV2HTTPEvent get(String tenant, String role, String route, String id) {
        return event(tenant, role, "GET " + route, route.replace("{id}", String.valueOf(id)), id);
    }

    private static APIGatewayV2HTTPEvent event(String tenant, String role, String routeKey, String path, String id) {
        Map<String, Object> lambda = new HashMap<>();
        lambda.put("authenticated", "true");
        lambda.put("tenantId", tenant);
        lambda.put("role", role);
        lambda.put("keyId", "key-" + role);
        lambda.put("applications", "");
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setLambda(lambda);
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAuthorizer(authorizer);
        context.setRequestId("req-1");
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey(routeKey);
        event.setRawPath(path);
        if (id != null) event.setPathParameters(Map.of("id", id));
        event.setRequestContext(context);
        return event;
    }
}
