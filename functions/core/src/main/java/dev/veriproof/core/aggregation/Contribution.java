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
 * {@code anchored}. Counter names are the attribute names of the rollup.
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
        boolean failed = session.guardrails().stream().anyMatch(g -> g.action() != GuardrailAction.ALLOWED);
        if (failed) add.put(GUARDRAIL_FAILURES, 1L);
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
        if (session.guardrails().stream().anyMatch(g -> g.action() != GuardrailAction.ALLOWED)) add.put(GUARDRAIL_FAILURES, 1L);
        return add;
    }

    /** The counter a session that became anchored adds. */
    public static Map<String, Long> ofAnchoring() {
        return Map.of(ANCHORED, 1L);
    }
}
