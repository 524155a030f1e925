package dev.veriproof.core.aggregation;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Per (tenant, application, UTC day) rollups of the sessions' contributions ({@link Contribution}), and per model of the
 * day. Aggregation writes them exactly once per session event; the metrics, the overview and the ISO/IEC 42001 posture
 * read them instead of the sessions.
 */
public interface RollupStore {
    /**
     * One event to count: its marker (the event's identity, so that a replay is not counted twice), the counters it adds
     * to the day's rollup and, when it names a model, those it adds to that model's rollup of the day ({@code modelAdd}
     * empty otherwise).
     */
    record Counted(String marker, Map<String, Long> add, String model, Map<String, Long> modelAdd) {
        public Counted(String marker, Map<String, Long> add) {
            this(marker, add, null, Map.of());
        }

        public boolean countsModel() {
            return model != null && !modelAdd.isEmpty();
        }
    }

    /** Counts the events not counted before in the rollup of (tenant, application, day); returns the markers of those newly counted. */
    List<String> applyOnce(String tenantId, String applicationId, LocalDate day, List<Counted> events, Instant now);

    /** The rollups of the days {@code from} .. {@code to} (inclusive) that have any data. */
    List<DailyRollup> read(String tenantId, String applicationId, LocalDate from, LocalDate to);

    /** Every model's rollups of the days {@code from} .. {@code to} (inclusive). */
    List<ModelRollup> readModels(String tenantId, String applicationId, LocalDate from, LocalDate to);
}
