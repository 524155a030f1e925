package dev.veriproof.evidence;

import dev.veriproof.chain.Web3jSigner;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalChain;
import dev.veriproof.local.LocalDynamoDb;
import dev.veriproof.local.TemplateTables;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Not a test: the package writer over 100,000 and 1,000,000 synthetic anchored sessions (≈1 KB
 * records, 20-hash audit paths) with the governance stores on DynamoDB Local, written to a file.
 * Prints sessions/s, peak heap (run it with a small -Xmx to see that memory does not grow with the
 * sessions) and, in the same run, the ZIP's compression of the session files against gzip -6 of the
 * same bytes.
 * <pre>
 * mvn -q -pl functions/evidence -am -DskipTests install
 * mvn -q -pl functions/evidence exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-Xmx256m -cp %classpath dev.veriproof.evidence.EvidenceExportBenchmark 100000 1000000"
 * </pre>
 */
public final class EvidenceExportBenchmark {
    private static final LocalDate FROM = LocalDate.parse("2026-07-01");
    private static final int DAYS = 92;

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length == 0 ? List.of(100_000, 1_000_000) : java.util.Arrays.stream(args).map(Integer::parseInt).toList();
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        try (LocalDynamoDb dynamo = LocalDynamoDb.start()) {
            Map<String, String> tables = TemplateTables.createAll(dynamo.client(), CloudFormationTemplate.load(CloudFormationTemplate.locate()), "bench-");
            Clock clock = Clock.fixed(Instant.parse("2026-10-01T02:00:00Z"), ZoneOffset.UTC);
            var enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo.client()).build();
            var applications = new dev.veriproof.adapters.dynamo.DynamoApplicationStore(enhanced, tables.get("GovernanceTable"));
            for (String app : List.of("loan-review", "support-bot")) {
                applications.create(new Application("bench", app, app, RiskLevel.MEDIUM, 75, "owner", RedactionPolicy.NONE, 1, clock.instant(), clock.instant()), "bench");
            }
            PackageWriter.Sources stores = Evidence.sources(dynamo.client(), tables.get("SessionsTable"), tables.get("GovernanceTable"), clock);
            System.out.printf("max heap %d MB, %d cores%n", Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
            for (int n : sizes) run(n, stores, clock);
        }
    }

    private static void run(int sessions, PackageWriter.Sources stores, Clock clock) throws IOException {
        PackageWriter.Sources sources = new PackageWriter.Sources(synthetic(sessions), stores.applications(), stores.guardrails(),
                stores.deployments(), stores.sdk(), stores.audit(), stores.plans(), stores.reviews(), stores.keys(), stores.exports(),
                stores.alerts(), stores.risks(), stores.anchoring());
        PackageWriter writer = new PackageWriter(sources, Web3jSigner.fromPrivateKey(LocalChain.DEV_PRIVATE_KEY), clock);
        ExportJob job = new ExportJob("exp_bench_" + sessions, new ExportRequest("bench", ExportRequest.Framework.ISO_42001, FROM,
                FROM.plusDays(DAYS - 1), List.of()), ExportJob.Trigger.API, ExportJob.Status.RUNNING, clock.instant(), "bench",
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        // the synthetic source's own cost, measured alone, is taken out of the writer's rate
        long generateStart = System.nanoTime();
        long[] generated = {0};
        for (int d = 0; d < DAYS; d++) sources.sessions().forEach("bench", FROM.plusDays(d), item -> generated[0]++);
        double generateSeconds = (System.nanoTime() - generateStart) / 1e9;
        Path zip = Files.createTempFile("evidence-bench", ".zip");
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long start = System.nanoTime();
        PackageWriter.Result result;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(zip), 1 << 16)) {
            result = writer.write(job, out);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
        }
        long raw = 0;
        long deflated = 0;
        long gzipped = 0;
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (!entry.getName().startsWith("sessions/")) continue;
                raw += entry.getSize();
                deflated += entry.getCompressedSize();
                Counting counting = new Counting();
                try (InputStream in = file.getInputStream(entry); GZIPOutputStream gzip = new GZIPOutputStream(counting, 1 << 16)) {
                    in.transferTo(gzip);
                }
                gzipped += counting.bytes;
            }
        }
        System.out.printf("%,d sessions: %.1f s, %,.0f sessions/s (%,.0f/s without generating the synthetic items, %.1f s), "
                        + "%d session file(s), ZIP %,d bytes, peak heap %d MB; "
                        + "session files %,d bytes raw, ZIP deflate %.3f of raw, gzip -6 %.3f of raw (ZIP/gzip %.3f)%n",
                result.sessions(), seconds, result.sessions() / seconds, result.sessions() / Math.max(0.001, seconds - generateSeconds),
                generateSeconds, result.sessionFiles(), Files.size(zip), peak >> 20,
                raw, (double) deflated / raw, (double) gzipped / raw, (double) deflated / gzipped);
        Files.delete(zip);
    }

    /** Anchored sessions spread over the period's days, generated as they are read. */
    private static SessionSource synthetic(int total) {
        String anchor = "{\"batchId\":\"" + "ab".repeat(32) + "\",\"blockNumber\":1234,\"blockTime\":\"2026-10-01T00:00:00Z\",\"chainId\":31337,"
                + "\"contract\":\"0x5fbdb2315678afecb367f032d93f642f64180aa3\",\"txHash\":\"0x" + "cd".repeat(32) + "\"}";
        return (tenant, day, action) -> {
            int dayIndex = (int) (day.toEpochDay() - FROM.toEpochDay());
            int perDay = total / DAYS + (dayIndex < total % DAYS ? 1 : 0);
            for (int i = 0; i < perDay; i++) {
                String id = "s-" + dayIndex + "-" + i;
                String app = i % 3 == 0 ? "support-bot" : "loan-review";
                Instant startedAt = day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(i % 86_400);
                var record = Json.mapper().createObjectNode();
                record.put("sessionId", id).put("applicationId", app).put("startedAt", startedAt.toString())
                        .put("endedAt", startedAt.plusMillis(2500).toString()).put("intent", "credit_decision").put("model", "gpt-4.1")
                        .put("reasoning", "Income verified; debt-to-income " + (i % 50) / 100.0 + "; no adverse records in the bureau file");
                record.putObject("sdk").put("name", "veriproof-python").put("version", "1.4.2");
                record.putObject("decision").put("outcome", i % 7 == 0 ? "REJECTED" : "APPROVED").put("confidence", 0.5 + (i % 50) / 100.0);
                record.put("riskLevel", i % 10 == 0 ? "HIGH" : "LOW");
                record.putObject("humanOversight").put("required", i % 10 == 0).put("type", i % 10 == 0 ? "HUMAN_IN_THE_LOOP" : "NONE");
                record.putArray("guardrails").addObject().put("name", "pii-filter").put("action", i % 20 == 0 ? "FLAGGED" : "ALLOWED").put("configVersion", "7");
                record.putObject("grounding").put("status", "GROUNDED").put("sources", 1 + i % 5);
                record.putArray("steps").addObject().put("spanId", "a" + i).put("type", "LLM_CALL").put("name", "assess")
                        .put("inputTokens", 800 + i % 100).put("outputTokens", 90 + i % 10);
                String canonical = new String(Canonical.jcs(record), StandardCharsets.UTF_8);
                String leaf = Hashes.hex(Hashes.leafHash(canonical.getBytes(StandardCharsets.UTF_8)));
                StringBuilder path = new StringBuilder();
                for (int h = 0; h < 20; h++) path.append(h == 0 ? "" : ",").append('"').append(Hashes.hex(Hashes.sha256((leaf + h).getBytes(StandardCharsets.UTF_8)))).append('"');
                Map<String, AttributeValue> item = new HashMap<>();
                item.put("sessionId", AttributeValue.fromS(id));
                item.put("applicationId", AttributeValue.fromS(app));
                item.put("record", AttributeValue.fromS(canonical));
                item.put("leafHash", AttributeValue.fromS(leaf));
                item.put("governanceScore", AttributeValue.fromN(Integer.toString(60 + i % 40)));
                item.put("band", AttributeValue.fromS(i % 2 == 0 ? "GOOD" : "EXCELLENT"));
                item.put("factors", AttributeValue.fromM(Map.of("guardrails", AttributeValue.fromN("20"), "oversight", AttributeValue.fromN("25"))));
                item.put("receivedAt", AttributeValue.fromS(startedAt.plusSeconds(1).toString()));
                item.put("requestId", AttributeValue.fromS("req-" + id));
                item.put("proof", AttributeValue.fromS("{\"auditPath\":[" + path + "],\"leafIndex\":" + i + ",\"root\":\"" + "ef".repeat(32)
                        + "\",\"treeSize\":1000000}"));
                item.put("anchor", AttributeValue.fromS(anchor));
                action.accept(item);
            }
        };
    }

    private static final class Counting extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
