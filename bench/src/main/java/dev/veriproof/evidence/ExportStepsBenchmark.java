package dev.veriproof.evidence;

import dev.veriproof.bench.AnchoredLines;
import dev.veriproof.bench.SessionGenerator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

/**
 * The evidence export's steps (issue 16 target 4) on realistic sessions, against a bare deflate + SHA-256 of the same
 * bytes in the same run, and the largest export that fits Lambda's and Step Functions' limits derived from them.
 * (In the evidence package so that it runs the steps' own package-private code; it lives in bench with the realistic
 * session generator.)
 * <ul>
 *   <li>PackShard's work: {@link ShardEntries#write} of N anchored session lines as the staging holds them — deflate,
 *       CRC-32, SHA-256 and the ZIP records — single-threaded, as one step on one vCPU;</li>
 *   <li>the reference: java.util.zip's Deflater (level 6, raw) and SHA-256 over the same bytes;</li>
 *   <li>Assemble's own work for a package of 50M sessions: the central directory of its ~1,000 session files (the
 *       session bytes themselves are copied by S3, UploadPartCopy, and never pass through the step).</li>
 * </ul>
 * <pre>
 * mvn -q -pl bench -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp bench/target/classes:$(cat /tmp/cp.txt) dev.veriproof.evidence.ExportStepsBenchmark [-Dbench.sessions=20000]
 * </pre>
 */
public final class ExportStepsBenchmark {
    /** The template's MemorySize for PackShard: 1,769 MB is one full vCPU on Lambda. */
    static final int PACK_MEMORY_MB = 1769;
    static final long TARGET_SESSIONS = 50_000_000L;
    /** What a step may spend of Lambda's 15 minutes on CPU; the rest is left for S3 reads and writes and for noise. */
    static final double USABLE = 0.75;
    /** Step Functions history events per shard: two Map iterations of one Task each (iteration started/succeeded, state entered/exited, scheduled, started, succeeded). */
    static final int EVENTS_PER_SHARD = 2 * 7;
    static final int HISTORY_LIMIT = 25_000;
    /** Events of the states around the Maps (Check, the Parallel's four branches, Assemble, Finalize, the execution's own): generous. */
    static final int FIXED_EVENTS = 100;
    /** Bytes per shard in the largest payload ($.shards' {id, from, to} and $.written's {sessions}), given to every PackShard. */
    static final int PAYLOAD_PER_SHARD = 90;
    static final int PAYLOAD_LIMIT = 256 * 1024;
    /** S3: at most 10,000 parts in an upload; a shard's object is at least one copied part. */
    static final int MAX_PARTS = 10_000;

    private ExportStepsBenchmark() {}

    public static void main(String[] args) throws Exception {
        int sessions = Integer.getInteger("bench.sessions", 20_000);
        int rounds = Integer.getInteger("bench.rounds", 3);
        ByteArrayOutputStream staged = new ByteArrayOutputStream();
        try (AnchoredLines lines = new AnchoredLines()) {
            lines.generate(42, 4096, sessions, 4096, line -> {
                staged.write(line, 0, line.length);
                staged.write('\n');
            });
        }
        byte[] bytes = staged.toByteArray();
        System.out.printf("%,d realistic anchored session lines, %,d bytes (%.0f bytes a line; the records deflate to %.1f%%)%n",
                sessions, bytes.length, (double) bytes.length / sessions, 100 * SessionGenerator.deflateRatio(42, 4096, 2000));
        System.out.println("cores: " + Runtime.getRuntime().availableProcessors() + ", load: " + load());
        long dosTime = ZipParts.dosTime(Instant.parse("2026-10-01T00:00:00Z"));
        bare(bytes);
        pack(bytes, dosTime);
        List<Double> bare = new ArrayList<>();
        List<Double> pack = new ArrayList<>();
        long packed = 0;
        for (int r = 0; r < rounds; r++) {
            bare.add(bare(bytes));
            long t0 = System.nanoTime();
            packed = pack(bytes, dosTime);
            pack.add((System.nanoTime() - t0) / 1e9);
        }
        double bareBest = bare.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double packBest = pack.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double packRate = sessions / packBest;
        System.out.printf("bare deflate + SHA-256 (1 thread):   %,8.0f sessions/s  (%.1f MB/s)%n", sessions / bareBest, bytes.length / bareBest / 1e6);
        System.out.printf("PackShard's work (1 thread):         %,8.0f sessions/s  (%.1f MB/s), ratio %.2f; packed to %.1f%%%n",
                packRate, bytes.length / packBest / 1e6, bareBest / packBest, 100.0 * packed / bytes.length);

        // Assemble's own bytes for 50M sessions: the central directory of ~1,000 session files and the reports' entries
        int files = (int) ((TARGET_SESSIONS + PackageWriter.SESSIONS_PER_FILE - 1) / PackageWriter.SESSIONS_PER_FILE) + 13;
        List<ZipParts.Entry> entries = new ArrayList<>();
        long offset = 0;
        for (int i = 1; i <= files; i++) {
            entries.add(new ZipParts.Entry(PackageWriter.sessionFile(i), offset, 0x12345678L, 70_000_000L, 280_000_000L, "00".repeat(32), dosTime));
            offset += 70_000_000L;
        }
        double cdSeconds = Double.MAX_VALUE;
        long cdBytes = 0;
        for (int r = 0; r < rounds + 1; r++) {
            ByteArrayOutputStream cd = new ByteArrayOutputStream();
            long t0 = System.nanoTime();
            ZipParts.centralDirectory(new ZipParts.Counting(cd, offset), entries);
            cdSeconds = Math.min(cdSeconds, (System.nanoTime() - t0) / 1e9);
            cdBytes = cd.size();
        }
        System.out.printf("Assemble's own work for %,d sessions: a ZIP64 central directory of %,d entries, %,d bytes in %.1f ms; "
                + "the %,.1f GB of packed session files are copied by S3 (UploadPartCopy), one part per shard object (+1 per 5 GiB)%n",
                TARGET_SESSIONS, files, cdBytes, cdSeconds * 1e3, offset / 1e9);

        double perStep = packRate * 900 * USABLE;
        long shardsFor50M = (long) Math.ceil(TARGET_SESSIONS / perStep);
        int byHistory = (HISTORY_LIMIT - FIXED_EVENTS) / EVENTS_PER_SHARD;
        int byPayload = PAYLOAD_LIMIT / PAYLOAD_PER_SHARD;
        int maxShards = Math.min(Math.min(byHistory, byPayload), MAX_PARTS - 1);
        System.out.printf("%nPackShard at %d MB (1 vCPU): %,.0f sessions per 15-minute step at %.0f%% of it on CPU%n", PACK_MEMORY_MB, perStep, USABLE * 100);
        System.out.printf("Step Functions: at most %,d shards by the 25,000-event history (%d events a shard), %,d by the 256 KB payload, "
                + "%,d by S3's 10,000 parts%n", byHistory, EVENTS_PER_SHARD, byPayload, MAX_PARTS - 1);
        System.out.printf("largest package: %,d shards x %,.0f = %,.0f sessions; 50M sessions need %,d shards of %,.0f sessions "
                + "(%.1f days a shard over a quarter of 92 days: EXPORT_SHARD_DAYS=%d) -> %s%n",
                maxShards, perStep, maxShards * perStep, shardsFor50M, (double) TARGET_SESSIONS / shardsFor50M,
                92.0 / shardsFor50M, Math.max(1, (int) Math.floor(92.0 / shardsFor50M)), shardsFor50M <= maxShards ? "FITS" : "DOES NOT FIT");
        System.out.printf("before (one Assemble step deflating and hashing every byte at this rate): %,.0f sessions in 15 minutes; "
                + "50M would take %,.0f minutes%n", perStep, TARGET_SESSIONS / packRate / 60);
        System.out.println("load after: " + load());
    }

    private static long pack(byte[] bytes, long dosTime) throws IOException {
        return ShardEntries.write(new ByteArrayInputStream(bytes), 1, dosTime, OutputStream.nullOutputStream()).bytes();
    }

    private static double bare(byte[] bytes) throws Exception {
        long t0 = System.nanoTime();
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] out = new byte[64 * 1024];
        for (int off = 0; off < bytes.length; off += 64 * 1024) {
            int len = Math.min(64 * 1024, bytes.length - off);
            sha.update(bytes, off, len);
            deflater.setInput(bytes, off, len);
            while (!deflater.needsInput()) deflater.deflate(out);
        }
        deflater.finish();
        while (!deflater.finished()) deflater.deflate(out);
        deflater.end();
        sha.digest();
        return (System.nanoTime() - t0) / 1e9;
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
