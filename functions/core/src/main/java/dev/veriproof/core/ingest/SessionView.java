package dev.veriproof.core.ingest;

import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.merkle.InclusionProof;
import java.util.Optional;

/** A stored session as a reader sees it: with its anchor and inclusion proof once it is anchored. */
public record SessionView(StoredSession session, Optional<Anchor> anchor, Optional<InclusionProof> proof) {
}
