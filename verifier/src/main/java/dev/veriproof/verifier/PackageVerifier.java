package dev.veriproof.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * the signer, and the anchors the manifest lists are exactly those the sessions use. Files are
 * streamed and session lines read one at a time. The outcome of each anchor's
 * on-chain check is remembered for the sessions that follow, for the {@link #REMEMBERED_ANCHORS} most
 * recently used anchors only, so that memory does not grow with the package whatever it holds. The
 * sessions of a batch are close together in a package (they are in time order, and a batch is a few
 * minutes of sessions), so in practice each anchor is checked on chain once. Failures name the file
 * or the session.
 */
final class PackageVerifier {
    static final int REMEMBERED_ANCHORS = 4096;
    static final String TENANT_BATCHES = "tenant-batches.jsonl";
    static final String AUDIT_LOG = "audit-log.jsonl";

    private final SessionVerifier sessions;
    private final JsonRpc rpc;
    private final Optional<String> expectedSigner;
    private final PrintStream out;
    private final int rememberedAnchors;
    private int failures;

    PackageVerifier(JsonRpc rpc, Optional<String> expectedContract, Optional<String> expectedSigner, PrintStream out) {
        this(rpc, expectedContract, expectedSigner, out, REMEMBERED_ANCHORS);
    }

    PackageVerifier(JsonRpc rpc, Optional<String> expectedContract, Optional<String> expectedSigner, PrintStream out, int rememberedAnchors) {
        this.sessions = new SessionVerifier(rpc, expectedContract);
        this.rpc = rpc;
        this.expectedSigner = expectedSigner;
        this.out = out;
        this.rememberedAnchors = rememberedAnchors;
    }

    /** 0 if everything holds, 1 otherwise. */
    int verify(Path zipPath) throws IOException {
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
            int files = 0;
            for (JsonNode file : manifest.path("files")) {
                String path = file.path("path").asText();
                listed.add(path);
                files++;
                ZipEntry entry = zip.getEntry(path);
                if (entry == null) {
                    fail("file " + path, "listed in the manifest but missing from the package");
                    continue;
                }
                MessageDigest digest = sha256();
                long bytes = 0;
                try (InputStream in = zip.getInputStream(entry)) {
                    byte[] buffer = new byte[64 * 1024];
                    for (int n; (n = in.read(buffer)) > 0; bytes += n) digest.update(buffer, 0, n);
                }
                String hash = Hashes.hex(digest.digest());
                if (!hash.equalsIgnoreCase(file.path("sha256").asText())) {
                    fail("file " + path, "SHA-256 is " + hash + ", the manifest states " + file.path("sha256").asText());
                } else if (bytes != file.path("bytes").asLong(-1)) {
                    fail("file " + path, "has " + bytes + " bytes, the manifest states " + file.path("bytes").asText());
                }
            }
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (!listed.contains(name) && !name.equals("manifest.json") && !name.equals("manifest.sig")) {
                    fail("file " + name, "in the package but not listed in the manifest");
                }
            }
            if (failures == failuresBeforeFiles) out.println("PASS " + files + " file(s) match the manifest");

            // the signed manifest names the anchor batches used; each session's batch must be one of them, and each of them used
            Set<String> manifestAnchors = new HashSet<>();
            manifest.path("anchors").forEach(a -> manifestAnchors.add(a.asText()));
            Set<String> usedAnchors = new HashSet<>();

            Map<SessionVerifier.ChainKey, List<String>> chainChecks = leastRecentlyUsedFirst(rememberedAnchors);
            Map<String, Boolean> senders = leastRecentlyUsedFirst(rememberedAnchors);
            Completeness completeness = new Completeness(manifest.path("tenantId").asText());
            if (listed.contains(TENANT_BATCHES) && zip.getEntry(TENANT_BATCHES) != null) {
                readTenantHeaders(zip, completeness, chainChecks, senders, signer);
            }
            long sessionCount = 0;
            long failedSessions = 0;
            for (JsonNode file : manifest.path("files")) {
                String path = file.path("path").asText();
                if (!path.startsWith("sessions/") || zip.getEntry(path) == null) continue;
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(zip.getInputStream(zip.getEntry(path)), StandardCharsets.UTF_8))) {
                    int lineNo = 0;
                    for (String line; (line = reader.readLine()) != null; ) {
                        lineNo++;
                        if (line.isBlank()) continue;
                        sessionCount++;
                        JsonNode session;
                        try {
                            session = Json.parse(line);
                        } catch (RuntimeException ex) {
                            failedSessions++;
                            fail("file " + path + " line " + lineNo, "not JSON");
                            continue;
                        }
                        String name = session.hasNonNull("sessionId") ? "session " + session.get("sessionId").asText() : "file " + path + " line " + lineNo;
                        List<String> problems = session.hasNonNull("proof") && session.hasNonNull("anchor")
                                ? sessions.verify(session, chainChecks)
                                : List.of("not anchored: the package holds no proof for it (it was stored after the last anchoring run)");
                        JsonNode anchor = session.path("anchor");
                        if (problems.isEmpty()) {
                            String batch = anchor.path("batchId").asText("");
                            if (manifestAnchors.contains(batch)) usedAnchors.add(batch);
                            else problems = List.of("its anchor batch " + batch + " is not among the anchors manifest.json lists");
                            completeness.session(batch, session.path("proof").path("leafIndex").asLong());
                        }
                        if (problems.isEmpty() && anchor.hasNonNull("txHash") && !signer.isEmpty()) {
                            String tx = anchor.get("txHash").asText();
                            boolean bySigner = senders.computeIfAbsent(tx, t -> sentBy(t, signer));
                            if (!bySigner) problems = List.of("anchor transaction " + tx + " was not sent by the manifest's signer " + signer);
                        }
                        if (!problems.isEmpty()) {
                            failedSessions++;
                            problems.forEach(p -> fail(name, p));
                        }
                    }
                }
            }
            for (String batch : manifestAnchors) {
                if (!usedAnchors.contains(batch)) fail("file manifest.json", "lists anchor batch " + batch + " that no session of the package uses");
            }
            completenessFailures(zip, listed, completeness);
            long declared = manifest.path("sessions").asLong(-1);
            if (declared != sessionCount) fail("file manifest.json", "states " + declared + " sessions, the package holds " + sessionCount);
            if (failedSessions == 0) out.println("PASS " + sessionCount + " session(s): records, proofs and anchors");
            return summary(files, sessionCount);
        }
    }

    /**
     * The tenant headers of {@code tenant-batches.jsonl}: each is checked like a session (header → leaf hash → proof → the
     * anchored root, sent by the signer) before {@link Completeness} relies on it.
     */
    private void readTenantHeaders(ZipFile zip, Completeness completeness, Map<SessionVerifier.ChainKey, List<String>> chainChecks,
                                   Map<String, Boolean> senders, String signer) throws IOException {
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
                if (problems.isEmpty() && !signer.isEmpty() && !senders.computeIfAbsent(tx, t -> sentBy(t, signer))) {
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

    /** A map that drops its least recently used entry when it would hold more than {@code capacity}. */
    private static <K, V> Map<K, V> leastRecentlyUsedFirst(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
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
