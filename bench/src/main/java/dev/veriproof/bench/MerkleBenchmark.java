package dev.veriproof.bench;

import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.merkle.InclusionProof;
import dev.veriproof.core.merkle.MerkleTree;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The anchoring tree: build and proofs for N leaves (default 1,000,000), against the machine's
 * SHA-256 rate measured in the same run (a raw loop over the same 65-byte node input in this JVM,
 * and {@code openssl speed -bytes 64 sha256} when openssl is installed).
 * <pre>
 * mvn -q -pl bench -am -DskipTests install && mvn -q -pl bench -Pmerkle-bench exec:exec
 * </pre>
 * Prints the figures; compares nothing against a fixed time (benchmarks are not tests).
 */
public final class MerkleBenchmark {
    private static final int ROUNDS = 5;

    private MerkleBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        System.out.printf("== Merkle tree benchmark: %,d leaves (RFC 9162, SHA-256), Java %s, %d CPU(s)%n",
                n, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());

        List<byte[]> leaves = new ArrayList<>(n);
        for (int i = 0; i < n; i++) leaves.add(Hashes.leafHash(Integer.toString(i).getBytes(StandardCharsets.UTF_8)));

        // Warm-up, then ROUNDS rounds that each time the raw loop and a full build back to back, so
        // that both see the same machine load (CI and laptops are shared); medians are reported.
        for (int i = 0; i < 3; i++) {
            rawHashRate(500_000);
            MerkleTree warm = MerkleTree.of(leaves.subList(0, 100_000));
            for (int j = 0; j < 100_000; j += 7) warm.proof(j);
        }
        double[] rawRates = new double[ROUNDS];
        double[] buildSeconds = new double[ROUNDS];
        MerkleTree tree = null;
        long heapBefore = 0;
        for (int round = 0; round < ROUNDS; round++) {
            rawRates[round] = rawHashRate(n);
            tree = null;
            System.gc();
            heapBefore = usedHeap();
            long start = System.nanoTime();
            tree = MerkleTree.of(leaves);
            buildSeconds[round] = (System.nanoTime() - start) / 1e9;
        }
        long treeHeap = usedHeapAfterGc() - heapBefore;
        double raw = median(rawRates);
        double build = median(buildSeconds);
        Optional<Double> openssl = opensslRate();
        System.out.printf("reference: raw SHA-256 loop (65-byte inputs, this JVM): %,.0f hashes/s (median of %d)%n", raw, ROUNDS);
        openssl.ifPresentOrElse(r -> System.out.printf("reference: openssl speed -bytes 64 sha256: %,.0f hashes/s%n", r),
                () -> System.out.println("reference: openssl not available"));
        double treeRate = (n - 1) / build;
        System.out.printf("tree: %,d node hashes in %.3f s (median of %d; first, cold: %.3f s) = %,.0f hashes/s%n",
                n - 1, build, ROUNDS, buildSeconds[0], treeRate);
        System.out.printf("tree hashing rate: %.2f of the raw loop%s (target >= 0.5)%n", treeRate / raw,
                openssl.map(r -> String.format(", %.2f of openssl", treeRate / r)).orElse(""));
        System.out.printf("tree memory: %,.1f MB of heap retained (%.1f bytes a leaf; leaves alone: %,.1f MB)%n",
                treeHeap / 1e6, (double) treeHeap / n, n * 32 / 1e6);

        long start = System.nanoTime();
        long pathHashes = 0;
        int maxPath = 0;
        for (int i = 0; i < n; i++) {
            int length = tree.proof(i).auditPath().size();
            pathHashes += length;
            maxPath = Math.max(maxPath, length);
        }
        long proofNanos = System.nanoTime() - start;
        int bound = 32 * ceilLog2(n);
        System.out.printf("proofs: %,d in %.3f s = %,.0f proofs/s (as stored: hex audit paths)%n",
                n, proofNanos / 1e9, n / (proofNanos / 1e9));
        System.out.printf("proof bytes a session: mean %.1f, max %d, bound 32*ceil(log2 n) = %d -> %s%n",
                32.0 * pathHashes / n, 32 * maxPath, bound, 32 * maxPath <= bound ? "within" : "EXCEEDED");

        start = System.nanoTime();
        int verified = 0;
        for (int i = 0; i < n; i += 97) {
            InclusionProof proof = tree.proof(i);
            if (proof.verifies(leaves.get(i))) verified++;
        }
        int sampled = (n + 96) / 97;
        System.out.printf("verification: %,d sampled proofs, %,d verify, %.1f us each%n", sampled, verified,
                (System.nanoTime() - start) / 1e3 / sampled);
        System.out.printf("peak memory: %s%n", peakRss().orElse("unavailable (no /proc/self/status)"));
    }

    /** Hashes per second of SHA-256(0x01 ‖ 64 bytes): exactly a tree node's input. */
    private static double rawHashRate(int count) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] input = new byte[65];
        byte[] out = new byte[32];
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            digest.update(input);
            digest.digest(out, 0, 32);
            input[1 + (i & 63)] ^= out[0];
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static Optional<Double> opensslRate() {
        try {
            Process process = new ProcessBuilder("openssl", "speed", "-bytes", "64", "-seconds", "2", "sha256")
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) return Optional.empty();
            Matcher m = Pattern.compile("(?m)^sha256\\s+([0-9.]+)k").matcher(output);
            return m.find() ? Optional.of(Double.parseDouble(m.group(1)) * 1000 / 64) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return usedHeap();
    }

    private static Optional<String> peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Optional.of("process peak RSS " + line.substring(6).trim());
            }
        } catch (IOException e) {
            // not Linux
        }
        return Optional.empty();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static int ceilLog2(int n) {
        return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }
}
