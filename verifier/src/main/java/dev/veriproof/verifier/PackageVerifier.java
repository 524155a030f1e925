package dev.veriproof.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * Checks a whole evidence package (SPEC §6.5, §9): manifest.sig is the EIP-191 signature of
 * manifest.json's bytes by the manifest's signer (and by {@code --signer} when given), every listed
 * file has the stated SHA-256 and size and nothing unlisted is in the archive, every session line
 * verifies (record → leaf → proof → root → Anchored event), and every anchor transaction was sent by
 * the signer, and the anchors the manifest lists are exactly those the sessions use, and that nothing is left out
 * ({@link Completeness}). Each file is inflated once: this thread reads the session files, hashing them as it cuts them
 * into chunks of lines ({@link LineChunk}) that a pool of workers (one per core) checks, at most {@code 2 × workers + 2}
 * chunks ahead of the output, whose lines are taken back in reading order, while the workers also hash the other files:
 * the output is the same whatever the number of workers, and memory stays bounded whatever the package holds. A line is
 * parsed once ({@link SessionLine}). Each anchor's on-chain check and each transaction's sender are computed once and
 * remembered ({@link Memo}) for the {@link #REMEMBERED_ANCHORS} most recently used anchors; the sessions of a batch are
 * close together in a package (time order, a batch is a few minutes), so in practice each is checked once. Failures name
 * the file or the session; the session files' hash results come after their lines'.
 */
final class PackageVerifier {
    static final int REMEMBERED_ANCHORS = 4096;
    static final String TENANT_BATCHES = "tenant-batches.jsonl";
    static final String AUDIT_LOG = "audit-log.jsonl";
    /** A chunk of a session file handed to a worker: this many lines, or this many bytes, whichever comes first. */
    static final int CHUNK_LINES = 256;
    static final int CHUNK_BYTES = 1 << 20;

    private final SessionVerifier sessions;
    private final JsonRpc rpc;
    private final Optional<String> expectedSigner;
    private final PrintStream out;
    private final int rememberedAnchors;
    private final int threads;
    private Memo<SessionVerifier.ChainKey, List<String>> chainChecks;
    private Memo<String, Boolean> senders;
    private int failures;

    PackageVerifier(JsonRpc rpc, Optional<String> expectedContract, Optional<String> expectedSigner, PrintStream out) {
        this(rpc, expectedContract, expectedSigner, out, REMEMBERED_ANCHORS, Runtime.getRuntime().availableProcessors());
    }

    PackageVerifier(JsonRpc rpc, Optional<String> expectedContract, Optional<String> expectedSigner, PrintStream out, int rememberedAnchors,
                    int threads) {
        if (threads < 1) throw new IllegalArgumentException("at least one worker");
        this.sessions = new SessionVerifier(rpc, expectedContract);
        this.rpc = rpc;
        this.expectedSigner = expectedSigner;
        this.out = out;
        this.rememberedAnchors = rememberedAnchors;
        this.threads = threads;
    }

    /** 0 if everything holds, 1 otherwise. */
    int verify(Path zipPath) throws IOException {
        ExecutorService workers = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "verifier-worker");
            thread.setDaemon(true);
            return thread;
        });
        chainChecks = new Memo<>(rememberedAnchors);
        senders = new Memo<>(rememberedAnchors);
        try (ZipFile zip = new ZipFile(zipPath.toFile())) {
            ZipEntry manifestEntry = zip.getEntry("manifest.json");
            ZipEntry sigEntry = zip.getEntry("manifest.sig");
            if (manifestEntry == null || sigEntry == null) {
                fail("file " + (manifestEntry == null ? "manifest.json" : "manifest.sig"), "missing from the package");
                return summary(0, 0);
            }
            byte[] manifestBytes;
            String signature;
            try (InputStream in = zip.getInputStream(manifestEntry)) {
                manifestBytes = in.readAllBytes();
            }
            try (InputStream in = zip.getInputStream(sigEntry)) {
                signature = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            }
            JsonNode manifest;
            try {
                manifest = Json.parse(manifestBytes);
            } catch (RuntimeException e) {
                fail("file manifest.json", "not JSON: " + e.getMessage());
                return summary(0, 0);
            }
            String signer = manifest.path("signerAddress").asText("");
            Optional<String> recovered = recover(manifestBytes, signature);
            if (recovered.isEmpty()) fail("file manifest.sig", "not a valid EIP-191 signature");
            else if (!recovered.get().equalsIgnoreCase(signer)) {
                fail("file manifest.sig", "signed by " + recovered.get() + ", the manifest names signer " + signer);
            } else out.println("PASS manifest signature by " + recovered.get());
            expectedSigner.filter(s -> !s.equalsIgnoreCase(signer)).ifPresent(s ->
                    fail("file manifest.json", "names signer " + signer + ", not the deployment's " + s));

            int failuresBeforeFiles = failures;
            Set<String> listed = new HashSet<>();
            List<JsonNode> listing = new ArrayList<>();
            manifest.path("files").forEach(listing::add);
            // the session files are hashed while their lines are read (below), so that each is inflated once; the
            // others are hashed by the workers meanwhile
            List<Future<FileDigest>> digests = new ArrayList<>();
            for (JsonNode file : listing) {
                String path = file.path("path").asText();
                listed.add(path);
                ZipEntry entry = zip.getEntry(path);
                digests.add(entry != null && isSessionFile(path) ? null : workers.submit(() -> entry == null ? null : digest(zip, entry)));
            }
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (!listed.contains(name) && !name.equals("manifest.json") && !name.equals("manifest.sig")) {
                    fail("file " + name, "in the package but not listed in the manifest");
                }
            }

            int unlisted = failures - failuresBeforeFiles;

            // the signed manifest names the anchor batches used; each session's batch must be one of them, and each of them used
            Set<String> manifestAnchors = new HashSet<>();
            manifest.path("anchors").forEach(a -> manifestAnchors.add(a.asText()));
            Set<String> usedAnchors = new HashSet<>();

            Completeness completeness = new Completeness(manifest.path("tenantId").asText());
            if (listed.contains(TENANT_BATCHES) && zip.getEntry(TENANT_BATCHES) != null) {
                readTenantHeaders(zip, completeness, signer);
            }
            LineChecker checker = new LineChecker(manifestAnchors, signer, completeness);
            // chunks of lines checked by the workers, taken back in the order they were read so that the output is the same
            // whatever the number of workers; at most `window` chunks are read ahead, which bounds memory
            ArrayDeque<Future<List<LineOutcome>>> inFlight = new ArrayDeque<>();
            int window = 2 * threads + 2;
            SessionTally tally = new SessionTally(usedAnchors, completeness);
            FileDigest[] sessionDigests = new FileDigest[listing.size()];
            for (int f = 0; f < listing.size(); f++) {
                String path = listing.get(f).path("path").asText();
                if (digests.get(f) != null) continue;
                try (InputStream in = zip.getInputStream(zip.getEntry(path))) {
                    LineChunk.Reader reader = new LineChunk.Reader(in);
                    for (LineChunk chunk; (chunk = reader.next(CHUNK_LINES, CHUNK_BYTES)) != null; ) {
                        LineChunk lines = chunk;
                        inFlight.add(workers.submit(() -> checker.check(path, lines)));
                        if (inFlight.size() >= window) tally.take(inFlight.poll());
                    }
                    sessionDigests[f] = new FileDigest(Hashes.hex(reader.sha256()), reader.bytesRead());
                }
            }
            while (!inFlight.isEmpty()) tally.take(inFlight.poll());
            int failuresBeforeDigests = failures;
            int files = 0;
            for (JsonNode file : listing) {
                String path = file.path("path").asText();
                FileDigest digest = digests.get(files) == null ? sessionDigests[files] : result(digests.get(files));
                files++;
                if (digest == null) {
                    fail("file " + path, "listed in the manifest but missing from the package");
                } else if (!digest.sha256().equalsIgnoreCase(file.path("sha256").asText())) {
                    fail("file " + path, "SHA-256 is " + digest.sha256() + ", the manifest states " + file.path("sha256").asText());
                } else if (digest.bytes() != file.path("bytes").asLong(-1)) {
                    fail("file " + path, "has " + digest.bytes() + " bytes, the manifest states " + file.path("bytes").asText());
                }
            }
            digests.clear();
            if (unlisted == 0 && failures == failuresBeforeDigests) out.println("PASS " + files + " file(s) match the manifest");
            long sessionCount = tally.sessions;
            for (String batch : manifestAnchors) {
                if (!usedAnchors.contains(batch)) fail("file manifest.json", "lists anchor batch " + batch + " that no session of the package uses");
            }
            completenessFailures(zip, listed, completeness);
            long declared = manifest.path("sessions").asLong(-1);
            long periodSessions = sessionCount - tally.contextSessions;
            if (declared != periodSessions) {
                fail("file manifest.json", "states " + declared + " sessions, the package holds " + periodSessions
                        + (tally.contextSessions > 0 ? " (and " + tally.contextSessions + " context session(s))" : ""));
            }
            if (tally.failedSessions == 0) out.println("PASS " + sessionCount + " session(s): records, proofs and anchors");
            return summary(files, sessionCount);
        } finally {
            workers.shutdownNow();
        }
    }

    /** The checked lines taken back in order: counted, their batches noted, their failures printed. */
    private final class SessionTally {
        private final Set<String> usedAnchors;
        private final Completeness completeness;
        long sessions;
        long contextSessions;
        long failedSessions;

        SessionTally(Set<String> usedAnchors, Completeness completeness) {
            this.usedAnchors = usedAnchors;
            this.completeness = completeness;
        }

        void take(Future<List<LineOutcome>> checked) throws IOException {
            for (LineOutcome outcome : result(checked)) {
                if (outcome.blank()) continue;
                sessions++;
                if (outcome.context()) contextSessions++;
                if (outcome.usedBatch() != null) usedAnchors.add(outcome.usedBatch());
                // in reading order, so that what Completeness reports comes in the same order whatever the workers did
                if (outcome.anchoredBatch() != null) completeness.session(outcome.anchoredBatch(), outcome.leafIndex());
                if (!outcome.problems().isEmpty()) {
                    failedSessions++;
                    outcome.problems().forEach(p -> fail(outcome.name(), p));
                }
            }
        }
    }

    private record FileDigest(String sha256, long bytes) {}

    /** A file whose lines are session lines (VERIFY.md §4). */
    private static boolean isSessionFile(String path) {
        return path.startsWith("sessions/");
    }

    private static FileDigest digest(ZipFile zip, ZipEntry entry) throws IOException {
        MessageDigest digest = sha256();
        long bytes = 0;
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; bytes += n) digest.update(buffer, 0, n);
        }
        return new FileDigest(Hashes.hex(digest.digest()), bytes);
    }

    /** What one line of a session file came to: its session's name and failures (none when it passes), and the batch it used. */
    /** @param context the line is marked {@code "context": true}: outside the period, carried for completeness (VERIFY.md §6) */
    private record LineOutcome(boolean blank, String name, List<String> problems, String usedBatch, String anchoredBatch, long leafIndex,
                               boolean context) {
        static final LineOutcome BLANK = new LineOutcome(true, null, List.of(), null, null, -1, false);
    }

    /** Checks session lines, in any worker: everything it shares is read-only or a {@link Memo}. */
    private final class LineChecker {
        private final Completeness completeness;
        private final Set<String> manifestAnchors;
        private final String signer;

        LineChecker(Set<String> manifestAnchors, String signer, Completeness completeness) {
            this.completeness = completeness;
            this.manifestAnchors = manifestAnchors;
            this.signer = signer;
        }

        List<LineOutcome> check(String path, LineChunk chunk) {
            List<LineOutcome> outcomes = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) outcomes.add(check(path, chunk.lineNumber(i), chunk.bytes(), chunk.start(i), chunk.end(i)));
            return outcomes;
        }

        private LineOutcome check(String path, long lineNo, byte[] bytes, int from, int to) {
            if (SessionLine.blank(bytes, from, to)) return LineOutcome.BLANK;
            SessionLine line;
            try {
                line = SessionLine.parse(bytes, from, to);
            } catch (RuntimeException ex) {
                return new LineOutcome(false, "file " + path + " line " + lineNo, List.of("not JSON"), null, null, -1, false);
            }
            JsonNode session = line.tree();
            String name = session.hasNonNull("sessionId") ? "session " + session.get("sessionId").asText() : "file " + path + " line " + lineNo;
            JsonNode anchor = session.path("anchor");
            // who sent the anchor transaction is asked at once, so that the node answers it while the rest is checked
            String tx = anchor.hasNonNull("txHash") && !signer.isEmpty() ? anchor.get("txHash").asText() : null;
            CompletableFuture<Boolean> sender = tx == null ? null : senders.future(tx, () -> sentByAsync(tx, signer));
            List<String> problems = !(session.hasNonNull("proof") && session.hasNonNull("anchor"))
                    ? List.of("not anchored: the package holds no proof for it (it was stored after the last anchoring run)")
                    : line.canonicalRecord() ? sessions.verifyCanonical(bytes, line.recordFrom(), line.recordTo(), session, chainChecks)
                    : sessions.verify(session, chainChecks);
            String used = null;
            String anchored = null;
            if (problems.isEmpty()) {
                String batch = anchor.path("batchId").asText("");
                if (manifestAnchors.contains(batch)) used = batch;
                else if (!(session.path("context").asBoolean(false) && completeness.hasPeriodHeader(batch))) {
                    problems = List.of("its anchor batch " + batch + " is not among the anchors manifest.json lists");
                }
                anchored = batch;
            }
            if (problems.isEmpty() && sender != null) {
                boolean bySigner = sender.join();
                if (!bySigner) problems = List.of("anchor transaction " + tx + " was not sent by the manifest's signer " + signer);
            }
            return new LineOutcome(false, name, problems, used, anchored, session.path("proof").path("leafIndex").asLong(),
                    session.path("context").asBoolean(false));
        }
    }

    /** The value of a worker's task, or its failure thrown as it was (an I/O error as such, so that Main reports it as before). */
    private static <T> T result(Future<T> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error error) throw error;
            throw new IOException(cause);
        }
    }

    /**
     * The tenant headers of {@code tenant-batches.jsonl}: each is checked like a session (header → leaf hash → proof → the
     * anchored root, sent by the signer) before {@link Completeness} relies on it.
     */
    private void readTenantHeaders(ZipFile zip, Completeness completeness, String signer) throws IOException {
        try (InputStream in = zip.getInputStream(zip.getEntry(TENANT_BATCHES))) {
            LineReader lines = new LineReader(in);
            for (byte[] bytes; (bytes = lines.next()) != null; ) {
                if (bytes.length == 0) continue;
                String where = TENANT_BATCHES + " line " + lines.number();
                JsonNode line;
                try {
                    line = Json.parse(bytes);
                } catch (RuntimeException e) {
                    fail(where, "not JSON");
                    continue;
                }
                com.fasterxml.jackson.databind.node.ObjectNode evidence = Json.mapper().createObjectNode();
                evidence.set("record", line.path("header"));
                evidence.set("leafHash", line.path("leafHash"));
                evidence.set("proof", line.path("proof"));
                evidence.set("anchor", line.path("anchor"));
                List<String> problems = line.path("header").isObject() ? sessions.verify(evidence, chainChecks) : List.of("no header");
                String tx = line.path("anchor").path("txHash").asText("");
                if (problems.isEmpty() && !signer.isEmpty() && !senders.get(tx, () -> sentBy(tx, signer))) {
                    problems = List.of("anchor transaction " + tx + " was not sent by the manifest's signer " + signer);
                }
                if (!problems.isEmpty()) problems.forEach(p -> fail(where, p));
                else completeness.header(line, where);
            }
        }
    }

    /** What {@link Completeness} and the audit log's anchored heads say is missing. */
    private void completenessFailures(ZipFile zip, Set<String> listed, Completeness completeness) throws IOException {
        int before = failures;
        List<Completeness.Failure> found = new java.util.ArrayList<>(completeness.failures());
        if (listed.contains(AUDIT_LOG) && zip.getEntry(AUDIT_LOG) != null) {
            try (InputStream in = zip.getInputStream(zip.getEntry(AUDIT_LOG))) {
                found.addAll(AuditLogCheck.check(in, completeness.auditHeads()));
            }
        } else if (!completeness.auditHeads().isEmpty()) {
            found.add(new Completeness.Failure("file " + AUDIT_LOG, "missing, but tenant headers anchored the audit log's head"));
        }
        found.forEach(f -> fail(f.what(), f.problem()));
        if (failures == before && completeness.hasHeaders()) out.println("PASS completeness: no session, tenant batch or audit entry left out of the anchored batches");
        Set<String> old = completeness.format1Batches();
        if (!old.isEmpty()) {
            out.println("NOTE " + old.size() + " batch(es) of format 1, anchored before completeness proofs: their sessions verify one by one, "
                    + "but that none of their sessions is missing cannot be shown");
        }
    }

    /** As {@link #sentBy}, without waiting; never fails (an unreadable answer is "not by the signer", as there). */
    private CompletableFuture<Boolean> sentByAsync(String txHash, String signer) {
        return rpc.callAsync("eth_getTransactionByHash", txHash)
                .handle((tx, failure) -> failure == null && tx != null && tx.path("from").asText("").equalsIgnoreCase(signer));
    }

    private boolean sentBy(String txHash, String signer) {
        try {
            JsonNode tx = rpc.call("eth_getTransactionByHash", txHash);
            return tx != null && tx.path("from").asText("").equalsIgnoreCase(signer);
        } catch (IOException e) {
            return false;
        }
    }

    private int summary(int files, long sessionCount) {
        out.println(failures == 0 ? "verified: package with " + files + " file(s) and " + sessionCount + " session(s), all pass"
                : "verification failed: " + failures + " failure(s)");
        return failures == 0 ? 0 : 1;
    }

    private void fail(String what, String problem) {
        failures++;
        out.println("FAIL " + what + ": " + problem);
    }

    static Optional<String> recover(byte[] message, String signature) {
        try {
            byte[] bytes = Numeric.hexStringToByteArray(signature);
            if (bytes.length != 65) return Optional.empty();
            byte v = bytes[64];
            if (v < 27) v += 27;
            Sign.SignatureData data = new Sign.SignatureData(v, Arrays.copyOfRange(bytes, 0, 32), Arrays.copyOfRange(bytes, 32, 64));
            BigInteger key = Sign.signedPrefixedMessageToKey(message, data);
            return Optional.of(Keys.toChecksumAddress("0x" + Keys.getAddress(key)));
        } catch (java.security.SignatureException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
