package dev.veriproof.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.TenantBatch;
import dev.veriproof.core.anchoring.TenantBatches;
import dev.veriproof.core.anchoring.TenantHeader;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.SessionView;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.InclusionProof;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which tenant headers and context sessions a package carries so that its completeness can be proven (VERIFY.md §6). */
class CompletenessReportsTest {
    private static final ExportRequest Q3 = new ExportRequest("acme", ExportRequest.Framework.ISO_42001,
            LocalDate.parse("2026-07-01"), LocalDate.parse("2026-09-30"), List.of());

    /** The tenant's batches seq 1..6 (batch id "b<seq>"); batch b5 holds only sessions started after the period. */
    private final Map<Long, TenantBatch> bySeq = new LinkedHashMap<>();
    private final Map<String, List<String>> members = new LinkedHashMap<>();
    private final Map<String, SessionView> stored = new LinkedHashMap<>();

    CompletenessReportsTest() {
        for (long seq = 1; seq <= 6; seq++) {
            String id = "b" + seq;
            bySeq.put(seq, new TenantBatch(id, new TenantHeader("acme", seq, TenantHeader.NONE, 2, 0, TenantHeader.NONE),
                    new InclusionProof(0, 3, List.of(), "bb".repeat(32)),
                    new Anchor(31337, "0x5fbdb2315678afecb367f032d93f642f64180aa3", "0x" + "cc".repeat(32), seq, Instant.EPOCH, id), 0));
        }
        session("b4", "in-1", "2026-09-29T10:00:00Z", "loans");
        session("b4", "late-july", "2026-07-02T10:00:00Z", "loans");
        session("b5", "next-q-1", "2026-10-01T00:10:00Z", "loans");
        session("b6", "in-2", "2026-09-30T23:59:00Z", "loans");
        session("b6", "other-app", "2026-09-30T23:59:30Z", "chat");
        session("b6", "next-q-2", "2026-10-01T00:20:00Z", "loans");
    }

    private void session(String batch, String id, String startedAt, String app) {
        members.computeIfAbsent(batch, b -> new ArrayList<>()).add(id);
        String record = "{\"sessionId\":\"" + id + "\",\"applicationId\":\"" + app + "\",\"startedAt\":\"" + startedAt + "\"}";
        stored.put(id, new SessionView(new StoredSession("acme", id, app, Instant.parse(startedAt), record,
                Hashes.hex(Hashes.leafHash(record.getBytes(StandardCharsets.UTF_8))), 80, "GOOD", Map.of(), Instant.parse(startedAt), null, false),
                Optional.of(bySeq.get(Long.parseLong(batch.substring(1))).anchor()), Optional.of(new InclusionProof(1, 3, List.of(), "bb".repeat(32)))));
    }

    private final TenantBatches batches = new TenantBatches() {
        @Override
        public List<TenantBatch> tenantBatches(String tenantId, long fromSeq, long toSeq) {
            return bySeq.values().stream().filter(b -> b.header().seq() >= fromSeq && b.header().seq() <= toSeq).toList();
        }

        @Override
        public Optional<TenantBatch> tenantBatch(String tenantId, String batchId) {
            return bySeq.values().stream().filter(b -> b.batchId().equals(batchId)).findFirst();
        }

        @Override
        public List<BatchSession> sessions(TenantBatch batch) {
            return members.getOrDefault(batch.batchId(), List.of()).stream().map(id -> new BatchSession(id, stored.get(id).session().leafHash(), 1)).toList();
        }
    };

    /** The files written, by path. */
    private Map<String, String> write(TenantBatches from, List<String> used) throws IOException {
        Map<String, ByteArrayOutputStream> files = new LinkedHashMap<>();
        new CompletenessReports(from, (tenant, id) -> Optional.ofNullable(stored.get(id)))
                .write(Q3, Set.of("loans"), used, path -> files.computeIfAbsent(path, p -> new ByteArrayOutputStream()));
        Map<String, String> text = new LinkedHashMap<>();
        files.forEach((path, bytes) -> text.put(path, bytes.toString(StandardCharsets.UTF_8)));
        return text;
    }

    private static List<JsonNode> lines(String jsonl) {
        return jsonl.lines().map(Json::parse).toList();
    }

    @Test
    void theHeadersRunFromThePredecessorThroughEveryBatchInBetweenAndOutsideSessionsComeAsContext() throws IOException {
        Map<String, String> files = write(batches, List.of("b6", "b4", "old-format-1-batch"));
        List<JsonNode> headers = lines(files.get(CompletenessReports.TENANT_BATCHES));
        assertEquals(List.of("b3:predecessor", "b4:period", "b5:period", "b6:period"),
                headers.stream().map(h -> h.get("batchId").asText() + ":" + h.get("role").asText()).toList());
        assertEquals(3, headers.get(0).path("proof").path("treeSize").asLong());
        assertEquals("b3", headers.get(0).path("anchor").path("batchId").asText());

        List<JsonNode> context = lines(files.get("sessions/context-00001.jsonl"));
        assertEquals(List.of("next-q-1", "other-app", "next-q-2"), context.stream().map(l -> l.get("sessionId").asText()).toList(),
                "sessions of the batches not written by the period's shards: after the period, or of an application not exported");
        assertTrue(context.stream().allMatch(l -> l.path("context").asBoolean() && l.has("proof") && l.has("anchor")));
    }

    @Test
    void onlyFormat1BatchesGiveAnEmptyListAndNoContext() throws IOException {
        Map<String, String> files = write(batches, List.of("old-format-1-batch"));
        assertEquals("", files.get(CompletenessReports.TENANT_BATCHES));
        assertEquals(Set.of(CompletenessReports.TENANT_BATCHES), files.keySet());
    }

    @Test
    void aGapInTheTenantsRecordedBatchesFailsTheExportRatherThanHideIt() {
        bySeq.remove(5L);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> write(batches, List.of("b4", "b6")));
        assertTrue(e.getMessage().contains("tenant batch 5 of tenant acme is not recorded"), e.getMessage());

        bySeq.remove(3L);
        assertTrue(assertThrows(IllegalStateException.class, () -> write(batches, List.of("b4"))).getMessage().contains("tenant batch 3 "));
    }
}
