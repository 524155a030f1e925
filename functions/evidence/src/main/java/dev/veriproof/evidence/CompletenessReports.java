package dev.veriproof.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.Log;
import dev.veriproof.core.anchoring.TenantBatch;
import dev.veriproof.core.anchoring.TenantBatches;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.ingest.SessionView;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What lets an auditor prove that the package leaves nothing of the tenant out (VERIFY.md §6):
 * {@code tenant-batches.jsonl}, the tenant's header in every format-2 batch from the first to the last one its
 * sessions use (those in between too, even when none of their sessions is in the period) and in the batch before,
 * each with its proof and anchor; and, as {@code sessions/context-NNNNN.jsonl} lines marked {@code "context": true},
 * the tenant's sessions of those batches that the period's lines do not hold (started outside the period, or of an
 * application the export leaves out), so that every leaf of the tenant's group is in the package.
 */
final class CompletenessReports {
    static final String TENANT_BATCHES = "tenant-batches.jsonl";
    static final String CONTEXT_FILE = "sessions/context-%05d.jsonl";

    /** A stored session with its proof and anchor, by id. */
    interface Sessions {
        Optional<SessionView> view(String tenantId, String sessionId);
    }

    private final TenantBatches batches;
    private final Sessions sessions;

    CompletenessReports(TenantBatches batches, Sessions sessions) {
        this.batches = batches;
        this.sessions = sessions;
    }

    /** @param used the batches the period's session lines are anchored in */
    void write(ExportRequest request, Set<String> applications, Collection<String> used, ReportFiles files) throws IOException {
        String tenant = request.tenantId();
        TreeMap<Long, TenantBatch> period = new TreeMap<>();
        for (String batchId : new TreeSet<>(used)) batches.tenantBatch(tenant, batchId).ifPresent(b -> period.put(b.header().seq(), b));
        Optional<TenantBatch> predecessor = Optional.empty();
        if (!period.isEmpty()) {
            long first = period.firstKey();
            for (TenantBatch b : batches.tenantBatches(tenant, Math.max(1, first - 1), period.lastKey())) {
                if (b.header().seq() == first - 1) predecessor = Optional.of(b);
                else period.putIfAbsent(b.header().seq(), b);
            }
            if (first > 1 && predecessor.isEmpty()) throw broken(tenant, first - 1);
            for (long seq = first; seq <= period.lastKey(); seq++) if (!period.containsKey(seq)) throw broken(tenant, seq);
        }
        try (OutputStream out = files.open(TENANT_BATCHES)) {
            if (predecessor.isPresent()) ReportFiles.line(out, line(predecessor.get(), "predecessor"));
            for (TenantBatch b : period.values()) ReportFiles.line(out, line(b, "period"));
        }
        ContextFiles context = new ContextFiles(files);
        try {
            for (TenantBatch b : period.values()) {
                for (TenantBatches.BatchSession member : batches.sessions(b)) {
                    Optional<SessionView> found = sessions.view(tenant, member.sessionId());
                    if (found.isEmpty()) {
                        // anchored, then lost from the table: the package cannot hold it, and the verifier names the gap
                        Log.warn("session of an anchored batch is not stored; the package will show it missing",
                                "tenantId", tenant, "sessionId", member.sessionId(), "batchId", b.batchId());
                        continue;
                    }
                    SessionView view = found.get();
                    if (inPeriod(view, request, applications)) continue;
                    ObjectNode line = SessionLines.line(view, new TreeMap<>());
                    line.put("context", true);
                    context.add(line);
                }
            }
        } finally {
            context.close();
        }
    }

    /** Whether the period's shards wrote the session's line: started within the period, of an application exported. */
    private static boolean inPeriod(SessionView view, ExportRequest request, Set<String> applications) {
        LocalDate day = LocalDate.ofInstant(view.session().startedAt(), java.time.ZoneOffset.UTC);
        return applications.contains(view.session().applicationId()) && !day.isBefore(request.from()) && !day.isAfter(request.to());
    }

    private static IllegalStateException broken(String tenant, long seq) {
        return new IllegalStateException("tenant batch " + seq + " of tenant " + tenant
                + " is not recorded, though a later one is: the tenant's chain of batches is broken");
    }

    private static ObjectNode line(TenantBatch b, String role) {
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("batchId", b.batchId());
        line.put("role", role);
        line.set("header", b.header().toJson());
        line.put("leafHash", b.headerLeafHash());
        line.set("proof", b.headerProof().toJson());
        line.set("anchor", b.anchor().toJson());
        return line;
    }

    /** The context lines, at most {@link PackageWriter#SESSIONS_PER_FILE} a file; no file when there are none. */
    private static final class ContextFiles {
        private final ReportFiles files;
        private OutputStream out;
        private int file;
        private int inFile;

        ContextFiles(ReportFiles files) {
            this.files = files;
        }

        void add(JsonNode line) throws IOException {
            if (out == null || inFile == PackageWriter.SESSIONS_PER_FILE) {
                close();
                out = files.open(String.format(CONTEXT_FILE, ++file));
                inFile = 0;
            }
            ReportFiles.line(out, line);
            inFile++;
        }

        void close() throws IOException {
            if (out != null) out.close();
            out = null;
        }
    }
}
