package dev.veriproof.core.anchoring;

import dev.veriproof.core.merkle.InclusionProof;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The sessions side of anchoring: the backlog, and recording where each session sits in an anchored batch. */
public interface PendingSessions {

    /** Up to {@code limit} sessions still pending, oldest first, in a deterministic order. */
    List<PendingLeaf> oldestPending(int limit);

    /**
     * Records the batch's root, size and anchor once, then each session's place in it (leaf index and audit path),
     * taking the session out of the backlog. A session that already carries this batch is left as it is (a
     * repeated completion); one that carries another batch or whose leaf hash changed is left as it is and not
     * counted. Answers how many sessions were anchored by this call.
     */
    int recordAnchored(List<AnchoredLeaf> leaves, Anchor anchor);

    /**
     * When the oldest session still waiting was received (the backlog's age), empty with nothing pending; a session
     * already anchored may still count until a run has cleared it from the backlog, so empty always means nothing to do.
     */
    Optional<Instant> oldestPendingSince();

    /** Makes the reads a run makes (for SnapStart priming) and writes nothing; nothing by default. */
    default void warmUp() {
    }

    /** A session and its inclusion proof in the anchored batch's tree. */
    record AnchoredLeaf(PendingLeaf leaf, InclusionProof proof) {}
}
