package dev.veriproof.core.aggregation;

import java.time.LocalDate;
import java.util.Map;

/**
 * One model's counters of one application and UTC day ({@link Contribution#ofModel}: sessions,
 * score sum, guardrail failures); absent counters are 0.
 */
public record ModelRollup(String applicationId, LocalDate day, String model, Map<String, Long> counters) {

    public ModelRollup {
        counters = Map.copyOf(counters);
    }

    public long get(String counter) {
        return counters.getOrDefault(counter, 0L);
    }
}
