package dev.veriproof.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * {@code java -jar verifier.jar consistency <older.zip> <newer.zip>}: two packages of one tenant agree (VERIFY.md §6).
 * The newer package's chain of tenant batches extends the older one's (the same header at every seq both show, and
 * the newer one reaches back to the older one's last batch: it shows that header, or the next one names it as
 * {@code prev}), and every session both hold is the same record in the same batch at the same leaf. Both packages must
 * be signed by the same signer. It compares; each package's own proofs and anchors are checked by verifying it.
 * Memory grows with the older package's sessions (one leaf hash and place per session).
 */
final class ConsistencyCheck {
    private final PrintStream out;
    private int failures;

    ConsistencyCheck(PrintStream out) {
        this.out = out;
    }

    /** 0 when the packages agree, 1 otherwise. */
    int check(Path older, Path newer) throws IOException {
        try (ZipFile a = new ZipFile(older.toFile()); ZipFile b = new ZipFile(newer.toFile())) {
            JsonNode ma = manifest(a, "older");
            JsonNode mb = manifest(b, "newer");
            if (ma == null || mb == null) return summary();
            if (!ma.path("tenantId").asText().equals(mb.path("tenantId").asText())) {
                fail("packages", "the older is tenant " + ma.path("tenantId").asText() + "'s, the newer tenant " + mb.path("tenantId").asText() + "'s");
                return summary();
            }
            String signerA = signer(a, ma, "older");
            String signerB = signer(b, mb, "newer");
            if (signerA != null && signerB != null && !signerA.equalsIgnoreCase(signerB)) {
                fail("packages", "signed by " + signerA + " (older) and " + signerB + " (newer)");
            }
            TreeMap<Long, String> chainA = headers(a);
            TreeMap<Long, String> chainB = headers(b);
            compareChains(chainA, chainB);
            Map<String, String> sessionsA = new HashMap<>();
            sessions(a, (id, place) -> sessionsA.put(id, place));
            long[] common = new long[1];
            sessions(b, (id, place) -> {
                String before = sessionsA.get(id);
                if (before == null) return;
                common[0]++;
                if (!sameSession(before, place)) fail("session " + id, "differs between the packages: older " + before + ", newer " + place);
            });
            if (failures == 0) {
                out.println("PASS the newer package's tenant chain (seq " + range(chainB) + ") extends the older one's (seq " + range(chainA)
                        + "); " + common[0] + " session(s) in both are identical");
            }
            return summary();
        }
    }

    private void compareChains(TreeMap<Long, String> older, TreeMap<Long, String> newer) {
        if (older.isEmpty()) {
            out.println("NOTE the older package holds no tenant headers (format 1 batches only): there is no chain to extend");
            return;
        }
        for (Map.Entry<Long, String> header : older.entrySet()) {
            String other = newer.get(header.getKey());
            if (other != null && !other.equals(header.getValue())) {
                fail("tenant batch seq " + header.getKey(), "the packages show different headers (" + header.getValue() + " and " + other
                        + "): the tenant's chain was rewritten");
            }
        }
        long last = older.lastKey();
        if (newer.isEmpty() || newer.lastKey() < last) {
            fail("tenant chain", "the newer package ends at seq " + (newer.isEmpty() ? "none" : newer.lastKey()) + ", before the older one's last batch seq " + last);
        } else if (!newer.containsKey(last)) {
            fail("tenant chain", "the newer package does not reach back to the older one's last batch seq " + last
                    + ": it starts at seq " + newer.firstKey() + " (batches in between are in neither package)");
        }
    }

    /** Per seq, the header's leaf hash, with its prev (so that a seq shown only as prev of the next one still links). */
    private TreeMap<Long, String> headers(ZipFile zip) throws IOException {
        TreeMap<Long, String> chain = new TreeMap<>();
        ZipEntry entry = zip.getEntry(PackageVerifier.TENANT_BATCHES);
        if (entry == null) return chain;
        try (InputStream in = zip.getInputStream(entry)) {
            LineReader lines = new LineReader(in);
            for (byte[] bytes; (bytes = lines.next()) != null; ) {
                if (bytes.length == 0) continue;
                JsonNode line = Json.parse(bytes);
                JsonNode header = line.path("header");
                long seq = header.path("seq").asLong();
                chain.put(seq, line.path("leafHash").asText());
                if (seq > 1 && header.hasNonNull("prev")) chain.putIfAbsent(seq - 1, header.get("prev").asText());
            }
        }
        return chain;
    }

    /** Each session line's id and its place: leaf hash, batch and leaf index. */
    private static void sessions(ZipFile zip, BiConsumer<String, String> each) throws IOException {
        List<? extends ZipEntry> files = zip.stream().filter(e -> e.getName().startsWith("sessions/")).sorted(java.util.Comparator.comparing(ZipEntry::getName)).toList();
        for (ZipEntry file : files) {
            try (InputStream in = zip.getInputStream(file)) {
                LineReader lines = new LineReader(in);
                for (byte[] bytes; (bytes = lines.next()) != null; ) {
                    if (bytes.length == 0) continue;
                    JsonNode line = Json.parse(bytes);
                    String place = line.path("leafHash").asText() + (line.hasNonNull("anchor")
                            ? " in batch " + line.path("anchor").path("batchId").asText() + " at leaf " + line.path("proof").path("leafIndex").asLong()
                            : "");
                    each.accept(line.path("sessionId").asText(), place);
                }
            }
        }
    }

    /** The same leaf hash; the same batch and leaf where both are anchored (one may have been anchored since). */
    private static boolean sameSession(String older, String newer) {
        String leafA = older.split(" ", 2)[0];
        String leafB = newer.split(" ", 2)[0];
        if (!leafA.equals(leafB)) return false;
        return !older.contains(" in batch ") || !newer.contains(" in batch ") || older.equals(newer);
    }

    private JsonNode manifest(ZipFile zip, String which) throws IOException {
        ZipEntry entry = zip.getEntry("manifest.json");
        if (entry == null) {
            fail(which + " package", "has no manifest.json");
            return null;
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return Json.parse(in.readAllBytes());
        } catch (RuntimeException e) {
            fail(which + " package", "manifest.json is not JSON");
            return null;
        }
    }

    private String signer(ZipFile zip, JsonNode manifest, String which) throws IOException {
        ZipEntry sig = zip.getEntry("manifest.sig");
        if (sig == null) {
            fail(which + " package", "has no manifest.sig");
            return null;
        }
        byte[] manifestBytes;
        try (InputStream in = zip.getInputStream(zip.getEntry("manifest.json"))) {
            manifestBytes = in.readAllBytes();
        }
        String signature;
        try (InputStream in = zip.getInputStream(sig)) {
            signature = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        Optional<String> recovered = PackageVerifier.recover(manifestBytes, signature);
        if (recovered.isEmpty() || !recovered.get().equalsIgnoreCase(manifest.path("signerAddress").asText())) {
            fail(which + " package", "manifest.sig is not the signature of its manifest by the signer it names");
            return null;
        }
        return recovered.get();
    }

    private static String range(TreeMap<Long, String> chain) {
        return chain.isEmpty() ? "none" : chain.firstKey() + ".." + chain.lastKey();
    }

    private void fail(String what, String problem) {
        failures++;
        out.println("FAIL " + what + ": " + problem);
    }

    private int summary() {
        out.println(failures == 0 ? "consistent" : "not consistent: " + failures + " failure(s)");
        return failures == 0 ? 0 : 1;
    }
}
