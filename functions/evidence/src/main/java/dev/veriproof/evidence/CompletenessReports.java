package dev.veriproof.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.Log;
import dev.veriproof.core.anchoring.AnchorBatch;
import dev.veriproof.core.anchoring.TenantBatch;
import dev.veriproof.core.anchoring.TenantBatches;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.ingest.SessionView;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.LongStream;

/**
 * What lets an auditor prove that the package leaves nothing of the tenant out (VERIFY.md §6):
 * {@code tenant-batches.jsonl}, the tenant's header in every format-2 batch from the first to the last one its
 * sessions use (those in between too, even when none of their sessions is in the period) and in the batch before,
 * each with its proof and anchor; and, as {@code sessions/context-NNNNN.jsonl} lines marked {@code "context": true},
 * the tenant's sessions of those batches that the period's lines do not hold (started outside the period, or of an
 * application the export leaves out), so that every leaf of the tenant's group is in the package.
 *
 * <p>The work does not grow with the period's sessions: the tenant's batches are read a page at a time, and only a
 * batch that the period's lines do not cover whole (its header's {@code count} above the lines anchored in it: the
 * period's first and last batches, or every batch when applications are left out) has its sessions read, 100 at a time.
 */
final class CompletenessReports {
    static final String TENANT_BATCHES = "tenant-batches.jsonl";
    static final String CONTEXT_FILE = "sessions/context-%05d.jsonl";
    /** Tenant batches read at a time (a quarter anchored every minute is ≈ 130,000 of them). */
    static final int BATCH_PAGE = 1_000;
    /** Sessions looked up at a time (one batch read). */
    static final int LOOKUP = 100;

    /** Stored sessions with their proof and anchor, by id (at most {@link #LOOKUP} ids a call; absent ids are not stored). */
    interface Sessions {
        Map<String, SessionView> views(String tenantId, List<String> sessionIds);
    }

    private final TenantBatches batches;
    private final Sessions sessions;

    CompletenessReports(TenantBatches batches, Sessions sessions) {
        this.batches = batches;
        this.sessions = sessions;
    }

    /**
     * @param anchors       the batches the period's session lines are anchored in, with their anchor ({@code blockNumber})
     * @param linesPerBatch how many of the period's lines each of them holds
     */
    void write(ExportRequest request, Set<String> applications, Map<String, ? extends JsonNode> anchors, Map<String, Long> linesPerBatch,
               ReportFiles files) throws IOException {
        String tenant = request.tenantId();
        Optional<long[]> range = periodSeqs(tenant, anchors);
        try (OutputStream out = files.open(TENANT_BATCHES)) {
            if (range.isPresent()) {
                forEachBatch(tenant, range.get(), b -> ReportFiles.line(out, line(b, b.header().seq() < range.get()[0] ? "predecessor" : "period")));
            }
        }
        if (range.isEmpty()) return;
        ContextFiles context = new ContextFiles(files);
        try {
            forEachBatch(tenant, range.get(), b -> {
                if (b.header().seq() < range.get()[0] || linesPerBatch.getOrDefault(b.batchId(), 0L) == b.header().count()) return;
                List<TenantBatches.BatchSession> members = batches.sessions(b);
                for (int from = 0; from < members.size(); from += LOOKUP) {
                    List<String> ids = members.subList(from, Math.min(members.size(), from + LOOKUP)).stream().map(TenantBatches.BatchSession::sessionId).toList();
                    Map<String, SessionView> found = sessions.views(tenant, ids);
                    for (String id : ids) {
                        SessionView view = found.get(id);
                        if (view == null) {
                            // anchored, then lost from the table: the package cannot hold it, and the verifier names the gap
                            Log.warn("session of an anchored batch is not stored; the package will show it missing",
                                    "tenantId", tenant, "sessionId", id, "batchId", b.batchId());
                        } else if (!inPeriod(view, request, applications)) {
                            ObjectNode line = SessionLines.line(view, new TreeMap<>());
                            line.put("context", true);
                            context.add(line);
                        }
                    }
                }
            });
        } finally {
            context.close();
        }
    }

    /**
     * The seqs of the tenant's first and last batch that the period's lines use, widened by the batch before the first
     * ({@code [firstSeq, lastSeq, fromSeq]}), or empty when the lines use no format-2 batch. Batches anchor one after
     * the other, so the tenant's seq grows with the block: only the batches of the lowest and the highest block are
     * looked up (the lines' batches can be ≈ 130,000 for a quarter).
     */
    private Optional<long[]> periodSeqs(String tenant, Map<String, ? extends JsonNode> anchors) {
        List<String> used = anchors.keySet().stream().filter(AnchorBatch::isFormat2Id)
                .sorted(Comparator.comparingLong((String id) -> anchors.get(id).path("blockNumber").asLong()).thenComparing(id -> id)).toList();
        OptionalLong first = OptionalLong.empty();
        for (int i = 0; i < used.size() && first.isEmpty(); i++) first = seqsAtBlockOf(tenant, used, i, anchors).min();
        if (first.isEmpty()) return Optional.empty();
        OptionalLong last = OptionalLong.empty();
        for (int i = used.size() - 1; i >= 0 && last.isEmpty(); i--) last = seqsAtBlockOf(tenant, used, i, anchors).max();
        long from = Math.max(1, first.getAsLong() - 1);
        return Optional.of(new long[] {first.getAsLong(), last.getAsLong(), from});
    }

    /** The tenant's seqs of every used batch anchored in the same block as {@code used[i]}. */
    private LongStream seqsAtBlockOf(String tenant, List<String> used, int i, Map<String, ? extends JsonNode> anchors) {
        long block = anchors.get(used.get(i)).path("blockNumber").asLong();
        return used.stream().filter(id -> anchors.get(id).path("blockNumber").asLong() == block)
                .map(id -> batches.tenantBatch(tenant, id)).flatMap(Optional::stream).mapToLong(b -> b.header().seq());
    }

    private interface BatchAction {
        void accept(TenantBatch batch) throws IOException;
    }

    /** The tenant's batches from {@code range[2]} to {@code range[1]} in seq order, a page at a time; a missing seq is an error. */
    private void forEachBatch(String tenant, long[] range, BatchAction action) throws IOException {
        long expected = range[2];
        for (long from = range[2]; from <= range[1]; from += BATCH_PAGE) {
            for (TenantBatch b : batches.tenantBatches(tenant, from, Math.min(range[1], from + BATCH_PAGE - 1))) {
                if (b.header().seq() != expected) throw broken(tenant, expected);
                action.accept(b);
                expected++;
            }
        }
        if (expected <= range[1]) throw broken(tenant, expected);
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
