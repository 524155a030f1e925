package dev.veriproof.core.aggregation;

import dev.veriproof.core.scoring.Band;
import dev.veriproof.core.session.GuardrailAction;
import dev.veriproof.core.session.SafetyFlag;
import dev.veriproof.core.session.Session;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one stream event adds to its application's rollup of the day (SPEC §5): named counters and
 * the amounts to add. A stored session adds its counts; a session that became anchored adds one to
 * {@code anchored}; a review of a session that waited for one adds one to {@code oversightHad}. Counter names are the attribute names of the rollup.
 */
public final class Contribution {
    public static final String SESSIONS = "sessions";
    public static final String SCORE_SUM = "scoreSum";
    public static final String GUARDRAIL_FAILURES = "guardrailFailures";
    public static final String OVERSIGHT_REQUIRED = "oversightRequired";
    public static final String OVERSIGHT_HAD = "oversightHad";
    public static final String GROUNDED = "grounded";
    public static final String SAFETY_FLAGGED = "safetyFlagged";
    public static final String ANCHORED = "anchored";
    /** Sessions that recorded any guardrail result. */
    public static final String GUARDRAILS_RECORDED = "guardrailsRecorded";
    /** Sessions that recorded human oversight (its type or whether it was required). */
    public static final String OVERSIGHT_RECORDED = "oversightRecorded";

    private Contribution() {
    }

    public static String band(Band band) { return "band_" + band.name(); }

    public static String risk(String riskLevel) { return "risk_" + riskLevel; }

    public static String outcome(String outcome) { return "outcome_" + outcome; }

    public static String guardrail(GuardrailAction action) { return "guardrail_" + action.name(); }

    public static String safetyFlag(SafetyFlag flag) { return "safety_" + flag.name(); }

    /** The counters a newly stored session adds. */
    public static Map<String, Long> ofSession(Session session, int governanceScore) {
        Map<String, Long> add = new LinkedHashMap<>();
        add.put(SESSIONS, 1L);
        add.put(SCORE_SUM, (long) governanceScore);
        add.put(band(Band.of(governanceScore)), 1L);
        if (session.riskLevel() != null) add.put(risk(session.riskLevel().name()), 1L);
        if (session.outcome() != null) add.put(outcome(session.outcome().name()), 1L);
        // a session counts once per action it used, however many guardrails used it
        session.guardrails().stream().map(Session.Guardrail::action).distinct()
                .forEach(action -> add.put(guardrail(action), 1L));
        if (session.guardrailFailed()) add.put(GUARDRAIL_FAILURES, 1L);
        if (!session.guardrails().isEmpty()) add.put(GUARDRAILS_RECORDED, 1L);
        if (session.recordsOversight()) add.put(OVERSIGHT_RECORDED, 1L);
        if (session.requiresOversight()) {
            add.put(OVERSIGHT_REQUIRED, 1L);
            if (session.hadOversight()) add.put(OVERSIGHT_HAD, 1L);
        }
        if (session.grounding() != null) add.put(GROUNDED, 1L);
        if (session.contentSafety() != null && !session.contentSafety().flags().isEmpty()) {
            add.put(SAFETY_FLAGGED, 1L);
            session.contentSafety().flags().stream().distinct().forEach(flag -> add.put(safetyFlag(flag), 1L));
        }
        return add;
    }

    /**
     * The counters a newly stored session adds to the rollup of its model (Annex A.9.2), empty when
     * the session names no model. Kept apart from the day's rollup because model names are the
     * client's free text: one item per model keeps the day's item bounded whatever clients send.
     */
    public static Map<String, Long> ofModel(Session session, int governanceScore) {
        if (session.model() == null || session.model().isEmpty()) return Map.of();
        Map<String, Long> add = new LinkedHashMap<>();
        add.put(SESSIONS, 1L);
        add.put(SCORE_SUM, (long) governanceScore);
        if (session.guardrailFailed()) add.put(GUARDRAIL_FAILURES, 1L);
        return add;
    }

    /**
     * The counter a review adds to a session that required oversight and had none at ingest: from then on it had
     * oversight (SPEC §5), so that human oversight coverage is the same in the metrics and in the evidence package.
     */
    public static Map<String, Long> ofReview() {
        return Map.of(OVERSIGHT_HAD, 1L);
    }

    /** The counter a session that became anchored adds. */
    public static Map<String, Long> ofAnchoring() {
        return Map.of(ANCHORED, 1L);
    }
}
