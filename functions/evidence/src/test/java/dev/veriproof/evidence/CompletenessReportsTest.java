package dev.veriproof.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.AnchorBatch;
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
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Which tenant headers and context sessions a package carries so that its completeness can be proven (VERIFY.md §6). */
class CompletenessReportsTest {
    private static final ExportRequest Q3 = new ExportRequest("acme", ExportRequest.Framework.ISO_42001,
            LocalDate.parse("2026-07-01"), LocalDate.parse("2026-09-30"), List.of());

    /**
     * The tenant's batches seq 1..6 (format-2 batch ids {@code id(seq)}, anchored in block seq); batch 5 holds only
     * sessions started after the period.
     */
    private final Map<Long, TenantBatch> bySeq = new LinkedHashMap<>();
    private final Map<String, List<String>> members = new LinkedHashMap<>();
    private final Map<String, SessionView> stored = new LinkedHashMap<>();
    /** Sessions anchored, then lost from the table. */
    private final Set<String> lost = new java.util.HashSet<>();

    CompletenessReportsTest() {
        long[] counts = {0, 2, 2, 2, 2, 1, 3};
        for (long seq = 1; seq <= 6; seq++) bySeq.put(seq, batch(seq, counts[(int) seq]));
        session(4, "in-1", "2026-09-29T10:00:00Z", "loans");
        session(4, "late-july", "2026-07-02T10:00:00Z", "loans");
        session(5, "next-q-1", "2026-10-01T00:10:00Z", "loans");
        session(6, "in-2", "2026-09-30T23:59:00Z", "loans");
        session(6, "other-app", "2026-09-30T23:59:30Z", "chat");
        session(6, "next-q-2", "2026-10-01T00:20:00Z", "loans");
    }

    private static TenantBatch batch(long seq, long count) {
        return new TenantBatch(id(seq), new TenantHeader("acme", seq, TenantHeader.NONE, count, 0, TenantHeader.NONE),
                new InclusionProof(0, 3, List.of(), "bb".repeat(32)),
                new Anchor(31337, "0x5fbdb2315678afecb367f032d93f642f64180aa3", "0x" + "cc".repeat(32), seq, Instant.EPOCH, id(seq)), 0);
    }

    /** A format-2 batch id (the chain's prefix, then anything). */
    private static String id(long seq) {
        return AnchorBatch.FORMAT_2_ID_PREFIX + "00b" + seq;
    }

    private void session(long seq, String id, String startedAt, String app) {
        String batch = id(seq);
        members.computeIfAbsent(batch, b -> new ArrayList<>()).add(id);
        String record = "{\"sessionId\":\"" + id + "\",\"applicationId\":\"" + app + "\",\"startedAt\":\"" + startedAt + "\"}";
        stored.put(id, new SessionView(new StoredSession("acme", id, app, Instant.parse(startedAt), record,
                Hashes.hex(Hashes.leafHash(record.getBytes(StandardCharsets.UTF_8))), 80, "GOOD", Map.of(), Instant.parse(startedAt), null, false),
                Optional.of(bySeq.get(seq).anchor()), Optional.of(new InclusionProof(1, 3, List.of(), "bb".repeat(32)))));
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

    /** Session lookups made, in calls of at most 100 ids. */
    private final List<List<String>> lookups = new ArrayList<>();

    /** The files written, by path, for period lines anchored in the batches given (by id, with how many lines each). */
    private Map<String, String> write(TenantBatches from, Map<String, Long> linesPerBatch) throws IOException {
        Map<String, ObjectNode> anchors = new TreeMap<>();
        linesPerBatch.keySet().forEach(id -> anchors.put(id, (ObjectNode) bySeq.values().stream().filter(b -> b.batchId().equals(id)).findFirst()
                .map(b -> b.anchor().toJson()).orElse(Json.parse("{\"blockNumber\": 0}"))));
        Map<String, ByteArrayOutputStream> files = new LinkedHashMap<>();
        new CompletenessReports(from, (tenant, ids) -> {
            assertTrue(ids.size() <= CompletenessReports.LOOKUP);
            lookups.add(ids);
            Map<String, SessionView> found = new LinkedHashMap<>();
            ids.stream().filter(id -> stored.containsKey(id) && !lost.contains(id)).forEach(id -> found.put(id, stored.get(id)));
            return found;
        }).write(Q3, Set.of("loans"), anchors, linesPerBatch, path -> files.computeIfAbsent(path, p -> new ByteArrayOutputStream()));
        Map<String, String> text = new LinkedHashMap<>();
        files.forEach((path, bytes) -> text.put(path, bytes.toString(StandardCharsets.UTF_8)));
        return text;
    }

    private static List<JsonNode> lines(String jsonl) {
        return jsonl.lines().map(Json::parse).toList();
    }

    @Test
    void theHeadersRunFromThePredecessorThroughEveryBatchInBetweenAndOutsideSessionsComeAsContext() throws IOException {
        Map<String, String> files = write(batches, Map.of(id(6), 1L, id(4), 2L, "old-format-1-batch", 3L));
        List<JsonNode> headers = lines(files.get(CompletenessReports.TENANT_BATCHES));
        assertEquals(List.of(id(3) + ":predecessor", id(4) + ":period", id(5) + ":period", id(6) + ":period"),
                headers.stream().map(h -> h.get("batchId").asText() + ":" + h.get("role").asText()).toList());
        assertEquals(3, headers.get(0).path("proof").path("treeSize").asLong());
        assertEquals(id(3), headers.get(0).path("anchor").path("batchId").asText());

        List<JsonNode> context = lines(files.get("sessions/context-00001.jsonl"));
        assertEquals(List.of("next-q-1", "other-app", "next-q-2"), context.stream().map(l -> l.get("sessionId").asText()).toList(),
                "sessions of the batches not written by the period's shards: after the period, or of an application not exported");
        assertTrue(context.stream().allMatch(l -> l.path("context").asBoolean() && l.has("proof") && l.has("anchor")));
    }

    @Test
    void aBatchThePeriodsLinesCoverWholeIsNotReadSessionBySession() throws IOException {
        write(batches, Map.of(id(4), 2L, id(6), 1L));
        assertEquals(List.of(List.of("next-q-1"), List.of("in-2", "other-app", "next-q-2")), lookups,
                "batch 4's two sessions are both period lines: only batch 5 (no period line) and 6 (one of three) are read");
    }

    @Test
    void sessionsAreLookedUpAHundredAtATime() throws IOException {
        for (int i = 0; i < 250; i++) session(6, "after-" + i, "2026-10-02T00:00:00Z", "loans");
        bySeq.put(6L, batch(6, 253));
        Map<String, String> files = write(batches, Map.of(id(6), 1L));
        assertEquals(List.of(100, 100, 53), lookups.stream().map(List::size).toList());
        assertEquals(252, lines(files.get("sessions/context-00001.jsonl")).size());
    }

    @Test
    void aSessionOfTheBatchThatIsNoLongerStoredIsLeftOutForTheVerifierToName() throws IOException {
        lost.add("next-q-1");
        Map<String, String> files = write(batches, Map.of(id(4), 2L, id(6), 3L));
        assertEquals(List.of(List.of("next-q-1")), lookups);
        assertEquals(Set.of(CompletenessReports.TENANT_BATCHES), files.keySet(), "nothing to add: the lost session is simply absent");
    }

    @Test
    void onlyFormat1BatchesGiveAnEmptyListAndNoContext() throws IOException {
        Map<String, String> files = write(batches, Map.of("old-format-1-batch", 2L));
        assertEquals("", files.get(CompletenessReports.TENANT_BATCHES));
        assertEquals(Set.of(CompletenessReports.TENANT_BATCHES), files.keySet());
        assertEquals(List.of(), lookups);
    }

    @Test
    void aGapInTheTenantsRecordedBatchesFailsTheExportRatherThanHideIt() {
        bySeq.remove(5L);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> write(batches, Map.of(id(4), 2L, id(6), 1L)));
        assertTrue(e.getMessage().contains("tenant batch 5 of tenant acme is not recorded"), e.getMessage());

        bySeq.remove(3L);
        assertTrue(assertThrows(IllegalStateException.class, () -> write(batches, Map.of(id(4), 2L))).getMessage().contains("tenant batch 3 "));
    }

    @Test
    void theTenantsBatchesAreReadAPageAtATime() throws IOException {
        List<long[]> pages = new ArrayList<>();
        for (long seq = 7; seq <= 2_500; seq++) bySeq.put(seq, batch(seq, 1));
        TenantBatches paged = new TenantBatches() {
            @Override
            public List<TenantBatch> tenantBatches(String tenantId, long fromSeq, long toSeq) {
                pages.add(new long[] {fromSeq, toSeq});
                return batches.tenantBatches(tenantId, fromSeq, toSeq);
            }

            @Override
            public Optional<TenantBatch> tenantBatch(String tenantId, String batchId) {
                return batches.tenantBatch(tenantId, batchId);
            }

            @Override
            public List<BatchSession> sessions(TenantBatch batch) {
                return batches.sessions(batch);
            }
        };
        Map<String, String> files = write(paged, Map.of(id(4), 2L, id(2_500), 1L));
        assertEquals(2_498, lines(files.get(CompletenessReports.TENANT_BATCHES)).size(), "seq 3 (predecessor) to 2,500");
        assertTrue(pages.stream().allMatch(p -> p[1] - p[0] < CompletenessReports.BATCH_PAGE), "no read asks for more than a page");
    }
}
