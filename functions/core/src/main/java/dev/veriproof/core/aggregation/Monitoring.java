package dev.veriproof.core.aggregation;

import dev.veriproof.core.session.Outcome;
import dev.veriproof.core.session.SafetyFlag;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The monitoring figures of ISO/IEC 42001 9.1 and Annex A.9.2 beyond the scores: how decisions came
 * out, which models made them and how they fared, and which sessions content safety flagged. All
 * from rollups, over a {@link ApplicationMetrics.Window}.
 */
public final class Monitoring {
    /** The key of sessions that recorded no outcome in {@link #outcomes}. */
    public static final String NO_OUTCOME = "UNSPECIFIED";

    private Monitoring() {
    }

    /** One model's figures; {@code model} null gathers the sessions that named no model. */
    public record ModelUsage(String model, long sessions, Double averageScore, Double guardrailFailureRate) {
    }

    public record ContentSafety(long flaggedSessions, Double flaggedRate, Map<String, Long> byFlag) {
    }

    /** Sessions per outcome, every outcome listed, and {@link #NO_OUTCOME} for the rest. */
    public static Map<String, Long> outcomes(ApplicationMetrics.Window window) {
        Map<String, Long> outcomes = new LinkedHashMap<>();
        long named = 0;
        for (Outcome outcome : Outcome.values()) {
            long n = window.get(Contribution.outcome(outcome.name()));
            outcomes.put(outcome.name(), n);
            named += n;
        }
        outcomes.put(NO_OUTCOME, Math.max(0, window.sessions() - named));
        return outcomes;
    }

    public static ContentSafety contentSafety(ApplicationMetrics.Window window) {
        Map<String, Long> byFlag = new LinkedHashMap<>();
        for (SafetyFlag flag : SafetyFlag.values()) byFlag.put(flag.name(), window.get(Contribution.safetyFlag(flag)));
        long flagged = window.get(Contribution.SAFETY_FLAGGED);
        return new ContentSafety(flagged, ApplicationMetrics.rate(flagged, window.sessions()), byFlag);
    }

    /**
     * Per model over the window's days, most sessions first (then by name); sessions that named no
     * model are the window's totals minus every model's, listed last when there are any.
     */
    public static List<ModelUsage> byModel(List<ModelRollup> rollups, ApplicationMetrics.Window window, LocalDate today) {
        Map<String, Map<String, Long>> totals = new HashMap<>();
        for (ModelRollup r : rollups) {
            if (!ApplicationMetrics.inWindow(r.day(), today, window.days())) continue;
            Map<String, Long> model = totals.computeIfAbsent(r.model(), m -> new HashMap<>());
            r.counters().forEach((k, v) -> model.merge(k, v, Long::sum));
        }
        List<ModelUsage> usage = new ArrayList<>();
        long sessions = 0, scoreSum = 0, failures = 0;
        for (Map.Entry<String, Map<String, Long>> model : totals.entrySet()) {
            long s = model.getValue().getOrDefault(Contribution.SESSIONS, 0L);
            long sum = model.getValue().getOrDefault(Contribution.SCORE_SUM, 0L);
            long f = model.getValue().getOrDefault(Contribution.GUARDRAIL_FAILURES, 0L);
            sessions += s;
            scoreSum += sum;
            failures += f;
            if (s > 0) usage.add(usage(model.getKey(), s, sum, f));
        }
        usage.sort(Comparator.comparingLong(ModelUsage::sessions).reversed().thenComparing(ModelUsage::model));
        long unnamed = window.sessions() - sessions;
        if (unnamed > 0) {
            usage.add(usage(null, unnamed, window.get(Contribution.SCORE_SUM) - scoreSum,
                    window.get(Contribution.GUARDRAIL_FAILURES) - failures));
        }
        return usage;
    }

    private static ModelUsage usage(String model, long sessions, long scoreSum, long failures) {
        return new ModelUsage(model, sessions, ApplicationMetrics.average(scoreSum, sessions), ApplicationMetrics.rate(failures, sessions));
    }
}
