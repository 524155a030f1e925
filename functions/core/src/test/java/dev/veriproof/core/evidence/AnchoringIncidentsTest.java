package dev.veriproof.core.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.anchoring.AnchorLedger.Incident;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnchoringIncidentsTest {
    private static final Instant FROM = Instant.parse("2026-07-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-10-01T00:00:00Z");

    private static Incident at(String time) {
        return new Incident(Instant.parse(time), "chain unreachable", 12, Optional.empty());
    }

    @Test
    void onlyThePeriodsFailuresCountAndEachIsCorrectedByALaterAnchoredBatch() {
        Incident before = at("2026-06-30T23:59:59Z"), early = at("2026-07-03T10:00:00Z"), late = at("2026-09-30T23:00:00Z");
        AnchoringIncidents incidents = AnchoringIncidents.of(List.of(before, early, late),
                t -> !t.isBefore(FROM) && t.isBefore(TO), Optional.of(Instant.parse("2026-08-01T00:00:00Z")));

        assertEquals(List.of(early, late), incidents.failures());
        assertTrue(incidents.corrected(early), "anchored again after the failure");
        assertFalse(incidents.corrected(late), "nothing anchored since: still open");
        assertEquals(1, incidents.correctedCount());
    }

    @Test
    void withNothingEverAnchoredNoFailureIsCorrected() {
        AnchoringIncidents incidents = AnchoringIncidents.of(List.of(at("2026-07-03T10:00:00Z")), t -> true, Optional.empty());
        assertEquals(0, incidents.correctedCount());
    }
}
