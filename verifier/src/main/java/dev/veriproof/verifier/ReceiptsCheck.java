package dev.veriproof.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.SignedReceipts;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.InclusionProof;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * {@code verifier.jar receipts <receipts.json> <evidence.zip | --api URL --key KEY> [--rpc URL] [--signer ADDRESS]}
 * (docs/receipts.md): checks that every receipt the service gave is signed by the deployment's key and that every
 * receipted session is in the package (or, through the API, still there) with the receipt's leaf hash, and anchored.
 * It names every receipt that fails. The receipts file is a receipt, an array of receipts, or a batch answer
 * {@code {"results": [...]}}; rejected items (no leaf hash) are not receipts and are skipped.
 *
 * <p>The signer: with a package, the manifest's signer (whose signature of the manifest is checked here too); through
 * the API, {@code --signer} (without it, every receipt must at least name the same signer). With {@code --rpc}, each
 * receipted session's record, proof and {@code Anchored} event are checked on the chain as the package check does.
 */
final class ReceiptsCheck {
    private final PrintStream out;
    private final Optional<JsonRpc> rpc;
    private int failures;

    ReceiptsCheck(PrintStream out, Optional<JsonRpc> rpc) {
        this.out = out;
        this.rpc = rpc;
    }

    /** The command; 0 when every receipt holds, 1 when any fails, 2 on a usage or input error. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String receipts = null;
        String zip = null;
        String api = null;
        String key = null;
        String rpc = null;
        String signer = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--api" -> api = i + 1 < args.length ? args[++i] : null;
                case "--key" -> key = i + 1 < args.length ? args[++i] : null;
                case "--rpc" -> rpc = i + 1 < args.length ? args[++i] : null;
                case "--signer" -> signer = i + 1 < args.length ? args[++i] : null;
                default -> {
                    if (args[i].startsWith("--")) return usage(err);
                    if (receipts == null) receipts = args[i];
                    else if (zip == null) zip = args[i];
                    else return usage(err);
                }
            }
        }
        if (receipts == null || (zip == null) == (api == null) || (api != null && key == null)) return usage(err);
        List<JsonNode> list;
        try {
            list = receipts(Json.parse(Files.readAllBytes(Path.of(receipts))));
        } catch (IOException | RuntimeException e) {
            err.println("cannot read " + receipts + ": " + e.getMessage());
            return 2;
        }
        ReceiptsCheck check = new ReceiptsCheck(out, Optional.ofNullable(rpc).map(JsonRpc::new));
        try {
            return zip != null ? check.againstPackage(list, Path.of(zip), Optional.ofNullable(signer))
                    : check.againstApi(list, api, key, Optional.ofNullable(signer));
        } catch (IOException | RuntimeException e) {
            err.println("cannot read " + (zip != null ? zip : api) + ": " + e.getMessage());
            return 2;
        }
    }

    private static int usage(PrintStream err) {
        err.println("usage: java -jar verifier.jar receipts <receipts.json> <evidence.zip | --api <url> --key <api key>> [--rpc <url>]"
                + " [--signer <the deployment's signer address>]");
        return 2;
    }

    /** The receipts of a file: a receipt, an array of them, or a batch answer; items without a leaf hash (rejected) left out. */
    static List<JsonNode> receipts(JsonNode file) {
        List<JsonNode> all = new ArrayList<>();
        if (file.isArray()) file.forEach(all::add);
        else if (file.path("results").isArray()) file.get("results").forEach(all::add);
        else if (file.isObject()) all.add(file);
        else throw new IllegalArgumentException("not a receipt, an array of receipts or a batch answer");
        return all.stream().filter(r -> r.path("leafHash").isTextual()).toList();
    }

    int againstPackage(List<JsonNode> receipts, Path zipFile, Optional<String> expectedSigner) throws IOException {
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            ZipEntry manifestEntry = zip.getEntry("manifest.json");
            ZipEntry sigEntry = zip.getEntry("manifest.sig");
            if (manifestEntry == null || sigEntry == null) throw new IOException("not an evidence package: no manifest.json or manifest.sig");
            byte[] manifestBytes = read(zip, manifestEntry);
            JsonNode manifest = Json.parse(manifestBytes);
            String signer = manifest.path("signerAddress").asText("");
            String tenant = manifest.path("tenantId").asText("");
            Optional<String> recovered = PackageVerifier.recover(manifestBytes, new String(read(zip, sigEntry), StandardCharsets.US_ASCII).trim());
            if (recovered.isEmpty() || !recovered.get().equalsIgnoreCase(signer)) {
                fail("package", "manifest.sig is not the manifest signer " + signer + "'s signature: the package names no signer to check receipts against");
                return summary(receipts.size());
            }
            if (expectedSigner.isPresent() && !expectedSigner.get().equalsIgnoreCase(signer)) {
                fail("package", "signed by " + signer + ", not the deployment's " + expectedSigner.get());
                return summary(receipts.size());
            }
            Map<String, JsonNode> wanted = new LinkedHashMap<>();
            receipts.forEach(r -> wanted.put(r.path("sessionId").asText(), r));
            Map<String, JsonNode> lines = sessionLines(zip, manifest, wanted);
            for (JsonNode receipt : receipts) {
                String name = receipt.path("sessionId").asText("?");
                List<String> problems = new ArrayList<>(signature(receipt, signer));
                String receiptTenant = receipt.path("signature").path("tenantId").asText("");
                if (problems.isEmpty() && !receiptTenant.equals(tenant)) {
                    problems.add("is a receipt of tenant " + receiptTenant + "; the package is tenant " + tenant + "'s");
                }
                JsonNode line = lines.get(name);
                if (problems.isEmpty()) problems.addAll(line == null ? List.of("receipted but not in the package") : session(receipt, line));
                report(name, problems);
            }
            return summary(receipts.size());
        }
    }

    int againstApi(List<JsonNode> receipts, String api, String key, Optional<String> expectedSigner) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String base = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        String signer = expectedSigner.orElse(receipts.isEmpty() ? "" : receipts.get(0).path("signature").path("signer").asText(""));
        if (expectedSigner.isEmpty()) out.println("NOTE signer not pinned (no --signer): every receipt must be signed by " + signer);
        for (JsonNode receipt : receipts) {
            String name = receipt.path("sessionId").asText("?");
            List<String> problems = new ArrayList<>(signature(receipt, signer));
            if (problems.isEmpty()) {
                HttpResponse<byte[]> response;
                try {
                    response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/sessions/" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                                    .replace("+", "%20"))).header("x-api-key", key).timeout(Duration.ofSeconds(30)).GET().build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
                if (response.statusCode() == 404) problems.add("receipted but the service does not have it (404): deleted or never stored");
                else if (response.statusCode() != 200) throw new IOException("GET /v1/sessions/" + name + " answered " + response.statusCode());
                else problems.addAll(session(receipt, Json.parse(response.body())));
            }
            report(name, problems);
        }
        return summary(receipts.size());
    }

    /** The receipt's own check: binding → signed root, and the statement's signature by {@code signer}. */
    private static List<String> signature(JsonNode receipt, String signer) {
        SignedReceipts.Checked checked = SignedReceipts.check(receipt);
        if (checked.failed()) return List.of(checked.failure());
        Optional<String> recovered = PackageVerifier.recover(checked.statement(), checked.signature());
        if (recovered.isEmpty()) return List.of("signature is not a valid EIP-191 signature");
        if (!recovered.get().equalsIgnoreCase(signer)) return List.of("signed by " + recovered.get() + ", not by the deployment's signer " + signer);
        return List.of();
    }

    /** The receipted session as found ({@code {record, leafHash?, proof?, anchor?}}): the receipt's record, anchored. */
    private List<String> session(JsonNode receipt, JsonNode found) {
        String leafHash = receipt.get("leafHash").asText();
        JsonNode record = found.get("record");
        if (record == null || !(record.isObject() || record.isTextual())) return List.of("found without its record");
        byte[] canonical = Canonical.jcs(record.isTextual() ? Json.parse(record.textValue()) : record);
        if (!Hashes.hex(Hashes.leafHash(canonical)).equalsIgnoreCase(leafHash)) {
            return List.of("found with another record: it hashes to " + Hashes.hex(Hashes.leafHash(canonical)) + ", the receipt says " + leafHash);
        }
        if (!found.hasNonNull("proof") || !found.hasNonNull("anchor")) return List.of("receipted but not anchored");
        if (rpc.isPresent()) {
            ObjectNode evidence = found.deepCopy();
            evidence.put("leafHash", leafHash);
            return new SessionVerifier(rpc.get(), Optional.empty()).verify(evidence);
        }
        try {
            if (!InclusionProof.fromJson(found.get("proof")).verifies(Hashes.fromHex(leafHash))) return List.of("its proof does not lead to its anchored root");
        } catch (RuntimeException e) {
            return List.of("its proof is malformed: " + e.getMessage());
        }
        return List.of();
    }

    /** The package's session lines of the receipted sessions (lines split on \n only), by session id. */
    private static Map<String, JsonNode> sessionLines(ZipFile zip, JsonNode manifest, Map<String, JsonNode> wanted) throws IOException {
        Map<String, JsonNode> found = new HashMap<>();
        for (JsonNode file : manifest.path("files")) {
            String path = file.path("path").asText();
            ZipEntry entry = zip.getEntry(path);
            if (!path.startsWith("sessions/") || entry == null) continue;
            try (InputStream in = zip.getInputStream(entry)) {
                LineReader lines = new LineReader(in);
                for (byte[] line; (line = lines.next()) != null; ) {
                    if (line.length == 0) continue;
                    JsonNode session;
                    try {
                        session = Json.parse(line);
                    } catch (RuntimeException e) {
                        continue; // the package check names unreadable lines
                    }
                    String id = session.path("sessionId").asText(null);
                    if (id != null && wanted.containsKey(id)) found.put(id, session);
                }
            }
        }
        return found;
    }

    private static byte[] read(ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    private void report(String name, List<String> problems) {
        if (problems.isEmpty()) {
            out.println("PASS receipt " + name);
            return;
        }
        problems.forEach(p -> fail("receipt " + name, p));
    }

    private void fail(String what, String why) {
        failures++;
        out.println("FAIL " + what + ": " + why);
    }

    private int summary(int receipts) {
        out.println(failures == 0 ? "receipts: " + receipts + " receipt(s), all signed, present and anchored"
                : "receipts check failed: " + failures + " failure(s) among " + receipts + " receipt(s)");
        return failures == 0 ? 0 : 1;
    }
}
