package dev.veriproof.core.scoring;

import dev.veriproof.core.session.GuardrailAction;
import dev.veriproof.core.session.Session;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The governance score of one session (SPEC §5): a weighted mean of up to five factors, each 0..100.
 * {@code factors} holds each present factor's value, in the order guardrails, transparency,
 * humanOversight, contentSafety, grounding (absent when the session recorded no grounding).
 */
public record GovernanceScore(int value, Band band, Map<String, Integer> factors) {

    public static final String GUARDRAILS = "guardrails";
    public static final String TRANSPARENCY = "transparency";
    public static final String HUMAN_OVERSIGHT = "humanOversight";
    public static final String CONTENT_SAFETY = "contentSafety";
    public static final String GROUNDING = "grounding";

    private static final Map<String, Integer> WEIGHTS = Map.of(
            GUARDRAILS, 30, TRANSPARENCY, 25, HUMAN_OVERSIGHT, 20, CONTENT_SAFETY, 15, GROUNDING, 10);

    public GovernanceScore {
        factors = Collections.unmodifiableMap(new LinkedHashMap<>(factors));
    }

    public static GovernanceScore of(Session session) {
        Map<String, Integer> factors = new LinkedHashMap<>();
        factors.put(GUARDRAILS, guardrails(session));
        factors.put(TRANSPARENCY, transparency(session));
        factors.put(HUMAN_OVERSIGHT, humanOversight(session));
        factors.put(CONTENT_SAFETY, contentSafety(session));
        if (session.grounding() != null) {
            factors.put(GROUNDING, grounding(session));
        }
        int weighted = 0;
        int weights = 0;
        for (Map.Entry<String, Integer> factor : factors.entrySet()) {
            weighted += WEIGHTS.get(factor.getKey()) * factor.getValue();
            weights += WEIGHTS.get(factor.getKey());
        }
        // round half up in integers: floor(weighted / weights + 1/2)
        int value = (2 * weighted + weights) / (2 * weights);
        return new GovernanceScore(value, Band.of(value), factors);
    }

    private static int guardrails(Session session) {
        if (session.guardrails().isEmpty()) {
            return 40;
        }
        if (anyGuardrail(session, GuardrailAction.BYPASSED)) {
            return 0;
        }
        return anyGuardrail(session, GuardrailAction.FLAGGED) ? 80 : 100;
    }

    private static int transparency(Session session) {
        long stated = Stream.of(session.intent(), session.model(), session.reasoning())
                .filter(text -> text != null && !text.isBlank())
                .count();
        return switch ((int) stated) {
            case 0 -> 0;
            case 1 -> 33;
            case 2 -> 67;
            default -> 100;
        };
    }

    private static int humanOversight(Session session) {
        return !session.requiresOversight() || session.hadOversight() ? 100 : 0;
    }

    private static int contentSafety(Session session) {
        if (session.contentSafety() == null || session.contentSafety().flags().isEmpty()) {
            return 100;
        }
        boolean handled = Boolean.TRUE.equals(session.contentSafety().handled())
                || anyGuardrail(session, GuardrailAction.BLOCKED);
        return handled ? 80 : 20;
    }

    private static int grounding(Session session) {
        return switch (session.grounding().status()) {
            case GROUNDED -> 100;
            case PARTIAL -> 60;
            case UNGROUNDED -> 30;
        };
    }

    private static boolean anyGuardrail(Session session, GuardrailAction action) {
        return session.guardrails().stream().anyMatch(guardrail -> guardrail.action() == action);
    }
}
