package dev.veriproof.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The verifier (issue 16 target 5) against the bare work of reading the same package: inflating every entry and
 * taking its SHA-256, single-threaded, in the same run. Builds a signed package of realistic 4 KB sessions
 * ({@link SessionGenerator}, anchored in batches by {@link AnchoredLines}, whose loopback node answers the verifier's
 * JSON-RPC calls), then alternates bare reads and whole verifications ({@code dev.veriproof.verifier.Main}) and prints
 * sessions per second of each and their ratio (target ≥ 0.3); also the CPU time per session of each (the process's CPU time:
 * every thread and the collector), which says what the ratio would be on an idle machine, and the largest heap in use
 * after a collection while verifying (what the verifier keeps live: it must not grow with the package).
 * <pre>
 * mvn -B -o -q -pl bench -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp bench/target/classes:$(cat /tmp/cp.txt) dev.veriproof.bench.VerifierBenchmark [-Dbench.sessions=60000] [-Dbench.rounds=3]
 * taskset -c 0 java ...   # one core for both sides: the ratio of their CPU costs
 * </pre>
 */
public final class VerifierBenchmark {
    private VerifierBenchmark() {}

    public static void main(String[] args) throws Exception {
        int sessions = Integer.getInteger("bench.sessions", 60_000);
        int batch = Integer.getInteger("bench.batch", 4_096);
        int rounds = Integer.getInteger("bench.rounds", 3);
        Path dir = Files.createTempDirectory("verifier-bench");
        Path zip = dir.resolve("package.zip");
        try (AnchoredLines lines = new AnchoredLines()) {
            long t0 = System.nanoTime();
            writePackage(lines, zip, sessions, batch);
            System.out.printf("package: %,d realistic sessions (%.1f%% deflate ratio of their lines), %,d bytes, %d batches, built in %.1f s%n",
                    sessions, 100 * SessionGenerator.deflateRatio(42, 4096, 2000), Files.size(zip), lines.anchors.size(), (System.nanoTime() - t0) / 1e9);
            System.out.println("cores: " + Runtime.getRuntime().availableProcessors() + ", load: " + load());
            String[] verifyArgs = {zip.toString(), "--rpc", lines.rpcUrl(), "--signer", AnchoredLines.SIGNER.getAddress()};
            // warm-up of both sides
            bare(zip);
            verify(verifyArgs);
            List<double[]> bare = new ArrayList<>();
            List<double[]> verifier = new ArrayList<>();
            HeapAfterGc heap = new HeapAfterGc();
            for (int r = 0; r < rounds; r++) {
                bare.add(timed(() -> bare(zip)));
                heap.reset();
                verifier.add(timed(() -> verify(verifyArgs)));
                System.out.printf("  round %d: bare %.2f s (cpu %.2f s), verifier %.2f s (cpu %.2f s), heap after GC up to %.1f MB, load %s%n", r + 1,
                        bare.get(r)[0], bare.get(r)[1], verifier.get(r)[0], verifier.get(r)[1], heap.peakMegabytes(), load());
            }
            double bareBest = bare.stream().mapToDouble(t -> t[0]).min().orElseThrow();
            double verifierBest = verifier.stream().mapToDouble(t -> t[0]).min().orElseThrow();
            double bareCpu = bare.stream().mapToDouble(t -> t[1]).min().orElseThrow();
            double verifierCpu = verifier.stream().mapToDouble(t -> t[1]).min().orElseThrow();
            System.out.printf("bare inflate + SHA-256 (1 thread): %,.0f sessions/s  (best of %d: %.2f s)%n", sessions / bareBest, rounds, bareBest);
            System.out.printf("verifier (whole check):            %,.0f sessions/s  (best of %d: %.2f s)%n", sessions / verifierBest, rounds, verifierBest);
            double ratio = bareBest / verifierBest;
            System.out.printf("ratio verifier/bare: %.3f  %s (target >= 0.3)%n", ratio, ratio >= 0.3 ? "PASS" : "MISS");
            // what the ratio would be if the verifier had the whole machine and the bare read one core of it
            System.out.printf("CPU time per session: bare %.1f us, verifier %.1f us (all threads and GC): CPU ratio %.3f, x%d cores = %.3f%n",
                    1e6 * bareCpu / sessions, 1e6 * verifierCpu / sessions, bareCpu / verifierCpu, Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().availableProcessors() * bareCpu / verifierCpu);
            System.out.printf("heap after GC while verifying: up to %.1f MB%n", heap.overallPeakMegabytes());
            System.out.println("load after: " + load());
        } finally {
            Files.deleteIfExists(zip);
            Files.deleteIfExists(dir);
        }
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private interface Run {
        double run() throws Exception;
    }

    /** {wall seconds, CPU seconds of the whole process (every thread, the GC's too)} of one run. */
    private static double[] timed(Run run) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        double wall = run.run();
        return new double[] {wall, (os.getProcessCpuTime() - cpu0) / 1e9};
    }

    /** The largest heap in use right after a collection, from the collectors' notifications: what a run keeps live. */
    private static final class HeapAfterGc {
        private volatile long peak;
        private volatile long overall;

        HeapAfterGc() {
            for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                ((javax.management.NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                    if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) return;
                    var info = com.sun.management.GarbageCollectionNotificationInfo.from((javax.management.openmbean.CompositeData) notification.getUserData());
                    long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(java.lang.management.MemoryUsage::getUsed).sum();
                    synchronized (this) {
                        peak = Math.max(peak, used);
                        overall = Math.max(overall, used);
                    }
                }, null, null);
            }
        }

        synchronized void reset() {
            peak = 0;
        }

        double peakMegabytes() {
            return peak / 1e6;
        }

        double overallPeakMegabytes() {
            return overall / 1e6;
        }
    }

    private static double verify(String[] args) {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        long t0 = System.nanoTime();
        int exit = dev.veriproof.verifier.Main.run(args, quiet, System.err);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (exit != 0) throw new IllegalStateException("the package does not verify (exit " + exit + ")");
        return seconds;
    }

    /** Inflates every entry and hashes it: the least any verifier of the package must do. */
    static double bare(Path zip) throws Exception {
        long t0 = System.nanoTime();
        byte[] buffer = new byte[64 * 1024];
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements(); ) {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                try (InputStream in = file.getInputStream(e.nextElement())) {
                    for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
                }
                digest.digest();
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** A package as the export writes it, reduced to what the verifier reads: session files, anchors.json, the signed manifest. */
    static void writePackage(AnchoredLines lines, Path zip, int sessions, int batch) throws IOException {
        ObjectNode manifest = Json.mapper().createObjectNode();
        ArrayNode files = Json.mapper().createArrayNode();
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            int[] inFile = {0};
            int[] fileNo = {0};
            MessageDigest[] digest = {null};
            long[] bytes = {0};
            Runnable close = () -> {
                try {
                    out.closeEntry();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                files.addObject().put("path", String.format("sessions/%05d.jsonl", fileNo[0]))
                        .put("sha256", Hashes.hex(digest[0].digest())).put("bytes", bytes[0]);
            };
            lines.generate(42, 4096, sessions, batch, line -> {
                try {
                    if (digest[0] == null || inFile[0] == 50_000) {
                        if (digest[0] != null) close.run();
                        out.putNextEntry(new ZipEntry(String.format("sessions/%05d.jsonl", ++fileNo[0])));
                        digest[0] = MessageDigest.getInstance("SHA-256");
                        inFile[0] = 0;
                        bytes[0] = 0;
                    }
                    out.write(line);
                    out.write('\n');
                    digest[0].update(line);
                    digest[0].update((byte) '\n');
                    bytes[0] += line.length + 1;
                    inFile[0]++;
                } catch (IOException | java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            });
            close.run();
            byte[] anchors = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(new ArrayList<>(lines.anchors.values()));
            out.putNextEntry(new ZipEntry("anchors.json"));
            out.write(anchors);
            out.closeEntry();
            files.addObject().put("path", "anchors.json").put("sha256", Hashes.hex(Hashes.sha256(anchors))).put("bytes", anchors.length);
            manifest.put("sessions", sessions);
            manifest.set("files", files);
            ArrayNode used = manifest.putArray("anchors");
            lines.anchors.keySet().forEach(used::add);
            manifest.put("signerAddress", AnchoredLines.SIGNER.getAddress());
            byte[] manifestBytes = Json.write(manifest);
            out.putNextEntry(new ZipEntry("manifest.json"));
            out.write(manifestBytes);
            out.closeEntry();
            out.putNextEntry(new ZipEntry("manifest.sig"));
            out.write(AnchoredLines.sign(manifestBytes));
            out.closeEntry();
        }
    }
}
