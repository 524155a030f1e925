package dev.veriproof.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * The hash chain of SPEC §8: {@code seq} counts from 1, {@code prevHash} is the previous entry's
 * {@code hash} (64 zeros for the first), and {@code hash = hex(SHA-256(JCS(entry without "hash")))}.
 * The same code builds entries (the API), and checks them (the API, the evidence export, the
 * offline verifier).
 */
public final class AuditChain {
    public static final String GENESIS_HASH = "0".repeat(64);

    private AuditChain() {}

    /** The last entry of a chain: what the next append links to. */
    public record Head(long seq, String hash, String at) {
        public static final Head EMPTY = new Head(0, GENESIS_HASH, null);
    }

    /** The entry that follows {@code head}. Its time is never before the previous entry's. */
    public static AuditEntry next(Head head, AuditEvent event, Instant now) {
        String at = now.toString();
        if (head.at() != null && Instant.parse(head.at()).isAfter(now)) at = head.at();
        JsonNode details = Json.mapper().valueToTree(event.details());
        AuditEntry unhashed = new AuditEntry(head.seq() + 1, at, event.actor(), event.action(), event.target(), details,
                head.hash(), "");
        return new AuditEntry(unhashed.seq(), at, event.actor(), event.action(), event.target(), details, head.hash(), hashOf(unhashed));
    }

    /** hex(SHA-256(JCS(entry without its hash))). */
    public static String hashOf(AuditEntry entry) {
        return Hashes.hex(Hashes.sha256(Canonical.jcs(entry.withoutHash())));
    }

    /** What went wrong at the first broken link. */
    public enum Problem {
        /** The entry's content does not match its own hash. */
        EDITED,
        /** One or more entries are missing before this one. */
        REMOVED,
        /** Entries are present but out of order. */
        REORDERED,
        /** The entry does not link to the previous one's hash (an entry was replaced, hash recomputed). */
        LINK_BROKEN,
        /** Entries after the last one listed are missing (the chain's head says there are more). */
        TRUNCATED
    }

    /** The first broken link: which entry, what is wrong, in words a person can act on. */
    public record Break(long seq, int position, Problem problem, String message) {}

    /**
     * The outcome of a check.
     *
     * @param lastSeq and {@code lastHash}: the last entry checked (0 and the genesis hash for none)
     */
    public record Verification(boolean intact, int entriesChecked, long lastSeq, String lastHash, Optional<Break> firstBreak) {}

    /** Checks a whole chain, from seq 1, in the order given. */
    public static Verification verify(List<AuditEntry> entries) {
        return verify(entries, Optional.empty());
    }

    /**
     * Checks a whole chain, from seq 1, in the order given, and that it ends where {@code head} (the
     * stored last seq and hash) says it ends.
     */
    public static Verification verify(List<AuditEntry> entries, Optional<Head> head) {
        Set<Long> present = new HashSet<>();
        for (AuditEntry entry : entries) present.add(entry.seq());
        Verifier verifier = new Verifier(present::contains);
        for (AuditEntry entry : entries) {
            if (!verifier.add(entry)) break;
        }
        return verifier.finish(head);
    }

    /**
     * {@link #verify}, one entry at a time, holding only the last link: for a chain read page by page. It stops at the
     * first break and names it as {@code verify} does.
     */
    public static final class Verifier {
        private final LongPredicate presentFurtherOn;
        private long expectedSeq = 1;
        private String prevHash = GENESIS_HASH;
        private int position;
        private Verification broken;

        /**
         * @param presentFurtherOn whether an entry with this seq comes later in the chain as given (told apart: entries
         *     removed or out of order); asked at most once, at the first seq out of place. Every entry before it holds a
         *     smaller seq, so "anywhere in the log" answers it too.
         */
        public Verifier(LongPredicate presentFurtherOn) {
            this.presentFurtherOn = presentFurtherOn;
        }

        /** @return false once the chain is broken: the entries after the first break change nothing */
        public boolean add(AuditEntry entry) {
            if (broken != null) return false;
            int i = position++;
            if (!hashOf(entry).equals(entry.hash())) {
                broken = broken(i, expectedSeq - 1, prevHash, new Break(entry.seq(), i, Problem.EDITED,
                        "entry seq " + entry.seq() + " (position " + (i + 1) + ") was edited: its content no longer matches its hash"));
                return false;
            }
            if (entry.seq() != expectedSeq) {
                boolean reordered = entry.seq() < expectedSeq || presentFurtherOn.test(expectedSeq);
                String message = reordered
                        ? "entries are out of order: position " + (i + 1) + " holds seq " + entry.seq() + " where seq " + expectedSeq + " belongs"
                        : (entry.seq() - expectedSeq == 1 ? "entry seq " + expectedSeq + " was removed"
                                : "entries seq " + expectedSeq + " to " + (entry.seq() - 1) + " were removed")
                                + " (position " + (i + 1) + " holds seq " + entry.seq() + ")";
                broken = broken(i, expectedSeq - 1, prevHash, new Break(entry.seq(), i, reordered ? Problem.REORDERED : Problem.REMOVED, message));
                return false;
            }
            if (!entry.prevHash().equals(prevHash)) {
                broken = broken(i, expectedSeq - 1, prevHash, new Break(entry.seq(), i, Problem.LINK_BROKEN,
                        "entry seq " + entry.seq() + " does not link to the hash of entry seq " + (entry.seq() - 1)
                                + ": one of the two was replaced"));
                return false;
            }
            prevHash = entry.hash();
            expectedSeq++;
            return true;
        }

        /** The outcome, checking that the chain ends where {@code head} says it ends. */
        public Verification finish(Optional<Head> head) {
            if (broken != null) return broken;
            long lastSeq = expectedSeq - 1;
            if (head.isPresent() && (head.get().seq() != lastSeq || !head.get().hash().equals(prevHash))) {
                String message = head.get().seq() > lastSeq
                        ? "the chain ends at seq " + lastSeq + " but its head records seq " + head.get().seq() + ": the last entries were removed"
                        : "the chain's head records seq " + head.get().seq() + " with another hash than the entries hold";
                return broken(position, lastSeq, prevHash, new Break(lastSeq + 1, position, Problem.TRUNCATED, message));
            }
            return new Verification(true, position, lastSeq, prevHash, Optional.empty());
        }
    }

    /**
     * Checks a chain entry by entry, from seq 1 or from a link already checked, holding only the last link: for logs
     * too long to hold in memory. It answers whether the chain holds and where it first broke; {@link #verify} names
     * what broke it.
     */
    public static final class Walk {
        private long expectedSeq;
        private String prevHash;
        private long brokenAt;

        /** From the start of the chain. */
        public Walk() {
            this(0, GENESIS_HASH);
        }

        /** From the entry {@code seq} whose hash is {@code hash}, checked before: the next entry must link to it. */
        public Walk(long seq, String hash) {
            this.expectedSeq = seq + 1;
            this.prevHash = hash;
        }

        public void add(AuditEntry entry) {
            if (brokenAt == 0 && !(entry.seq() == expectedSeq && entry.prevHash().equals(prevHash) && hashOf(entry).equals(entry.hash()))) {
                brokenAt = expectedSeq;
            }
            prevHash = entry.hash();
            expectedSeq = entry.seq() + 1;
        }

        public boolean intact() {
            return brokenAt == 0;
        }

        /** The seq at which the chain first broke (the entry expected there is missing, edited or misplaced); 0 if intact. */
        public long brokenAt() {
            return brokenAt;
        }

        /** The last entry added (or the starting link): where a later walk resumes. */
        public long lastSeq() {
            return expectedSeq - 1;
        }

        public String lastHash() {
            return prevHash;
        }
    }

    private static Verification broken(int checked, long lastGoodSeq, String lastGoodHash, Break at) {
        return new Verification(false, checked, lastGoodSeq, lastGoodHash, Optional.of(at));
    }
}
