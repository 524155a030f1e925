package dev.veriproof.verifier;

import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * {@code audit-log.jsonl} (VERIFY.md §5): the chain holds from seq 1 (each entry hashes to its {@code hash} and links to
 * the one before), and it contains every audit head a tenant header anchored, with the anchored hash — so that a log
 * rewritten, or cut short, and chained again consistently is still caught. Read line by line.
 */
final class AuditLogCheck {
    private AuditLogCheck() {}

    static List<Completeness.Failure> check(InputStream log, SortedMap<Long, String> anchoredHeads) throws IOException {
        List<Completeness.Failure> failures = new ArrayList<>();
        Map<Long, String> found = new HashMap<>();
        long expected = 1;
        String prev = AuditChain.GENESIS_HASH;
        boolean broken = false;
        LineReader lines = new LineReader(log);
        for (byte[] line; (line = lines.next()) != null; ) {
            if (line.length == 0) continue;
            AuditEntry entry;
            try {
                entry = AuditEntry.fromJson(Json.parse(line));
            } catch (RuntimeException e) {
                failures.add(new Completeness.Failure("audit-log.jsonl line " + lines.number(), "not an audit entry"));
                broken = true;
                break;
            }
            String where = "audit-log.jsonl entry seq " + entry.seq();
            if (entry.seq() != expected) {
                failures.add(new Completeness.Failure(where, "expected seq " + expected + ": entries were removed or reordered"));
                broken = true;
                break;
            }
            if (!AuditChain.hashOf(entry).equals(entry.hash())) {
                failures.add(new Completeness.Failure(where, "its content does not hash to its hash: it was edited"));
                broken = true;
                break;
            }
            if (!entry.prevHash().equals(prev)) {
                failures.add(new Completeness.Failure(where, "its prevHash is not the hash of entry seq " + (expected - 1)));
                broken = true;
                break;
            }
            if (anchoredHeads.containsKey(entry.seq())) found.put(entry.seq(), entry.hash());
            prev = entry.hash();
            expected++;
        }
        long last = expected - 1;
        for (Map.Entry<Long, String> head : anchoredHeads.entrySet()) {
            String at = found.get(head.getKey());
            if (at == null && !broken) {
                failures.add(new Completeness.Failure("audit-log.jsonl", "ends at seq " + last + ", but a tenant header anchored the audit log's "
                        + "head at seq " + head.getKey() + ": entries were cut from the log"));
            } else if (at != null && !at.equalsIgnoreCase(head.getValue())) {
                failures.add(new Completeness.Failure("audit-log.jsonl entry seq " + head.getKey(), "hash " + at + ", but a tenant header "
                        + "anchored " + head.getValue() + " for it: the log was rewritten"));
            }
        }
        return failures;
    }
}
