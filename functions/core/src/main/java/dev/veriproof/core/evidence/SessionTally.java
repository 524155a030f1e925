package dev.veriproof.core.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running figures over the sessions of a package, fed one session at a time so that memory grows with
 * applications × days, never with sessions: per application and day (count, score sum, bands), per
 * application (outcomes, risk levels) and the coverages the scorecard measures.
 */
public final class SessionTally {
    public static final String[] BANDS = {"EXCELLENT", "GOOD", "FAIR", "POOR", "CRITICAL"};

    public static final class Day {
        public long sessions;
        public long scoreSum;
        public final Map<String, Long> bands = new TreeMap<>();
    }

    public static final class App {
        public final TreeMap<LocalDate, Day> days = new TreeMap<>();
        public final Map<String, Long> outcomes = new TreeMap<>();
        public final Map<String, Long> riskLevels = new TreeMap<>();
    }

    public enum Measure { ANCHORED, OVERSIGHT_REQUIRED, OVERSIGHT_COVERED, GROUNDING, GUARDRAILS, OVERSIGHT_RECORDED,
        GUARDRAIL_FAILED, GUARDRAIL_BYPASSED, HIGH_RISK_UNREVIEWED }

    private final TreeMap<String, App> apps = new TreeMap<>();
    private final EnumMap<Measure, Long> counts = new EnumMap<>(Measure.class);
    private long sessions;

    /**
     * @param record the session's record as stored
     * @param reviewed a human review was recorded for it after the fact
     */
    public void add(String applicationId, LocalDate day, int score, String band, JsonNode record, boolean anchored, boolean reviewed) {
        sessions++;
        App app = apps.computeIfAbsent(applicationId, a -> new App());
        Day d = app.days.computeIfAbsent(day, x -> new Day());
        d.sessions++;
        d.scoreSum += score;
        d.bands.merge(band, 1L, Long::sum);
        app.outcomes.merge(record.path("decision").path("outcome").asText("UNKNOWN"), 1L, Long::sum);
        app.riskLevels.merge(record.path("riskLevel").asText("UNKNOWN"), 1L, Long::sum);
        if (anchored) count(Measure.ANCHORED);
        JsonNode oversight = record.path("humanOversight");
        String risk = record.path("riskLevel").asText("");
        boolean required = oversight.path("required").asBoolean(false) || risk.equals("HIGH") || risk.equals("CRITICAL");
        boolean had = oversight.hasNonNull("type") && !oversight.path("type").asText().equals("NONE");
        if (oversight.hasNonNull("type") || oversight.hasNonNull("required")) count(Measure.OVERSIGHT_RECORDED);
        if (required) {
            count(Measure.OVERSIGHT_REQUIRED);
            if (had || reviewed) count(Measure.OVERSIGHT_COVERED);
            else if (risk.equals("HIGH") || risk.equals("CRITICAL")) count(Measure.HIGH_RISK_UNREVIEWED);
        }
        if (record.path("grounding").hasNonNull("status")) count(Measure.GROUNDING);
        JsonNode guardrails = record.path("guardrails");
        if (guardrails.isArray() && !guardrails.isEmpty()) {
            count(Measure.GUARDRAILS);
            boolean failed = false;
            boolean bypassed = false;
            for (JsonNode g : guardrails) {
                String action = g.path("action").asText("");
                failed |= action.equals("BLOCKED") || action.equals("FLAGGED") || action.equals("BYPASSED");
                bypassed |= action.equals("BYPASSED");
            }
            if (failed) count(Measure.GUARDRAIL_FAILED);
            if (bypassed) count(Measure.GUARDRAIL_BYPASSED);
        }
    }

    private void count(Measure m) {
        counts.merge(m, 1L, Long::sum);
    }

    public long sessions() {
        return sessions;
    }

    public long get(Measure m) {
        return counts.getOrDefault(m, 0L);
    }

    public Map<String, App> applications() {
        return apps;
    }
}
