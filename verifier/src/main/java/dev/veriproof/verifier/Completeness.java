package dev.veriproof.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.anchoring.AnchorBatch;
import dev.veriproof.core.hash.Hashes;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * That a package leaves nothing out (VERIFY.md §6). In a batch of format 2 the tenant's leaves are one
 * group: its header leaf {@code {type: "veriproof.tenant-batch", tenant, seq, prev, count, auditHead}} at
 * index h, then its {@code count} sessions at h+1..h+count. So, given the headers of {@code tenant-batches.jsonl}
 * (whose proofs and anchors the caller has checked like a session's), the package is complete when
 * <ul>
 *   <li>every format-2 batch a session line uses has its header, and the lines of that batch sit exactly at
 *       h+1..h+count, each once (a removed line leaves an index unused);</li>
 *   <li>the headers' {@code seq} run without a gap and each {@code prev} is the leaf hash of the header before
 *       (a removed batch breaks the run), starting from the predecessor the package shows (or from seq 1);</li>
 *   <li>each anchored {@code auditHead} is an entry of {@code audit-log.jsonl} ({@link #auditHeads}).</li>
 * </ul>
 * Batches of format 1 (anchored before completeness proofs) carry no header: their sessions are checked
 * one by one as before, and the verifier says that their completeness cannot be shown. The format is part of
 * the batch id, which the chain carries, so it cannot be changed after the fact. Thread-safe.
 */
final class Completeness {
    /** The first 4 bytes of a format-2 batch id ("vp", format 2). */
    static final String FORMAT_2_PREFIX = AnchorBatch.FORMAT_2_ID_PREFIX;
    static final String HEADER_TYPE = "veriproof.tenant-batch";

    record Failure(String what, String problem) {}

    /** {@code prev} of a tenant's first header, and the audit head's hash of an empty audit log. */
    static final String NONE = "0".repeat(64);

    private record Header(String batchId, boolean predecessor, long seq, String prev, long count, long auditSeq,
                          String auditHash, String leafHash, long leafIndex) {}

    private final String tenant;
    private final Map<String, Header> headers = new HashMap<>();
    private final List<Header> predecessors = new ArrayList<>();
    private final Map<String, BitSet> seen = new HashMap<>();
    private final Map<String, Long> outside = new HashMap<>();
    private final List<Failure> failures = new ArrayList<>();
    private final java.util.Set<String> format1 = new java.util.TreeSet<>();
    private String lastBatch;
    private boolean lastBatchIsFormat2;

    Completeness(String tenant) {
        this.tenant = tenant;
    }

    static boolean isFormat2(String batchId) {
        return AnchorBatch.isFormat2Id(batchId);
    }

    /**
     * One line of {@code tenant-batches.jsonl}, {@code {batchId, role: "period"|"predecessor", header, leafHash,
     * proof, anchor}}, whose header, proof and anchor the caller verified. Answers false (and records why) when the
     * line is not a header of this package's tenant.
     */
    synchronized boolean header(JsonNode line, String where) {
        JsonNode h = line.path("header");
        String batchId = line.path("batchId").asText("");
        if (!HEADER_TYPE.equals(h.path("type").asText()) || !h.path("seq").canConvertToLong() || !h.path("count").canConvertToLong()
                || !h.path("auditHead").path("seq").canConvertToLong() || !Hashes.isSha256Hex(h.path("auditHead").path("hash").asText(""))
                || !Hashes.isSha256Hex(h.path("prev").asText(""))) {
            failures.add(new Failure(where, "not a tenant header {type: \"" + HEADER_TYPE + "\", tenant, seq, prev, count, auditHead: {seq, hash}}"));
            return false;
        }
        if (!tenant.equals(h.path("tenant").asText())) {
            failures.add(new Failure(where, "the header is tenant " + h.path("tenant").asText() + "'s, the package is tenant " + tenant + "'s"));
            return false;
        }
        if (!isFormat2(batchId) || !line.path("anchor").path("batchId").asText("").equalsIgnoreCase(batchId)) {
            failures.add(new Failure(where, "batch " + batchId + " is not a format-2 batch, or not the batch the header's anchor names"));
            return false;
        }
        Header header = new Header(batchId, "predecessor".equals(line.path("role").asText()), h.get("seq").asLong(),
                h.get("prev").asText(), h.get("count").asLong(),
                h.path("auditHead").get("seq").asLong(), h.path("auditHead").get("hash").asText(), line.path("leafHash").asText(),
                line.path("proof").path("leafIndex").asLong(-1));
        if (header.predecessor()) predecessors.add(header);
        else if (headers.putIfAbsent(batchId, header) != null) failures.add(new Failure(where, "a second header for batch " + batchId));
        return true;
    }

    /** A session line that verified, anchored in {@code batchId} at {@code leafIndex}. */
    synchronized void session(String batchId, long leafIndex) {
        // the sessions of a batch come one after another: its format is read once
        if (!batchId.equals(lastBatch)) {
            lastBatch = batchId;
            lastBatchIsFormat2 = isFormat2(batchId);
        }
        if (!lastBatchIsFormat2) {
            format1.add(batchId);
            return;
        }
        Header header = headers.get(batchId);
        if (header == null) {
            outside.merge(batchId, 1L, Long::sum);
            return;
        }
        long slot = leafIndex - header.leafIndex() - 1;
        if (slot < 0 || slot >= header.count()) {
            failures.add(new Failure("batch " + batchId, "a session at leaf index " + leafIndex + " lies outside the tenant's group "
                    + (header.leafIndex() + 1) + ".." + (header.leafIndex() + header.count())));
            return;
        }
        BitSet bits = seen.computeIfAbsent(batchId, b -> new BitSet());
        if (bits.get((int) slot)) failures.add(new Failure("batch " + batchId, "two session lines at leaf index " + leafIndex));
        bits.set((int) slot);
    }

    /** The audit heads the headers anchored, by seq: each must be an entry of the package's audit log. */
    synchronized SortedMap<Long, String> auditHeads() {
        SortedMap<Long, String> heads = new TreeMap<>();
        headers.values().forEach(h -> heads.put(h.auditSeq(), h.auditHash()));
        predecessors.forEach(h -> heads.put(h.auditSeq(), h.auditHash()));
        heads.remove(0L);
        return heads;
    }

    /** Whether the package shows the tenant's header of this batch (a context line's batch may be listed only there). */
    synchronized boolean hasPeriodHeader(String batchId) {
        return headers.containsKey(batchId);
    }

    synchronized boolean hasHeaders() {
        return !headers.isEmpty();
    }

    /** Batches of format 1 the sessions used: their completeness cannot be shown. */
    synchronized java.util.Set<String> format1Batches() {
        return java.util.Set.copyOf(format1);
    }

    /** Every way the package is incomplete; empty when nothing is left out. */
    synchronized List<Failure> failures() {
        List<Failure> all = new ArrayList<>(failures);
        outside.forEach((batch, n) -> all.add(new Failure("batch " + batch, n + " session(s) anchored in this batch, but the package "
                + "carries no tenant header for it: whether sessions of the batch are missing cannot be shown")));
        for (Header h : headers.values()) {
            BitSet bits = seen.getOrDefault(h.batchId(), new BitSet());
            long missing = h.count() - bits.cardinality();
            if (missing > 0) {
                List<Long> indexes = new ArrayList<>();
                for (int i = bits.nextClearBit(0); i < h.count() && indexes.size() < 10; i = bits.nextClearBit(i + 1)) {
                    indexes.add(h.leafIndex() + 1 + i);
                }
                all.add(new Failure("batch " + h.batchId(), missing + " of the tenant's " + h.count() + " session(s) in this batch are "
                        + "missing from the package (leaf indexes " + indexes + (missing > indexes.size() ? ", …" : "") + ")"));
            }
        }
        List<Header> chain = new ArrayList<>(headers.values());
        chain.sort(Comparator.comparingLong(Header::seq));
        for (int i = 0; i < chain.size(); i++) {
            Header h = chain.get(i);
            Optional<Header> before = i > 0 ? Optional.of(chain.get(i - 1))
                    : predecessors.stream().filter(p -> p.seq() == h.seq() - 1).findFirst();
            if (before.isPresent() && before.get().seq() != h.seq() - 1) {
                long gap = h.seq() - before.get().seq() - 1;
                all.add(new Failure("tenant batch seq " + h.seq(), gap + " tenant batch(es) between seq " + before.get().seq() + " and "
                        + h.seq() + " are missing from the package"));
            } else if (before.isPresent() && !before.get().leafHash().equalsIgnoreCase(h.prev())) {
                all.add(new Failure("tenant batch seq " + h.seq(), "prev " + h.prev() + " is not the leaf hash of the tenant "
                        + "header seq " + before.get().seq() + " (" + before.get().leafHash() + ")"));
            } else if (before.isEmpty() && h.seq() > 1) {
                all.add(new Failure("tenant batch seq " + h.seq(), "the package does not show the tenant's batch seq " + (h.seq() - 1)
                        + " before it: whether batches were left out before it cannot be shown"));
            } else if (before.isEmpty() && !h.prev().equals(NONE)) {
                all.add(new Failure("tenant batch seq 1", "the tenant's first batch names a previous header " + h.prev()));
            }
        }
        return all;
    }
}
