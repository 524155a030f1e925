package dev.veriproof.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditChainTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    private static List<AuditEntry> chain(int n) {
        List<AuditEntry> entries = new ArrayList<>();
        AuditChain.Head head = AuditChain.Head.EMPTY;
        for (int i = 0; i < n; i++) {
            AuditEntry entry = AuditChain.next(head, new AuditEvent("key_admin", "guardrails.update", "application/app-" + i,
                    Map.of("version", String.valueOf(i + 1))), T0.plusSeconds(i));
            entries.add(entry);
            head = new AuditChain.Head(entry.seq(), entry.hash(), entry.at());
        }
        return entries;
    }

    private static AuditChain.Break firstBreak(List<AuditEntry> entries) {
        AuditChain.Verification v = AuditChain.verify(entries);
        assertFalse(v.intact());
        return v.firstBreak().orElseThrow();
    }

    @Test
    void entriesFollowTheSpecFormula() {
        List<AuditEntry> entries = chain(3);
        assertEquals(1, entries.get(0).seq());
        assertEquals("0".repeat(64), entries.get(0).prevHash());
        assertEquals(entries.get(0).hash(), entries.get(1).prevHash());
        ObjectNode withoutHash = entries.get(1).toJson();
        withoutHash.remove("hash");
        assertEquals(Hashes.hex(Hashes.sha256(Canonical.jcs(withoutHash))), entries.get(1).hash());
        assertEquals(List.of("seq", "at", "actor", "action", "target", "details", "prevHash", "hash"),
                iterable(entries.get(1).toJson().fieldNames()));
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void anIntactChainVerifiesAndItsJsonRoundTrips() {
        List<AuditEntry> entries = chain(5);
        List<AuditEntry> reread = entries.stream().map(e -> AuditEntry.fromJson(Json.parse(Json.writeString(e.toJson())))).toList();
        AuditEntry last = entries.get(4);
        AuditChain.Verification v = AuditChain.verify(reread, Optional.of(new AuditChain.Head(5, last.hash(), last.at())));
        assertTrue(v.intact());
        assertEquals(5, v.entriesChecked());
        assertEquals(last.hash(), v.lastHash());
        assertTrue(AuditChain.verify(List.of()).intact());
    }

    @Test
    void anEditedEntryIsNamed() {
        List<AuditEntry> entries = new ArrayList<>(chain(5));
        AuditEntry e = entries.get(2);
        entries.set(2, new AuditEntry(e.seq(), e.at(), "key_mallory", e.action(), e.target(), e.details(), e.prevHash(), e.hash()));
        AuditChain.Break at = firstBreak(entries);
        assertEquals(AuditChain.Problem.EDITED, at.problem());
        assertEquals(3, at.seq());
    }

    @Test
    void anEditedEntryWithARecomputedHashBreaksTheNextLink() {
        List<AuditEntry> entries = new ArrayList<>(chain(5));
        AuditEntry e = entries.get(2);
        AuditEntry forged = new AuditEntry(e.seq(), e.at(), "key_mallory", e.action(), e.target(), e.details(), e.prevHash(), "");
        entries.set(2, new AuditEntry(e.seq(), e.at(), "key_mallory", e.action(), e.target(), e.details(), e.prevHash(), AuditChain.hashOf(forged)));
        AuditChain.Break at = firstBreak(entries);
        assertEquals(AuditChain.Problem.LINK_BROKEN, at.problem());
        assertEquals(4, at.seq());
    }

    @Test
    void aRemovedEntryIsNamed() {
        List<AuditEntry> entries = new ArrayList<>(chain(5));
        entries.remove(1);
        AuditChain.Break at = firstBreak(entries);
        assertEquals(AuditChain.Problem.REMOVED, at.problem());
        assertTrue(at.message().contains("seq 2 was removed"), at.message());
    }

    @Test
    void reorderedEntriesAreNamed() {
        List<AuditEntry> entries = new ArrayList<>(chain(5));
        Collections.swap(entries, 1, 3);
        AuditChain.Break at = firstBreak(entries);
        assertEquals(AuditChain.Problem.REORDERED, at.problem());
        assertEquals(2, at.position() + 1);
    }

    @Test
    void removedLastEntriesAreFoundAgainstTheHead() {
        List<AuditEntry> entries = chain(5);
        AuditEntry last = entries.get(4);
        AuditChain.Verification v = AuditChain.verify(entries.subList(0, 3), Optional.of(new AuditChain.Head(5, last.hash(), last.at())));
        assertFalse(v.intact());
        assertEquals(AuditChain.Problem.TRUNCATED, v.firstBreak().orElseThrow().problem());
        assertEquals(3, v.lastSeq());
    }

    @Test
    void aWalkEntryByEntryAgreesWithTheWholeCheck() {
        List<List<AuditEntry>> cases = new ArrayList<>();
        cases.add(chain(6));
        List<AuditEntry> edited = new ArrayList<>(chain(6));
        AuditEntry e = edited.get(3);
        edited.set(3, new AuditEntry(e.seq(), e.at(), "key_mallory", e.action(), e.target(), e.details(), e.prevHash(), e.hash()));
        cases.add(edited);
        List<AuditEntry> removed = new ArrayList<>(chain(6));
        removed.remove(0);
        cases.add(removed);
        List<AuditEntry> reordered = new ArrayList<>(chain(6));
        Collections.swap(reordered, 4, 5);
        cases.add(reordered);
        List<AuditEntry> relinked = new ArrayList<>(chain(6));
        AuditEntry r = relinked.get(2);
        AuditEntry forged = new AuditEntry(r.seq(), r.at(), "key_mallory", r.action(), r.target(), r.details(), r.prevHash(), "");
        relinked.set(2, new AuditEntry(r.seq(), r.at(), "key_mallory", r.action(), r.target(), r.details(), r.prevHash(), AuditChain.hashOf(forged)));
        cases.add(relinked);
        List<Boolean> walked = new ArrayList<>();
        for (List<AuditEntry> entries : cases) {
            AuditChain.Walk walk = new AuditChain.Walk();
            entries.forEach(walk::add);
            assertEquals(AuditChain.verify(entries).intact(), walk.intact());
            walked.add(walk.intact());
        }
        assertEquals(List.of(true, false, false, false, false), walked);
    }

    /** What a store gives, page by page in seq order: the same verdict, break and figures as the whole check. */
    @Test
    void aVerifierFedInSeqOrderNamesWhatTheWholeCheckNames() {
        List<AuditEntry> whole = chain(8);
        AuditEntry last = whole.get(7);
        Optional<AuditChain.Head> head = Optional.of(new AuditChain.Head(8, last.hash(), last.at()));
        List<List<AuditEntry>> cases = new ArrayList<>();
        cases.add(whole);
        List<AuditEntry> edited = new ArrayList<>(whole);
        AuditEntry e = edited.get(3);
        edited.set(3, new AuditEntry(e.seq(), e.at(), "key_mallory", e.action(), e.target(), e.details(), e.prevHash(), e.hash()));
        cases.add(edited);
        List<AuditEntry> removed = new ArrayList<>(whole);
        removed.remove(2);
        removed.remove(2);
        cases.add(removed);
        List<AuditEntry> relinked = new ArrayList<>(whole);
        AuditEntry r = relinked.get(5);
        AuditEntry forged = new AuditEntry(r.seq(), r.at(), "key_mallory", r.action(), r.target(), r.details(), r.prevHash(), "");
        relinked.set(5, new AuditEntry(r.seq(), r.at(), "key_mallory", r.action(), r.target(), r.details(), r.prevHash(), AuditChain.hashOf(forged)));
        cases.add(relinked);
        cases.add(whole.subList(0, 6)); // truncated: the head says 8
        List<AuditChain.Problem> problems = new ArrayList<>();
        for (List<AuditEntry> entries : cases) {
            AuditChain.Verifier verifier = new AuditChain.Verifier(seq -> entries.stream().anyMatch(x -> x.seq() == seq));
            for (AuditEntry entry : entries) verifier.add(entry);
            AuditChain.Verification streamed = verifier.finish(head);
            assertEquals(AuditChain.verify(entries, head), streamed);
            problems.add(streamed.firstBreak().map(AuditChain.Break::problem).orElse(null));
        }
        assertEquals(java.util.Arrays.asList(null, AuditChain.Problem.EDITED, AuditChain.Problem.REMOVED, AuditChain.Problem.LINK_BROKEN,
                AuditChain.Problem.TRUNCATED), problems);
    }

    @Test
    void aWalkResumedFromAVerifiedLinkChecksWhatFollows() {
        List<AuditEntry> entries = chain(6);
        AuditChain.Walk resumed = new AuditChain.Walk(3, entries.get(2).hash());
        entries.subList(3, 6).forEach(resumed::add);
        assertTrue(resumed.intact());
        assertEquals(6, resumed.lastSeq());
        assertEquals(entries.get(5).hash(), resumed.lastHash());
        AuditChain.Walk wrongLink = new AuditChain.Walk(3, entries.get(1).hash());
        entries.subList(3, 6).forEach(wrongLink::add);
        assertFalse(wrongLink.intact());
        assertEquals(4, wrongLink.brokenAt());
        assertEquals(6, wrongLink.lastSeq(), "a broken walk still knows where it stands");
    }

    @Test
    void timeNeverGoesBackwardsAlongTheChain() {
        AuditEntry first = AuditChain.next(AuditChain.Head.EMPTY, new AuditEvent("a", "x", "y", Map.of()), T0);
        AuditEntry second = AuditChain.next(new AuditChain.Head(1, first.hash(), first.at()), new AuditEvent("a", "x", "y", Map.of()), T0.minusSeconds(1));
        assertEquals(first.at(), second.at());
    }
}
