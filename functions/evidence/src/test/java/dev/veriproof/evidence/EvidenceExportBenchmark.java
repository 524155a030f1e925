package dev.veriproof.evidence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.anchoring.Web3jAnchorChain;
import dev.veriproof.chain.Web3jSigner;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.AnchorBatch;
import dev.veriproof.core.anchoring.AnchorChain;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.MerkleTree;
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
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.web3j.crypto.Credentials;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Not a test: the package writer and the auditor's verifier over 100,000 and 1,000,000 synthetic
 * sessions (≈1 KB records) with the governance stores on DynamoDB Local.
 *
 * <p>The sessions are really anchored: each day of the period is one RFC 9162 tree whose root the
 * production {@link Web3jAnchorChain} publishes through Anchor.sol on a local chain (anvil), from the
 * development account whose key also signs the manifest, and each session item carries its
 * {@code proof} and {@code anchor} attributes exactly as the anchoring function stores them.
 *
 * <p>Per size it prints the writer's sessions/s and peak heap (run it with a small -Xmx to see that
 * memory does not grow with the sessions), the ZIP's compression of the session files against
 * gzip -6 of the same bytes, and then runs {@code verifier/target/verifier.jar} on the package as a
 * separate JVM with a {@value #VERIFIER_HEAP} heap, which must PASS: its wall time, sessions/s
 * (against the writer and against inflating and SHA-256 hashing the same session files here), the
 * largest heap after a collection from its GC log and its peak resident set (VmHWM).
 * <pre>
 * mvn -q -pl functions/evidence -am -DskipTests install
 * mvn -q -pl functions/evidence exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-Xmx256m -cp %classpath dev.veriproof.evidence.EvidenceExportBenchmark 100000 1000000"
 * </pre>
 */
public final class EvidenceExportBenchmark {
    private static final LocalDate FROM = LocalDate.parse("2026-07-01");
    private static final int DAYS = 92;
    private static final String VERIFIER_HEAP = "64m";

    private EvidenceExportBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length == 0 ? List.of(100_000, 1_000_000) : Arrays.stream(args).map(Integer::parseInt).toList();
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        Path verifierJar = CloudFormationTemplate.locate().getParent().resolve("verifier/target/verifier.jar");
        if (!Files.isRegularFile(verifierJar)) throw new IllegalStateException("no " + verifierJar + ": build it first (see the Javadoc)");
        try (LocalDynamoDb dynamo = LocalDynamoDb.start(); LocalChain node = LocalChain.start()) {
            Map<String, String> tables = TemplateTables.createAll(dynamo.client(), CloudFormationTemplate.load(CloudFormationTemplate.locate()), "bench-");
            Clock clock = Clock.fixed(Instant.parse("2026-10-01T02:00:00Z"), ZoneOffset.UTC);
            var enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo.client()).build();
            var applications = new dev.veriproof.adapters.dynamo.DynamoApplicationStore(enhanced, tables.get("GovernanceTable"));
            for (String app : List.of("loan-review", "support-bot")) {
                applications.create(new Application("bench", app, app, RiskLevel.MEDIUM, 75, "owner", RedactionPolicy.NONE, 1, clock.instant(), clock.instant()), "bench");
            }
            PackageWriter.Sources stores = Evidence.sources(dynamo.client(), tables.get("SessionsTable"), tables.get("GovernanceTable"), clock);
            Credentials dev = Credentials.create(LocalChain.DEV_PRIVATE_KEY);
            String contract = Web3jAnchorChain.deploy(node.rpcUrl(), LocalChain.CHAIN_ID, dev);
            AnchorChain chain = new Web3jAnchorChain(node.rpcUrl(), LocalChain.CHAIN_ID, contract, dev);
            Verifier verifier = new Verifier(verifierJar, node.rpcUrl(), contract);
            System.out.printf("max heap %d MB, %d cores; Anchor.sol at %s on a local chain, verifier %s%n",
                    Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(), contract, verifierJar);
            List<Measured> runs = new ArrayList<>();
            for (int n : sizes) runs.add(run(n, stores, clock, chain, verifier));
            if (runs.size() > 1) {
                // the difference between the smallest and the largest run leaves out fixed costs (JVM start, the anchors' RPC calls)
                Measured small = runs.get(0);
                Measured large = runs.get(runs.size() - 1);
                long more = large.sessions - small.sessions;
                System.out.printf("from %,d to %,d sessions: each further session costs the writer %.1f µs (%,.0f/s) and the verifier %.1f µs "
                                + "(%,.0f/s); verifier heap after a GC at most %d MB, then %d MB%n",
                        small.sessions, large.sessions, (large.writeSeconds - small.writeSeconds) * 1e6 / more,
                        more / (large.writeSeconds - small.writeSeconds), (large.verification.seconds - small.verification.seconds) * 1e6 / more,
                        more / (large.verification.seconds - small.verification.seconds), small.verification.maxAfterGcMb, large.verification.maxAfterGcMb);
            }
        }
    }

    private record Measured(long sessions, double writeSeconds, Verification verification) {}

    private static Measured run(int sessions, PackageWriter.Sources stores, Clock clock, AnchorChain chain, Verifier verifier) throws Exception {
        AnchoredSessions synthetic = new AnchoredSessions(sessions);
        long anchorStart = System.nanoTime();
        int batches = synthetic.anchor(chain);
        double anchorSeconds = (System.nanoTime() - anchorStart) / 1e9;
        PackageWriter.Sources sources = new PackageWriter.Sources(synthetic, stores.applications(), stores.guardrails(),
                stores.deployments(), stores.sdk(), stores.audit(), stores.plans(), stores.reviews(), stores.keys(), stores.exports(),
                stores.alerts(), stores.risks(), stores.anchoring());
        PackageWriter writer = new PackageWriter(sources, Web3jSigner.fromPrivateKey(LocalChain.DEV_PRIVATE_KEY), clock);
        ExportJob job = new ExportJob("exp_bench_" + sessions, new ExportRequest("bench", ExportRequest.Framework.ISO_42001, FROM,
                FROM.plusDays(DAYS - 1), List.of()), ExportJob.Trigger.API, ExportJob.Status.RUNNING, clock.instant(), "bench",
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        // the synthetic source's own cost, measured alone, is taken out of the writer's rate
        long generateStart = System.nanoTime();
        long[] generated = {0};
        for (int d = 0; d < DAYS; d++) synthetic.forEach("bench", FROM.plusDays(d), item -> generated[0]++);
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
        double writeRate = result.sessions() / seconds;
        System.out.printf("%,d sessions in %d anchored batches (one a day, %.1f s to anchor)%n", result.sessions(), batches, anchorSeconds);
        System.out.printf("  write:  %.1f s, %,.0f sessions/s (%,.0f/s without generating the synthetic items, %.1f s), "
                        + "%d session file(s), ZIP %,d bytes, peak heap %d MB%n",
                seconds, writeRate, result.sessions() / Math.max(0.001, seconds - generateSeconds), generateSeconds,
                result.sessionFiles(), Files.size(zip), peak >> 20);

        SessionFiles files = SessionFiles.measure(zip);
        System.out.printf("  size:   session files %,d bytes raw, ZIP deflate %.3f of raw, gzip -6 %.3f of raw (ZIP/gzip %.3f)%n",
                files.raw, (double) files.deflated / files.raw, (double) files.gzipped / files.raw, (double) files.deflated / files.gzipped);

        Verification v = verifier.verify(zip);
        if (v.exit != 0) {
            System.out.println(v.head);
            throw new IllegalStateException("the verifier rejected the package (exit " + v.exit + ")");
        }
        double verifyRate = result.sessions() / v.seconds;
        double hashRate = result.sessions() / files.inflateAndHashSeconds;
        System.out.printf("  verify: PASS (exit 0, \"%s\") in %.1f s, %,.0f sessions/s = %.2f x the writer's rate, %.3f x the rate of only "
                        + "inflating and SHA-256 hashing the session files (%.1f s, %,.0f sessions/s, in this JVM)%n",
                v.summary, v.seconds, verifyRate, verifyRate / writeRate, verifyRate / hashRate, files.inflateAndHashSeconds, hashRate);
        System.out.printf("          separate JVM with -Xmx%s: largest heap after a GC %d MB, largest heap before a GC %d MB (%d GCs, from -Xlog:gc), "
                        + "peak resident set %d MB (VmHWM, sampled every 100 ms)%n",
                VERIFIER_HEAP, v.maxAfterGcMb, v.maxBeforeGcMb, v.gcs, v.peakRssKb >> 10);
        Files.delete(zip);
        return new Measured(result.sessions(), seconds, v);
    }

    /**
     * Anchored sessions spread over the period's days, generated as they are read. A record is a
     * function of its day and index, so reading a day computes its leaves again and holds only the
     * day's tree (32 bytes a node), never the records.
     */
    private static final class AnchoredSessions implements SessionSource {
        private final int total;
        private final Anchor[] anchors = new Anchor[DAYS];
        private final String[] roots = new String[DAYS];

        AnchoredSessions(int total) {
            this.total = total;
        }

        /** Publishes each day's root as the anchoring run does (sign, send, await the receipt); returns the number of batches. */
        int anchor(AnchorChain chain) {
            int batches = 0;
            for (int d = 0; d < DAYS; d++) {
                MerkleTree tree = tree(d);
                if (tree.size() == 0) continue;
                LocalDate day = FROM.plusDays(d);
                byte[] root = tree.root();
                String batchId = AnchorBatch.batchIdFor(root, day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
                AnchorChain.SignedAnchor signed = chain.sign(root, tree.size(), Hashes.fromHex(batchId));
                chain.broadcast(signed.rawTransaction());
                AnchorChain.Receipt receipt = chain.awaitReceipt(signed.txHash(), 1, Duration.ofSeconds(60))
                        .orElseThrow(() -> new IllegalStateException("anchor of " + day + " not mined within 60 s"));
                if (!receipt.succeeded() || !receipt.anchoredRoot().map(Hashes.hex(root)::equalsIgnoreCase).orElse(false)) {
                    throw new IllegalStateException("anchor transaction " + receipt.txHash() + " reverted or carries another root");
                }
                anchors[d] = new Anchor(chain.chainId(), chain.contract(), receipt.txHash(), receipt.blockNumber(), receipt.blockTime(), batchId);
                roots[d] = Hashes.hex(root);
                batches++;
            }
            return batches;
        }

        @Override
        public void forEach(String tenantId, LocalDate day, Consumer<Map<String, AttributeValue>> action) {
            int d = (int) (day.toEpochDay() - FROM.toEpochDay());
            MerkleTree tree = tree(d);
            if (tree.size() == 0) return;
            if (!Hashes.hex(tree.root()).equals(roots[d])) throw new IllegalStateException("day " + day + " was not anchored with these records");
            // the attributes as DynamoPendingSessions.recordAnchored stores them
            AttributeValue anchor = AttributeValue.fromS(anchors[d].toJson().toString());
            AttributeValue batchId = AttributeValue.fromS(anchors[d].batchId());
            for (int i = 0; i < tree.size(); i++) {
                String id = sessionId(day, i);
                byte[] canonical = Canonical.jcs(record(day, i));
                Map<String, AttributeValue> item = new HashMap<>();
                item.put("sessionId", AttributeValue.fromS(id));
                item.put("applicationId", AttributeValue.fromS(application(i)));
                item.put("record", AttributeValue.fromS(new String(canonical, StandardCharsets.UTF_8)));
                item.put("leafHash", AttributeValue.fromS(Hashes.hex(Hashes.leafHash(canonical))));
                item.put("governanceScore", AttributeValue.fromN(Integer.toString(60 + i % 40)));
                item.put("band", AttributeValue.fromS(i % 2 == 0 ? "GOOD" : "EXCELLENT"));
                item.put("factors", AttributeValue.fromM(Map.of("guardrails", AttributeValue.fromN("20"), "oversight", AttributeValue.fromN("25"))));
                item.put("receivedAt", AttributeValue.fromS(startedAt(day, i).plusSeconds(1).toString()));
                item.put("requestId", AttributeValue.fromS("req-" + id));
                item.put("proof", AttributeValue.fromS(tree.proof(i).toJson().toString()));
                item.put("anchor", anchor);
                item.put("anchorBatchId", batchId);
                action.accept(item);
            }
        }

        private MerkleTree tree(int dayIndex) {
            LocalDate day = FROM.plusDays(dayIndex);
            int perDay = total / DAYS + (dayIndex < total % DAYS ? 1 : 0);
            List<byte[]> leaves = new ArrayList<>(perDay);
            for (int i = 0; i < perDay; i++) leaves.add(Hashes.leafHash(Canonical.jcs(record(day, i))));
            return MerkleTree.of(leaves);
        }

        private static String sessionId(LocalDate day, int i) {
            return "s-" + (day.toEpochDay() - FROM.toEpochDay()) + "-" + i;
        }

        private static String application(int i) {
            return i % 3 == 0 ? "support-bot" : "loan-review";
        }

        private static Instant startedAt(LocalDate day, int i) {
            return day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(i % 86_400);
        }

        private static ObjectNode record(LocalDate day, int i) {
            Instant startedAt = startedAt(day, i);
            ObjectNode record = Json.mapper().createObjectNode();
            record.put("sessionId", sessionId(day, i)).put("applicationId", application(i))
                    .put("startedAt", startedAt.toString()).put("endedAt", startedAt.plusMillis(2500).toString())
                    .put("intent", "credit_decision").put("model", "gpt-4.1")
                    .put("reasoning", "Income verified; debt-to-income " + (i % 50) / 100.0 + "; no adverse records in the bureau file");
            record.putObject("sdk").put("name", "veriproof-python").put("version", "1.4.2");
            record.putObject("decision").put("outcome", i % 7 == 0 ? "REJECTED" : "APPROVED").put("confidence", 0.5 + (i % 50) / 100.0);
            record.put("riskLevel", i % 10 == 0 ? "HIGH" : "LOW");
            record.putObject("humanOversight").put("required", i % 10 == 0).put("type", i % 10 == 0 ? "HUMAN_IN_THE_LOOP" : "NONE");
            record.putArray("guardrails").addObject().put("name", "pii-filter").put("action", i % 20 == 0 ? "FLAGGED" : "ALLOWED").put("configVersion", "7");
            record.putObject("grounding").put("status", "GROUNDED").put("sources", 1 + i % 5);
            record.putArray("steps").addObject().put("spanId", "a" + i).put("type", "LLM_CALL").put("name", "assess")
                    .put("inputTokens", 800 + i % 100).put("outputTokens", 90 + i % 10);
            return record;
        }
    }

    /** The session files of a package: sizes, and how long inflating and hashing them takes (the floor of any verification). */
    private record SessionFiles(long raw, long deflated, long gzipped, double inflateAndHashSeconds) {
        static SessionFiles measure(Path zip) throws Exception {
            long raw = 0;
            long deflated = 0;
            long gzipped = 0;
            long hashNanos = 0;
            byte[] buffer = new byte[1 << 16];
            try (ZipFile file = new ZipFile(zip.toFile())) {
                for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements(); ) {
                    ZipEntry entry = e.nextElement();
                    if (!entry.getName().startsWith("sessions/")) continue;
                    raw += entry.getSize();
                    deflated += entry.getCompressedSize();
                    long hashStart = System.nanoTime();
                    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                    try (InputStream in = file.getInputStream(entry)) {
                        for (int n; (n = in.read(buffer)) > 0; ) sha256.update(buffer, 0, n);
                    }
                    sha256.digest();
                    hashNanos += System.nanoTime() - hashStart;
                    Counting counting = new Counting();
                    try (InputStream in = file.getInputStream(entry); GZIPOutputStream gzip = new GZIPOutputStream(counting, 1 << 16)) {
                        in.transferTo(gzip);
                    }
                    gzipped += counting.bytes;
                }
            }
            return new SessionFiles(raw, deflated, gzipped, hashNanos / 1e9);
        }
    }

    /** {@code head}: the output's first lines, {@code summary}: its last. */
    private record Verification(int exit, double seconds, String summary, String head, int gcs, long maxBeforeGcMb, long maxAfterGcMb,
                                long peakRssKb) {}

    /** verifier.jar as an auditor runs it, in a JVM of its own with a small fixed heap. */
    private record Verifier(Path jar, String rpcUrl, String contract) {
        private static final Pattern GC_PAUSE = Pattern.compile("Pause.* (\\d+)M->(\\d+)M\\((\\d+)M\\)");

        Verification verify(Path zip) throws Exception {
            Path gcLog = Files.createTempFile("verifier-gc", ".log");
            Path output = Files.createTempFile("verifier-out", ".txt");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder command = new ProcessBuilder(java, "-Xmx" + VERIFIER_HEAP, "-Xlog:gc:file=" + gcLog, "-jar", jar.toString(),
                    zip.toString(), "--rpc", rpcUrl, "--contract", contract, "--signer", LocalChain.DEV_ADDRESS)
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            long start = System.nanoTime();
            Process process = command.start();
            long peakRssKb = 0;
            while (!process.waitFor(100, TimeUnit.MILLISECONDS)) peakRssKb = Math.max(peakRssKb, vmHwmKb(process.pid()));
            double seconds = (System.nanoTime() - start) / 1e9;
            String head;
            String summary;
            try (var lines = Files.lines(output)) {
                head = String.join("\n", lines.limit(20).toList());
            }
            try (var lines = Files.lines(output)) {
                summary = lines.reduce((first, second) -> second).orElse("");
            }
            int gcs = 0;
            long before = 0;
            long after = 0;
            for (String line : Files.readAllLines(gcLog)) {
                Matcher m = GC_PAUSE.matcher(line);
                if (!m.find()) continue;
                gcs++;
                before = Math.max(before, Long.parseLong(m.group(1)));
                after = Math.max(after, Long.parseLong(m.group(2)));
            }
            Files.delete(gcLog);
            Files.delete(output);
            return new Verification(process.exitValue(), seconds, summary, head, gcs, before, after, peakRssKb);
        }

        /** The process's peak resident set so far (Linux); 0 where /proc is not there or the process has gone. */
        private static long vmHwmKb(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", ""));
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or the process just exited
            }
            return 0;
        }
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
