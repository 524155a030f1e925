package dev.veriproof.core.aggregation;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /**
     * As {@link #read}, each day holding only the named counters (the others read as 0): for a reader that needs a few of
     * a day's many counters (bands, risk levels, outcomes, guardrail actions, safety flags, ...).
     */
    List<DailyRollup> read(String tenantId, String applicationId, LocalDate from, LocalDate to, Set<String> counters);

    /** Every model's rollups of the days {@code from} .. {@code to} (inclusive). */
    List<ModelRollup> readModels(String tenantId, String applicationId, LocalDate from, LocalDate to);

    /** A day's rollup as stored, with the revision (one more at every change) a recount's replacement is conditioned on. */
    record Stored(Map<String, Long> counters, long revision) {}

    /** The day's rollup as stored now, read consistently; empty if the day has none. */
    Optional<Stored> find(String tenantId, String applicationId, LocalDate day);

    /**
     * The recount's write: makes {@code counters} the day's rollup and {@code models} (by model name) its per-model rollups
     * (any other model rollup of the day goes), and records {@code markers} (every event they hold) as counted, so that a
     * stream event still to come for one of them adds nothing. Refused (false, the rollup unchanged) when the day's rollup
     * is no longer {@code expected} (absent when empty): a stream event counted meanwhile; the caller recounts.
     */
    boolean replace(String tenantId, String applicationId, LocalDate day, Map<String, Long> counters,
                    Map<String, Map<String, Long>> models, List<String> markers, Optional<Stored> expected, Instant now);
}
