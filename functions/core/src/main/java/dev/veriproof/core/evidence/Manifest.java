package dev.veriproof.core.evidence;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/**
 * manifest.json of an evidence package (SPEC §9): what the package is, every other file's SHA-256
 * and size, the anchor batches its proofs rely on and the address whose EIP-191 signature over the
 * manifest's bytes (manifest.sig) vouches for it. The bytes are RFC 8785 canonical JSON, so anyone
 * re-serializing the manifest gets the signed bytes back.
 */
public final class Manifest {
    public static final String PATH = "manifest.json";
    public static final String SIGNATURE_PATH = "manifest.sig";

    public record FileEntry(String path, String sha256, long bytes) {}

    private final List<FileEntry> files = new ArrayList<>();

    public void add(FileEntry file) {
        files.add(file);
    }

    public List<FileEntry> files() {
        return List.copyOf(files);
    }

    public byte[] bytes(String packageId, ExportRequest request, List<String> applications, Instant generatedAt,
                        long sessions, SortedSet<String> anchorBatches, String signerAddress) {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("packageId", packageId);
        json.put("framework", request.framework().name());
        ObjectNode period = json.putObject("period");
        period.put("from", request.from().toString());
        period.put("to", request.to().toString());
        json.put("tenantId", request.tenantId());
        applications.forEach(json.putArray("applications")::add);
        json.put("generatedAt", generatedAt.toString());
        json.put("sessions", sessions);
        ArrayNode list = json.putArray("files");
        for (FileEntry f : files) {
            ObjectNode node = list.addObject();
            node.put("path", f.path());
            node.put("sha256", f.sha256());
            node.put("bytes", f.bytes());
        }
        anchorBatches.forEach(json.putArray("anchors")::add);
        json.put("signerAddress", signerAddress);
        return Canonical.jcs(json);
    }
}
