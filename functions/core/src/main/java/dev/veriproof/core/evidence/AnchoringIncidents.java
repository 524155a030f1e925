package dev.veriproof.core.evidence;

import dev.veriproof.core.anchoring.AnchorLedger.Incident;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Anchoring failures of a period, for ISO/IEC 42001 10.2. The corrective action for a failed run is
 * the retry that anchored the sessions it left pending: a failure counts as corrected once a batch was
 * anchored after it.
 */
public record AnchoringIncidents(List<Incident> failures, Optional<Instant> lastAnchoredAt) {

    public static AnchoringIncidents of(List<Incident> all, Predicate<Instant> inPeriod, Optional<Instant> lastAnchoredAt) {
        return new AnchoringIncidents(all.stream().filter(i -> inPeriod.test(i.at())).toList(), lastAnchoredAt);
    }

    public boolean corrected(Incident failure) {
        return lastAnchoredAt.filter(at -> at.isAfter(failure.at())).isPresent();
    }

    public int correctedCount() {
        return (int) failures.stream().filter(this::corrected).count();
    }
}
