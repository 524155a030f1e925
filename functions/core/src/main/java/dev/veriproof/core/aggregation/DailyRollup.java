package dev.veriproof.core.aggregation;

import java.time.LocalDate;
import java.util.Map;

/** One application's counters for one UTC day (names as in {@link Contribution}); absent counters are 0. */
public record DailyRollup(String applicationId, LocalDate day, Map<String, Long> counters) {

    public DailyRollup {
        counters = Map.copyOf(counters);
    }

    public long get(String counter) {
        return counters.getOrDefault(counter, 0L);
    }
}
