package dev.veriproof.core.anchoring;

import dev.veriproof.core.merkle.InclusionProof;
import java.util.List;

/** The sessions side of anchoring: the backlog, and recording a session's proof and anchor. */
public interface PendingSessions {

    /** Up to {@code limit} sessions still pending, oldest first, in a deterministic order. */
    List<PendingLeaf> oldestPending(int limit);

    /** Stores the proof and anchor on the session and takes it out of the backlog, unless it already has an anchor. */
    Recorded recordAnchored(PendingLeaf leaf, InclusionProof proof, Anchor anchor);

    enum Recorded {
        /** Stored now. */
        ANCHORED,
        /** Already carried this batch's anchor: a repeated completion. */
        ALREADY_IN_BATCH,
        /** Carries another batch's anchor, or changed since the batch was prepared: left as it is. */
        CONFLICT
    }
}
