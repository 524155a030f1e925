package dev.veriproof.evidence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.GarbageCollectionNotificationInfo;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.anchoring.Web3jAnchorChain;
import dev.veriproof.chain.Web3jSigner;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.AnchorBatch;
import dev.veriproof.core.anchoring.AnchorChain;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.SessionView;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.MerkleTree;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalChain;
import dev.veriproof.local.LocalDynamoDb;
import dev.veriproof.local.TemplateTables;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.web3j.crypto.Credentials;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Not a test: the evidence export of 100,000 and 1,000,000 synthetic sessions (≈1 KB records) through the state
 * machine's real step handlers, and the auditor's verifier on the package.
 *
 * <p>The export runs as {@code infrastructure/statemachines/evidence-export.asl.json} runs it: the job is created in
 * the governance table on DynamoDB Local by the real {@link DynamoExportStore} (with its {@code exports.start} audit
 * entry), then {@link ExportStepHandler.Check}; {@link ExportStepHandler.WriteShard} per shard of
 * {@value #SHARD_DAYS} days, at most {@value #MAP_CONCURRENCY} at a time like the Map state, then
 * {@link ExportStepHandler.PackShard} per shard like the second Map state; the three
 * {@link ExportStepHandler.WriteReports} branches at once like the Parallel state; {@link ExportStepHandler.Assemble};
 * {@link ExportStepHandler.Finalize}. They stage and write through the production {@link EvidenceBucket} (16 MiB
 * parts) on an in-process s3proxy whose objects are files in a temporary directory ({@link LocalS3#startOnDisk()}), not
 * heap; the package is then downloaded from it. The governance records come from DynamoDB Local; only the sessions are
 * synthetic, generated as they are read (a million sessions do not fit in DynamoDB Local here).
 *
 * <p>The sessions are really anchored: each day of the period is one RFC 9162 tree whose root the
 * production {@link Web3jAnchorChain} publishes through Anchor.sol on a local chain (anvil), from the
 * development account whose key also signs the manifest, and each session item carries its
 * {@code proof} and {@code anchor} attributes exactly as the anchoring function stores them.
 *
 * <p>Per size it prints each phase's wall time and peak heap (run it with a small -Xmx to see that memory does not
 * grow with the sessions; the s3proxy server runs in this JVM and is counted in it), the sessions/s of the whole
 * export with and without the synthetic source's own cost, the ZIP's compression of the session files against gzip -6
 * of the same bytes, and then runs {@code verifier/target/verifier.jar} on the downloaded package as a separate JVM
 * with a {@value #VERIFIER_HEAP} heap, which must PASS: its wall time, sessions/s (against the export and against
 * inflating and SHA-256 hashing the same session files here), the largest heap after a collection from its GC log and
 * its peak resident set (VmHWM).
 * <pre>
 * mvn -q -o -pl functions/evidence -am -DskipTests install
 * mvn -q -o -pl functions/evidence exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-Xmx256m -cp %classpath dev.veriproof.evidence.EvidenceExportBenchmark 100000 1000000"
 * </pre>
 */
public final class EvidenceExportBenchmark {
    private static final LocalDate FROM = LocalDate.parse("2026-07-01");
    private static final int DAYS = 92;
    private static final String TENANT = "bench";
    /** As in production: EvidenceBucket.fromConfig's part size, EXPORT_SHARD_DAYS' default, the Map's MaxConcurrency. */
    private static final int PART_SIZE = 16 * 1024 * 1024;
    private static final int SHARD_DAYS = 7;
    private static final int MAP_CONCURRENCY = 4;
    private static final List<String> REPORT_GROUPS = Arrays.stream(ExportService.ReportGroup.values()).map(g -> g.id).toList();
    private static final String VERIFIER_HEAP = "64m";

    private EvidenceExportBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length == 0 ? List.of(100_000, 1_000_000) : Arrays.stream(args).map(Integer::parseInt).toList();
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "local");
        System.setProperty("aws.secretAccessKey", "local");
        Path verifierJar = CloudFormationTemplate.locate().getParent().resolve("verifier/target/verifier.jar");
        if (!Files.isRegularFile(verifierJar)) throw new IllegalStateException("no " + verifierJar + ": build it first (see the Javadoc)");
        try (LocalDynamoDb dynamo = LocalDynamoDb.start(); LocalChain node = LocalChain.start(); LocalS3 s3 = LocalS3.startOnDisk()) {
            Map<String, String> tables = TemplateTables.createAll(dynamo.client(), CloudFormationTemplate.load(CloudFormationTemplate.locate()), "bench-");
            String governanceTable = tables.get("GovernanceTable");
            Clock clock = Clock.fixed(Instant.parse("2026-10-01T02:00:00Z"), ZoneOffset.UTC);
            var enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo.client()).build();
            var applications = new DynamoApplicationStore(enhanced, governanceTable);
            for (String app : List.of("loan-review", "support-bot")) {
                applications.create(new Application(TENANT, app, app, RiskLevel.MEDIUM, 75, "owner", RedactionPolicy.NONE, 1, clock.instant(), clock.instant()), "bench");
            }
            Credentials dev = Credentials.create(LocalChain.DEV_PRIVATE_KEY);
            String contract = Web3jAnchorChain.deploy(node.rpcUrl(), LocalChain.CHAIN_ID, dev);
            Local local = new Local(Evidence.sources(dynamo.client(), tables.get("SessionsTable"), governanceTable, clock),
                    new DynamoExportStore(dynamo.client(), governanceTable, new DynamoAuditLog(dynamo.client(), governanceTable, clock)),
                    s3.bucket("evidence-bench", PART_SIZE), s3.client(), clock,
                    new Web3jAnchorChain(node.rpcUrl(), LocalChain.CHAIN_ID, contract, dev), new Verifier(verifierJar, node.rpcUrl(), contract));
            System.out.printf("max heap %d MB, %d cores; Anchor.sol at %s on a local chain, verifier %s; S3 is s3proxy in this JVM "
                            + "on a filesystem store, its heap included in the figures below%n",
                    Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(), contract, verifierJar);
            List<Measured> runs = new ArrayList<>();
            for (int n : sizes) runs.add(run(n, local));
            if (runs.size() > 1) {
                // the difference between the smallest and the largest run leaves out fixed costs (JVM start, the anchors' RPC calls)
                Measured small = runs.get(0);
                Measured large = runs.get(runs.size() - 1);
                long more = large.sessions - small.sessions;
                System.out.printf("from %,d to %,d sessions: each further session costs the export %.1f µs (%,.0f/s) and the verifier %.1f µs "
                                + "(%,.0f/s); export heap at most %d MB, then %d MB (after a GC at most %d MB, then %d MB); verifier heap after a GC "
                                + "at most %d MB, then %d MB%n",
                        small.sessions, large.sessions, (large.exportSeconds - small.exportSeconds) * 1e6 / more,
                        more / (large.exportSeconds - small.exportSeconds), (large.verification.seconds - small.verification.seconds) * 1e6 / more,
                        more / (large.verification.seconds - small.verification.seconds), small.peakHeapMb, large.peakHeapMb,
                        small.maxAfterGcMb, large.maxAfterGcMb, small.verification.maxAfterGcMb, large.verification.maxAfterGcMb);
            }
        }
    }

    /** The local servers and the production adapters on them that every run shares. */
    private record Local(PackageWriter.Sources stores, DynamoExportStore exports, EvidenceBucket bucket, S3Client s3, Clock clock,
                         AnchorChain chain, Verifier verifier) {}

    private record Measured(long sessions, double exportSeconds, long peakHeapMb, long maxAfterGcMb, Verification verification) {}

    private static Measured run(int sessions, Local local) throws Exception {
        AnchoredSessions synthetic = new AnchoredSessions(sessions);
        long anchorStart = System.nanoTime();
        int batches = synthetic.anchor(local.chain);
        double anchorSeconds = (System.nanoTime() - anchorStart) / 1e9;

        // production's wiring (Evidence.service()) with the synthetic sessions in place of the sessions table
        PackageWriter.Sources sources = local.stores.withSessions(synthetic);
        PackageWriter writer = new PackageWriter(sources, Web3jSigner.fromPrivateKey(LocalChain.DEV_PRIVATE_KEY), local.clock);
        List<String> published = new CopyOnWriteArrayList<>();
        ExportService service = new ExportService(local.exports, local.bucket, writer,
                (tenant, type, detail) -> published.add(type), local.clock, SHARD_DAYS);

        // what ExportLauncher does before it starts the execution
        String exportId = "exp_bench_" + sessions;
        ExportRequest request = new ExportRequest(TENANT, ExportRequest.Framework.ISO_42001, FROM, FROM.plusDays(DAYS - 1), List.of());
        ExportJob job = new ExportJob(exportId, request, ExportJob.Trigger.API, ExportJob.Status.RUNNING, local.clock.instant(), "bench",
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 1, local.clock.instant());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("framework", request.framework().name());
        details.put("from", request.from().toString());
        details.put("to", request.to().toString());
        details.put("applications", request.applications());
        details.put("trigger", job.trigger().name());
        if (!local.exports.create(job, new AuditEvent("bench", "exports.start", "export/" + exportId, details))) {
            throw new IllegalStateException("export " + exportId + " exists already");
        }

        // the synthetic source's own cost, read the way the WriteShard steps read it, is taken out of the shards' time
        List<ExportService.Shard> shards = service.plan(TENANT, exportId);
        double generateSeconds = generate(synthetic, shards);

        StateMachine execution = new StateMachine(service);
        Map<String, Object> end = execution.run(TENANT, exportId);
        double seconds = execution.seconds();
        long exported = ((Number) end.get("sessions")).longValue();
        if (exported != sessions) throw new IllegalStateException("the package has " + exported + " sessions, not " + sessions);
        ExportJob done = local.exports.find(TENANT, exportId).orElseThrow();
        if (done.status() != ExportJob.Status.SUCCEEDED || !List.of(ExportService.READY_EVENT).equals(published)) {
            throw new IllegalStateException("export " + exportId + " is " + done.status() + ", published " + published);
        }
        String staging = ExportService.stagingPrefix(TENANT, exportId);
        if (local.s3.listObjectsV2(l -> l.bucket(local.bucket.name()).prefix(staging)).keyCount() != 0) {
            throw new IllegalStateException("staging " + staging + " was not deleted");
        }

        Path directory = Files.createTempDirectory("evidence-bench");
        Path zip = directory.resolve(exportId + ".zip");
        String key = ExportService.objectKey(TENANT, exportId);
        long downloadStart = System.nanoTime();
        local.s3.getObject(g -> g.bucket(local.bucket.name()).key(key), zip);
        double downloadSeconds = (System.nanoTime() - downloadStart) / 1e9;
        local.s3.deleteObject(d -> d.bucket(local.bucket.name()).key(key));

        double rate = exported / seconds;
        Phase shardPhase = execution.phase("shards");
        System.out.printf("%,d sessions in %d anchored batches (one a day, %.1f s to anchor); export %s in %d shards of %d days%n",
                exported, batches, anchorSeconds, exportId, shards.size(), SHARD_DAYS);
        System.out.printf("  steps:  %s; total %.1f s%n", execution.phases.stream()
                .map(p -> String.format("%s %.1f s", p.name, p.seconds)).collect(Collectors.joining(", ")), seconds);
        System.out.printf("          %,.0f sessions/s; without generating the synthetic items (%.1f s, %d shards %d at a time, as WriteShard "
                        + "reads them) the shards take %.1f s and the export %,.0f sessions/s%n",
                rate, generateSeconds, shards.size(), MAP_CONCURRENCY, shardPhase.seconds - generateSeconds,
                exported / Math.max(0.001, seconds - generateSeconds));
        System.out.printf("  heap:   peak %d MB (%s MB: the heap just before a GC or at the step's end, a full GC before each step; "
                        + "G1 lets it fill towards -Xmx before it collects)%n"
                        + "          largest heap after a GC %s MB; left after a full GC at the step's end %s MB; s3proxy's share included%n",
                execution.peakHeapMb(), execution.figures(h -> h.peakMb()), execution.figures(h -> h.gcs() == 0 ? null : h.maxAfterGcMb()),
                execution.figures(h -> h.retainedMb()));

        SessionFiles files = SessionFiles.measure(zip);
        System.out.printf("  zip:    %,d bytes downloaded in %.1f s, %d session file(s)%n", Files.size(zip), downloadSeconds, files.count);
        System.out.printf("  size:   session files %,d bytes raw, ZIP deflate %,d bytes = %.4f of raw, gzip -6 %,d bytes = %.4f of raw "
                        + "(ZIP/gzip %.4f)%n", files.raw, files.deflated, (double) files.deflated / files.raw, files.gzipped,
                (double) files.gzipped / files.raw, (double) files.deflated / files.gzipped);

        Verification v = local.verifier.verify(zip);
        if (v.exit != 0) {
            System.out.println(v.head);
            throw new IllegalStateException("the verifier rejected the package (exit " + v.exit + ")");
        }
        double verifyRate = exported / v.seconds;
        double hashRate = exported / files.inflateAndHashSeconds;
        System.out.printf("  verify: PASS (exit 0, \"%s\") in %.1f s, %,.0f sessions/s = %.2f x the export's rate, %.3f x the rate of only "
                        + "inflating and SHA-256 hashing the session files (%.1f s, %,.0f sessions/s, in this JVM)%n",
                v.summary, v.seconds, verifyRate, verifyRate / rate, verifyRate / hashRate, files.inflateAndHashSeconds, hashRate);
        System.out.printf("          separate JVM with -Xmx%s: largest heap after a GC %d MB, largest heap before a GC %d MB (%d GCs, from -Xlog:gc), "
                        + "peak resident set %d MB (VmHWM, sampled every 100 ms)%n",
                VERIFIER_HEAP, v.maxAfterGcMb, v.maxBeforeGcMb, v.gcs, v.peakRssKb >> 10);
        Files.delete(zip);
        Files.delete(directory);
        return new Measured(exported, seconds, execution.peakHeapMb(), execution.maxAfterGcMb(), v);
    }

    /** Reads every shard's days from the synthetic source as the WriteShard steps do, as many at a time, and only counts them; wall seconds. */
    private static double generate(AnchoredSessions synthetic, List<ExportService.Shard> shards) throws Exception {
        long start = System.nanoTime();
        List<Callable<Long>> reads = new ArrayList<>();
        for (ExportService.Shard shard : shards) {
            reads.add(() -> {
                long[] items = {0};
                for (LocalDate day = shard.from(); !day.isAfter(shard.to()); day = day.plusDays(1)) synthetic.forEach(TENANT, day, item -> items[0]++);
                return items[0];
            });
        }
        all(MAP_CONCURRENCY, reads);
        return (System.nanoTime() - start) / 1e9;
    }

    /** Runs the tasks at most {@code concurrency} at a time; their results in the tasks' order, or the first failure. */
    private static <T> List<T> all(int concurrency, List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(tasks)) results.add(f.get());
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private record Phase(String name, double seconds, Heap heap) {}

    /**
     * The state machine's path to SUCCEEDED as the ASL runs it, each state's step handlers called with the input the ASL
     * gives them. Each phase is timed and its heap measured; a full GC between phases (not timed) leaves a phase's garbage
     * out of the next, as each step is a Lambda invocation of its own in production.
     */
    private static final class StateMachine {
        private static final HeapWatch HEAP = new HeapWatch();
        private final ExportService service;
        final List<Phase> phases = new ArrayList<>();

        StateMachine(ExportService service) {
            this.service = service;
        }

        Map<String, Object> run(String tenantId, String exportId) throws Exception {
            HEAP.measure();
            Map<String, Object> state = new LinkedHashMap<>(Map.of("tenantId", tenantId, "exportId", exportId));
            state = phase("check", state, s -> new ExportStepHandler.Check(service).handleRequest(s, null));
            state = phase("shards", state, this::writeShards);
            state = phase("pack", state, this::packShards);
            state = phase("reports", state, this::writeReports);
            state = phase("assemble", state, s -> new ExportStepHandler.Assemble(service).handleRequest(s, null));
            return phase("finalize", state, s -> new ExportStepHandler.Finalize(service).handleRequest(s, null));
        }

        /** The second Map state: PackShard with {tenantId, exportId, shard, index, written} per shard, MaxConcurrency at a time. */
        private Map<String, Object> packShards(Map<String, Object> state) {
            List<Callable<Map<String, Object>>> iterations = new ArrayList<>();
            List<?> shards = (List<?>) state.get("shards");
            for (int i = 0; i < shards.size(); i++) {
                Map<String, Object> input = new LinkedHashMap<>();
                input.put("tenantId", state.get("tenantId"));
                input.put("exportId", state.get("exportId"));
                input.put("shard", shards.get(i));
                input.put("index", i);
                input.put("written", state.get("written"));
                iterations.add(() -> new ExportStepHandler.PackShard(service).handleRequest(input, null));
            }
            unchecked(() -> all(MAP_CONCURRENCY, iterations));
            return state;
        }

        /** The Map state: WriteShard with {tenantId, exportId, shard} per shard, MaxConcurrency at a time; each one's {sessions}, in order, at $.written. */
        private Map<String, Object> writeShards(Map<String, Object> state) {
            List<Callable<Map<String, Object>>> iterations = new ArrayList<>();
            for (Object shard : (List<?>) state.get("shards")) {
                Map<String, Object> input = new LinkedHashMap<>();
                input.put("tenantId", state.get("tenantId"));
                input.put("exportId", state.get("exportId"));
                input.put("shard", shard);
                iterations.add(() -> new ExportStepHandler.WriteShard(service).handleRequest(input, null));
            }
            List<Map<String, Object>> results = unchecked(() -> all(MAP_CONCURRENCY, iterations));
            Map<String, Object> next = new LinkedHashMap<>(state);
            next.put("written", results.stream().map(r -> Map.of("sessions", r.get("sessions"))).toList());
            return next;
        }

        /** The Parallel state: a WriteReports branch per group, all at once, each given its Parameters; their results, in branch order, at $.reports. */
        private Map<String, Object> writeReports(Map<String, Object> state) {
            List<Callable<Map<String, Object>>> branches = new ArrayList<>();
            for (String group : REPORT_GROUPS) {
                Map<String, Object> parameters = new LinkedHashMap<>();
                parameters.put("tenantId", state.get("tenantId"));
                parameters.put("exportId", state.get("exportId"));
                parameters.put("shards", state.get("shards"));
                parameters.put("group", group);
                branches.add(() -> new ExportStepHandler.WriteReports(service).handleRequest(parameters, null));
            }
            Map<String, Object> next = new LinkedHashMap<>(state);
            next.put("reports", unchecked(() -> all(branches.size(), branches)));
            return next;
        }

        private Map<String, Object> phase(String name, Map<String, Object> state, UnaryOperator<Map<String, Object>> step)
                throws InterruptedException {
            long start = System.nanoTime();
            Map<String, Object> next = step.apply(state);
            double seconds = (System.nanoTime() - start) / 1e9;
            phases.add(new Phase(name, seconds, HEAP.measure()));
            return next;
        }

        Phase phase(String name) {
            return phases.stream().filter(p -> p.name.equals(name)).findFirst().orElseThrow();
        }

        double seconds() {
            return phases.stream().mapToDouble(Phase::seconds).sum();
        }

        /** "check 12, shards 34, ..." ("-" where the figure is null). */
        String figures(Function<Heap, Long> figure) {
            return phases.stream().map(p -> p.name + " " + Optional.ofNullable(figure.apply(p.heap)).map(String::valueOf).orElse("-"))
                    .collect(Collectors.joining(", "));
        }

        long peakHeapMb() {
            return phases.stream().mapToLong(p -> p.heap.peakMb()).max().orElse(0);
        }

        long maxAfterGcMb() {
            return phases.stream().mapToLong(p -> Math.max(p.heap.maxAfterGcMb(), p.heap.retainedMb())).max().orElse(0);
        }

        private static <T> T unchecked(Callable<T> task) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new IllegalStateException(e.getCause());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The heap of a phase: its peak, the largest heap left after a GC, how many GCs there were, and what a full GC left at its end. */
    private record Heap(long peakMb, long maxAfterGcMb, long gcs, long retainedMb) {}

    /**
     * This JVM's heap, from the collectors' notifications: its peak (the heap is fullest just before a GC) and the largest
     * heap left after a GC (what was live, or not yet collected, at that moment), between two calls of {@link #measure()}.
     */
    private static final class HeapWatch {
        private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        private long maxBeforeGc;
        private long maxAfterGc;
        private long gcs;
        /** The GCs {@link #measure()} asks for, and the heap before and after the last of them. */
        private long requested;
        private long beforeRequested;
        private long afterRequested;

        HeapWatch() {
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
                    if (notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                        gc(GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()));
                    }
                }, null, null);
            }
        }

        private synchronized void gc(GarbageCollectionNotificationInfo info) {
            long before = heap(info.getGcInfo().getMemoryUsageBeforeGc());
            if (info.getGcCause().equals("System.gc()")) {
                beforeRequested = before;
                afterRequested = heap(info.getGcInfo().getMemoryUsageAfterGc());
                requested++;
                notifyAll();
                return;
            }
            maxBeforeGc = Math.max(maxBeforeGc, before);
            maxAfterGc = Math.max(maxAfterGc, heap(info.getGcInfo().getMemoryUsageAfterGc()));
            gcs++;
        }

        private long heap(Map<String, MemoryUsage> pools) {
            long used = 0;
            for (Map.Entry<String, MemoryUsage> pool : pools.entrySet()) if (heapPools.contains(pool.getKey())) used += pool.getValue().getUsed();
            return used;
        }

        /**
         * The heap since the last call, then a full GC to start the next from what is live: the GC's notification comes
         * after every earlier one, and the heap it found is the heap at the end.
         */
        synchronized Heap measure() throws InterruptedException {
            long wanted = requested + 1;
            System.gc();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (requested < wanted && System.nanoTime() < deadline) wait(10);
            Heap heap = new Heap(Math.max(maxBeforeGc, beforeRequested) >> 20, maxAfterGc >> 20, gcs, afterRequested >> 20);
            maxBeforeGc = 0;
            maxAfterGc = 0;
            gcs = 0;
            return heap;
        }
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
                String batchId = AnchorBatch.batchIdFor(AnchorBatch.SESSIONS_ONLY, root, day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
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
        public void forEach(String tenantId, LocalDate day, Consumer<SessionView> action) {
            int d = (int) (day.toEpochDay() - FROM.toEpochDay());
            MerkleTree tree = tree(d);
            if (tree.size() == 0) return;
            if (!Hashes.hex(tree.root()).equals(roots[d])) throw new IllegalStateException("day " + day + " was not anchored with these records");
            for (int i = 0; i < tree.size(); i++) {
                String id = sessionId(day, i);
                byte[] canonical = Canonical.jcs(record(day, i));
                int score = 60 + i % 40;
                StoredSession stored = new StoredSession(tenantId, id, application(i), startedAt(day, i),
                        new String(canonical, StandardCharsets.UTF_8), Hashes.hex(Hashes.leafHash(canonical)), score,
                        i % 2 == 0 ? "GOOD" : "EXCELLENT", Map.of("guardrails", 20, "oversight", 25), startedAt(day, i).plusSeconds(1),
                        "req-" + id, false);
                action.accept(new SessionView(stored, Optional.of(anchors[d]), Optional.of(tree.proof(i))));
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
    private record SessionFiles(int count, long raw, long deflated, long gzipped, double inflateAndHashSeconds) {
        static SessionFiles measure(Path zip) throws Exception {
            int count = 0;
            long raw = 0;
            long deflated = 0;
            long gzipped = 0;
            long hashNanos = 0;
            byte[] buffer = new byte[1 << 16];
            try (ZipFile file = new ZipFile(zip.toFile())) {
                for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements(); ) {
                    ZipEntry entry = e.nextElement();
                    if (!entry.getName().startsWith("sessions/")) continue;
                    count++;
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
            return new SessionFiles(count, raw, deflated, gzipped, hashNanos / 1e9);
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
