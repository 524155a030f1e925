package dev.veriproof.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What {@link Completeness} and {@link AuditLogCheck} conclude from headers and session positions whose proofs already
 * verified (the cryptographic part is the session check's, tested with real anchors in the evidence module).
 */
class CompletenessTest {
    private static final String TENANT = "acme";

    private static String batchId(int n) {
        return Completeness.FORMAT_2_PREFIX + String.format("%056x", n);
    }

    /** A header line: the tenant's group opens at leaf {@code at}, with {@code count} sessions. */
    private static JsonNode header(int batch, long seq, String prev, long count, long at, long auditSeq, String auditHash, String role) {
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("batchId", batchId(batch));
        line.put("role", role);
        ObjectNode h = line.putObject("header");
        h.put("type", Completeness.HEADER_TYPE);
        h.put("tenant", TENANT);
        h.put("seq", seq);
        h.put("prev", prev == null ? Completeness.NONE : prev);
        h.put("count", count);
        h.putObject("auditHead").put("seq", auditSeq).put("hash", auditHash);
        line.put("leafHash", leaf(batch));
        line.putObject("proof").put("leafIndex", at);
        line.putObject("anchor").put("batchId", batchId(batch));
        return line;
    }

    private static String leaf(int batch) {
        return Hashes.hex(Hashes.sha256(("header " + batch).getBytes(StandardCharsets.UTF_8)));
    }

    private static final String ZERO = AuditChain.GENESIS_HASH;

    /** Three consecutive batches (seq 4..6, after a shown predecessor seq 3), each with its sessions. */
    private static Completeness genuine(boolean dropLine, boolean dropMiddleBatch) {
        Completeness c = new Completeness(TENANT);
        assertTrue(c.header(header(3, 3, leaf(2), 1, 0, 0, ZERO, "predecessor"), "pre"));
        assertTrue(c.header(header(4, 4, leaf(3), 2, 5, 0, ZERO, "period"), "h4"));
        if (!dropMiddleBatch) assertTrue(c.header(header(5, 5, leaf(4), 3, 0, 0, ZERO, "period"), "h5"));
        assertTrue(c.header(header(6, 6, leaf(5), 1, 9, 0, ZERO, "period"), "h6"));
        c.session(batchId(4), 6);
        c.session(batchId(4), 7);
        if (!dropMiddleBatch) {
            c.session(batchId(5), 1);
            if (!dropLine) c.session(batchId(5), 2);
            c.session(batchId(5), 3);
        }
        c.session(batchId(6), 10);
        return c;
    }

    @Test
    void aGenuineChainOfBatchesWithAllTheirSessionsIsComplete() {
        assertEquals(List.of(), genuine(false, false).failures());
    }

    @Test
    void aRemovedSessionLineIsNamedByItsBatchAndLeafIndex() {
        List<Completeness.Failure> failures = genuine(true, false).failures();
        assertEquals(1, failures.size(), failures.toString());
        assertEquals("batch " + batchId(5), failures.get(0).what());
        assertTrue(failures.get(0).problem().contains("1 of the tenant's 3 session(s)") && failures.get(0).problem().contains("[2]"),
                failures.get(0).problem());
    }

    @Test
    void aWholeTenantBatchRemovedWithItsHeaderBreaksTheChain() {
        List<Completeness.Failure> failures = genuine(false, true).failures();
        assertEquals(1, failures.size(), failures.toString());
        assertEquals("tenant batch seq 6", failures.get(0).what());
        assertTrue(failures.get(0).problem().contains("between seq 4 and 6"), failures.get(0).problem());
    }

    @Test
    void aHeaderWithoutItsPredecessorOrWithAForeignPrevOrTenantIsNamed() {
        Completeness noPredecessor = new Completeness(TENANT);
        noPredecessor.header(header(4, 4, leaf(3), 1, 0, 0, ZERO, "period"), "h4");
        noPredecessor.session(batchId(4), 1);
        assertTrue(noPredecessor.failures().get(0).problem().contains("does not show the tenant's batch seq 3"));

        Completeness wrongPrev = new Completeness(TENANT);
        wrongPrev.header(header(3, 3, leaf(2), 0, 0, 0, ZERO, "predecessor"), "pre");
        wrongPrev.header(header(4, 4, leaf(9), 1, 0, 0, ZERO, "period"), "h4");
        wrongPrev.session(batchId(4), 1);
        assertTrue(wrongPrev.failures().get(0).problem().contains("is not the leaf hash of the tenant header seq 3"));

        Completeness other = new Completeness("someone-else");
        assertTrue(!other.header(header(4, 4, leaf(3), 1, 0, 0, ZERO, "period"), "h4"));
        assertTrue(other.failures().get(0).problem().contains("the header is tenant acme's"));
    }

    @Test
    void sessionsOfAFormat2BatchWithoutItsHeaderFailAndFormat1BatchesAreOnlyNoted() {
        Completeness c = new Completeness(TENANT);
        c.header(header(1, 1, null, 1, 0, 0, ZERO, "period"), "h1");
        c.session(batchId(1), 1);
        c.session(batchId(2), 4);
        c.session("ab".repeat(32), 0);
        List<Completeness.Failure> failures = c.failures();
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).problem().contains("carries no tenant header"));
        assertEquals(java.util.Set.of("ab".repeat(32)), c.format1Batches());
    }

    // ------------------------------------------------------------------ the audit log against anchored heads

    private static List<AuditEntry> log(int entries) {
        List<AuditEntry> log = new ArrayList<>();
        AuditChain.Head head = AuditChain.Head.EMPTY;
        for (int i = 0; i < entries; i++) {
            AuditEntry e = AuditChain.next(head, new AuditEvent("admin", "key.created", "key_" + i, Map.of()), Instant.parse("2026-11-01T00:00:00Z"));
            log.add(e);
            head = new AuditChain.Head(e.seq(), e.hash(), e.at());
        }
        return log;
    }

    private static ByteArrayInputStream jsonl(List<AuditEntry> entries) {
        StringBuilder text = new StringBuilder();
        entries.forEach(e -> text.append(e.toJson()).append('\n'));
        return new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theAuditLogMustHoldEveryAnchoredHeadWithItsHash() throws IOException {
        List<AuditEntry> genuine = log(5);
        SortedMap<Long, String> heads = new TreeMap<>(Map.of(3L, genuine.get(2).hash(), 5L, genuine.get(4).hash()));
        assertEquals(List.of(), AuditLogCheck.check(jsonl(genuine), heads));

        // cut after entry 4: consistent as a chain, but an anchored head is gone
        List<Completeness.Failure> truncated = AuditLogCheck.check(jsonl(genuine.subList(0, 4)), heads);
        assertEquals(1, truncated.size(), truncated.toString());
        assertTrue(truncated.get(0).problem().contains("ends at seq 4") && truncated.get(0).problem().contains("seq 5"));

        // entry 2 removed and the rest re-chained from there by the operator: every hash from 2 on differs
        List<AuditEntry> rewritten = new ArrayList<>(genuine.subList(0, 1));
        AuditChain.Head head = new AuditChain.Head(1, genuine.get(0).hash(), genuine.get(0).at());
        for (AuditEntry e : genuine.subList(2, 5)) {
            AuditEntry next = AuditChain.next(head, new AuditEvent(e.actor(), e.action(), e.target(), Map.of()), Instant.parse(e.at()));
            rewritten.add(next);
            head = new AuditChain.Head(next.seq(), next.hash(), next.at());
        }
        List<Completeness.Failure> caught = AuditLogCheck.check(jsonl(rewritten), heads);
        assertTrue(caught.stream().anyMatch(f -> f.what().equals("audit-log.jsonl entry seq 3") && f.problem().contains("rewritten")), caught.toString());

        // a plain removal without re-chaining is a broken chain
        List<AuditEntry> holed = new ArrayList<>(genuine);
        holed.remove(1);
        assertTrue(AuditLogCheck.check(jsonl(holed), new TreeMap<>()).get(0).problem().contains("expected seq 2"));
    }
}
