package dev.veriproof.core.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SdkSightingTest {
    private static SdkSighting seen(String version, String at, String source) {
        return SdkSighting.at("t", "app", "py", version, Instant.parse(at), source);
    }

    @Test
    void coalescingKeepsOneSightingPerVersionWithTheEarliestTheLatestAndEverySource() {
        List<SdkSighting> batch = List.of(seen("1.0", "2026-11-20T10:00:00Z", "session"), seen("2.0", "2026-11-21T10:00:00Z", "session"),
                seen("1.0", "2026-11-18T10:00:00.000000500Z", "health"), seen("1.0", "2026-11-22T10:00:00Z", "session"));
        List<SdkSighting> merged = SdkSighting.coalesce(batch);
        assertEquals(2, merged.size());
        assertEquals(new SdkSighting("t", "app", "py", "1.0", Instant.parse("2026-11-18T10:00:00.000000500Z"),
                Instant.parse("2026-11-22T10:00:00Z"), Set.of("session", "health")), merged.get(0));
        List<SdkSighting> reversed = new ArrayList<>(batch);
        Collections.reverse(reversed);
        assertEquals(Set.copyOf(merged), Set.copyOf(SdkSighting.coalesce(reversed)), "the order of the sightings does not matter");
        assertEquals(merged, SdkSighting.coalesce(merged), "coalescing twice changes nothing");
    }

    @Test
    void aSightingIsWithinAnotherOnlyWhenItsSpanAndSourcesAre() {
        SdkSighting span = seen("1.0", "2026-11-18T10:00:00Z", "session").merge(seen("1.0", "2026-11-22T10:00:00Z", "session"));
        assertTrue(seen("1.0", "2026-11-20T10:00:00Z", "session").within(span));
        assertTrue(seen("1.0", "2026-11-22T10:00:00Z", "session").within(span));
        assertFalse(seen("1.0", "2026-11-22T10:00:00.001Z", "session").within(span));
        assertFalse(seen("1.0", "2026-11-20T10:00:00Z", "health").within(span), "a new source is news");
        assertFalse(seen("2.0", "2026-11-20T10:00:00Z", "session").within(span));
    }

    @Test
    void sightingsOfDifferentVersionsDoNotMerge() {
        assertThrows(IllegalArgumentException.class, () -> seen("1.0", "2026-11-20T10:00:00Z", "session").merge(seen("2.0", "2026-11-20T10:00:00Z", "session")));
    }
}
