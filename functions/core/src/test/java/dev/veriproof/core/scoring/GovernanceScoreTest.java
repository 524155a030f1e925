package dev.veriproof.core.scoring;

import static dev.veriproof.core.session.GuardrailAction.ALLOWED;
import static dev.veriproof.core.session.GuardrailAction.BLOCKED;
import static dev.veriproof.core.session.GuardrailAction.BYPASSED;
import static dev.veriproof.core.session.GuardrailAction.FLAGGED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.session.GroundingStatus;
import dev.veriproof.core.session.GuardrailAction;
import dev.veriproof.core.session.OversightType;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.core.session.SafetyFlag;
import dev.veriproof.core.session.Session;
import dev.veriproof.core.session.SessionExamples;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GovernanceScoreTest {

    private static int factor(SessionBuilder session, String name) {
        return GovernanceScore.of(session.build()).factors().get(name);
    }

    @Test
    void guardrailCompliance() {
        assertEquals(40, factor(new SessionBuilder(), "guardrails"));
        assertEquals(100, factor(new SessionBuilder().guardrails(ALLOWED), "guardrails"));
        assertEquals(100, factor(new SessionBuilder().guardrails(ALLOWED, BLOCKED, BLOCKED), "guardrails"));
        assertEquals(80, factor(new SessionBuilder().guardrails(ALLOWED, FLAGGED, BLOCKED), "guardrails"));
        assertEquals(0, factor(new SessionBuilder().guardrails(FLAGGED, BYPASSED), "guardrails"));
        assertEquals(0, factor(new SessionBuilder().guardrails(BYPASSED), "guardrails"));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {
        "NULL, NULL, NULL, 0",
        "'', ' ', NULL, 0",
        "credit_decision, NULL, NULL, 33",
        "NULL, NULL, hash-of-reasoning, 33",
        "credit_decision, gpt-4.1, '\t', 67",
        "credit_decision, gpt-4.1, because, 100",
    })
    void decisionTransparencyCountsNonBlankTexts(String intent, String model, String reasoning, int expected) {
        assertEquals(expected, factor(new SessionBuilder().texts(intent, model, reasoning), "transparency"));
    }

    @Test
    void humanOversight() {
        assertEquals(100, factor(new SessionBuilder(), "humanOversight"), "not required");
        assertEquals(100, factor(new SessionBuilder().risk(RiskLevel.MEDIUM).oversight(false, null), "humanOversight"));
        assertEquals(100, factor(new SessionBuilder().oversight(true, OversightType.HUMAN_IN_THE_LOOP), "humanOversight"));
        assertEquals(100, factor(new SessionBuilder().risk(RiskLevel.CRITICAL).oversight(null, OversightType.HUMAN_ON_THE_LOOP), "humanOversight"));
        assertEquals(0, factor(new SessionBuilder().oversight(true, OversightType.NONE), "humanOversight"));
        assertEquals(0, factor(new SessionBuilder().oversight(true, null), "humanOversight"));
        assertEquals(0, factor(new SessionBuilder().risk(RiskLevel.HIGH), "humanOversight"));
        assertEquals(0, factor(new SessionBuilder().risk(RiskLevel.HIGH).oversight(false, OversightType.NONE), "humanOversight"));
    }

    @Test
    void contentSafety() {
        assertEquals(100, factor(new SessionBuilder(), "contentSafety"), "no contentSafety");
        assertEquals(100, factor(new SessionBuilder().contentSafety(false), "contentSafety"), "no flags");
        assertEquals(80, factor(new SessionBuilder().contentSafety(true, SafetyFlag.PII), "contentSafety"));
        assertEquals(80, factor(new SessionBuilder().guardrails(ALLOWED, BLOCKED).contentSafety(false, SafetyFlag.HATE), "contentSafety"));
        assertEquals(20, factor(new SessionBuilder().guardrails(FLAGGED).contentSafety(false, SafetyFlag.HATE), "contentSafety"));
        assertEquals(20, factor(new SessionBuilder().contentSafety(null, SafetyFlag.PROMPT_INJECTION, SafetyFlag.OTHER), "contentSafety"));
    }

    @Test
    void groundingQualityOrLeftOut() {
        assertEquals(100, factor(new SessionBuilder().grounding(GroundingStatus.GROUNDED), "grounding"));
        assertEquals(60, factor(new SessionBuilder().grounding(GroundingStatus.PARTIAL), "grounding"));
        assertEquals(30, factor(new SessionBuilder().grounding(GroundingStatus.UNGROUNDED), "grounding"));
        assertFalse(GovernanceScore.of(new SessionBuilder().build()).factors().containsKey("grounding"));
    }

    @Test
    void specExampleScores97() {
        // G 100, T 100, H 100, C 80, R 100: (3000 + 2500 + 2000 + 1200 + 1000) / 100 = 97
        Session session = SessionExamples.specExample();

        GovernanceScore score = GovernanceScore.of(session);

        assertEquals(new GovernanceScore(97, Band.EXCELLENT, Map.of("guardrails", 100, "transparency", 100,
                "humanOversight", 100, "contentSafety", 80, "grounding", 100)), score);
        assertEquals(List.of("guardrails", "transparency", "humanOversight", "contentSafety", "grounding"),
                new ArrayList<>(score.factors().keySet()));
    }

    @Test
    void allFactorsPresentRoundsDown() {
        // G 80, T 33, H 0, C 20, R 30: (2400 + 825 + 0 + 300 + 300) / 100 = 38.25 -> 38
        Session session = new SessionBuilder().guardrails(ALLOWED, FLAGGED).texts("triage", null, null)
                .risk(RiskLevel.HIGH).contentSafety(false, SafetyFlag.VIOLENCE).grounding(GroundingStatus.UNGROUNDED).build();

        assertEquals(new GovernanceScore(38, Band.POOR, Map.of("guardrails", 80, "transparency", 33,
                "humanOversight", 0, "contentSafety", 20, "grounding", 30)), GovernanceScore.of(session));
    }

    @Test
    void withoutGroundingHalfRoundsUp() {
        // G 40, T 67, H 100, C 80, no R: (1200 + 1675 + 2000 + 1200) / 90 = 67.5 -> 68
        Session session = new SessionBuilder().texts("triage", "gpt-4.1", null).contentSafety(true, SafetyFlag.PII).build();

        GovernanceScore score = GovernanceScore.of(session);

        assertEquals(68, score.value());
        assertEquals(Band.FAIR, score.band());
        assertEquals(List.of("guardrails", "transparency", "humanOversight", "contentSafety"),
                new ArrayList<>(score.factors().keySet()));
    }

    @Test
    void withoutGroundingAnotherHalfRoundsUpAcrossABandBoundary() {
        // G 100, T 67, H 100, C 80, no R: (3000 + 1675 + 2000 + 1200) / 90 = 87.5 -> 88
        Session session = new SessionBuilder().guardrails(ALLOWED).texts(null, "gpt-4.1", "because")
                .contentSafety(true, SafetyFlag.PII).build();

        assertEquals(new GovernanceScore(88, Band.GOOD, Map.of("guardrails", 100, "transparency", 67,
                "humanOversight", 100, "contentSafety", 80)), GovernanceScore.of(session));
    }

    @Test
    void emptySessionScoresOnWhatItLacks() {
        // G 40, T 0, H 100, C 100, no R: (1200 + 0 + 2000 + 1500) / 90 = 52.2 -> 52
        assertEquals(new GovernanceScore(52, Band.POOR, Map.of("guardrails", 40, "transparency", 0,
                "humanOversight", 100, "contentSafety", 100)), GovernanceScore.of(new SessionBuilder().build()));
    }

    @Test
    void factorsCannotBeChanged() {
        GovernanceScore score = GovernanceScore.of(new SessionBuilder().build());

        assertThrows(UnsupportedOperationException.class, () -> score.factors().put("grounding", 100));
    }

    /** What scoring reads of a session, generated freely. */
    record Inputs(List<GuardrailAction> actions, List<String> texts, RiskLevel risk, Session.HumanOversight oversight,
                  GroundingStatus grounding, Session.ContentSafety contentSafety) {

        Session session() {
            SessionBuilder builder = new SessionBuilder().texts(texts.get(0), texts.get(1), texts.get(2))
                    .risk(risk).grounding(grounding);
            builder.guardrails = actions;
            builder.humanOversight = oversight;
            builder.contentSafety = contentSafety;
            return builder.build();
        }
    }

    /** A change to one factor's input that should never make a session look worse. */
    enum Improvement {
        UPGRADE_A_GUARDRAIL, STATE_A_TEXT, LOWER_THE_RISK, DROP_THE_OVERSIGHT_REQUIREMENT, RECORD_OVERSIGHT,
        HANDLE_THE_FLAGS, CLEAR_THE_FLAGS, UPGRADE_GROUNDING
    }

    // From worst to best as scoring sees them: BLOCKED is as compliant as ALLOWED and also handles flagged content.
    private static final List<GuardrailAction> GUARDRAIL_ORDER = List.of(BYPASSED, FLAGGED, ALLOWED, BLOCKED);

    static Inputs improve(Inputs in, Improvement improvement, int which) {
        switch (improvement) {
            case UPGRADE_A_GUARDRAIL -> {
                if (in.actions().isEmpty()) {
                    return in;
                }
                List<GuardrailAction> actions = new ArrayList<>(in.actions());
                int index = which % actions.size();
                int rank = GUARDRAIL_ORDER.indexOf(actions.get(index));
                actions.set(index, GUARDRAIL_ORDER.get(Math.min(rank + 1, GUARDRAIL_ORDER.size() - 1)));
                return new Inputs(actions, in.texts(), in.risk(), in.oversight(), in.grounding(), in.contentSafety());
            }
            case STATE_A_TEXT -> {
                List<String> texts = new ArrayList<>(in.texts());
                int index = which % texts.size();
                texts.set(index, "stated");
                return new Inputs(in.actions(), texts, in.risk(), in.oversight(), in.grounding(), in.contentSafety());
            }
            case LOWER_THE_RISK -> {
                RiskLevel lower = in.risk() == null || in.risk() == RiskLevel.MINIMAL ? in.risk()
                        : RiskLevel.values()[in.risk().ordinal() - 1];
                return new Inputs(in.actions(), in.texts(), lower, in.oversight(), in.grounding(), in.contentSafety());
            }
            case DROP_THE_OVERSIGHT_REQUIREMENT -> {
                Session.HumanOversight oversight = in.oversight() == null ? null
                        : new Session.HumanOversight(false, in.oversight().type(), in.oversight().reviewer());
                return new Inputs(in.actions(), in.texts(), in.risk(), oversight, in.grounding(), in.contentSafety());
            }
            case RECORD_OVERSIGHT -> {
                Boolean required = in.oversight() == null ? null : in.oversight().required();
                Session.HumanOversight oversight = new Session.HumanOversight(required, OversightType.HUMAN_IN_THE_LOOP, "u-1");
                return new Inputs(in.actions(), in.texts(), in.risk(), oversight, in.grounding(), in.contentSafety());
            }
            case HANDLE_THE_FLAGS -> {
                Session.ContentSafety safety = in.contentSafety() == null ? null
                        : new Session.ContentSafety(in.contentSafety().flags(), true);
                return new Inputs(in.actions(), in.texts(), in.risk(), in.oversight(), in.grounding(), safety);
            }
            case CLEAR_THE_FLAGS -> {
                Session.ContentSafety safety = in.contentSafety() == null ? null
                        : new Session.ContentSafety(List.of(), in.contentSafety().handled());
                return new Inputs(in.actions(), in.texts(), in.risk(), in.oversight(), in.grounding(), safety);
            }
            case UPGRADE_GROUNDING -> {
                GroundingStatus better = in.grounding() == GroundingStatus.UNGROUNDED ? GroundingStatus.PARTIAL
                        : in.grounding() == GroundingStatus.PARTIAL ? GroundingStatus.GROUNDED : in.grounding();
                return new Inputs(in.actions(), in.texts(), in.risk(), in.oversight(), better, in.contentSafety());
            }
            default -> throw new IllegalArgumentException(improvement.name());
        }
    }

    @Property(tries = 2000)
    void improvingOneFactorInputNeverLowersTheScore(
            @ForAll("inputs") Inputs inputs, @ForAll Improvement improvement, @ForAll @IntRange(max = 7) int which) {
        GovernanceScore before = GovernanceScore.of(inputs.session());
        GovernanceScore after = GovernanceScore.of(improve(inputs, improvement, which).session());

        assertTrue(after.value() >= before.value(), () -> improvement + ": " + before + " -> " + after);
        after.factors().forEach((name, value) -> assertTrue(value >= before.factors().get(name),
                () -> improvement + " lowered " + name + ": " + before + " -> " + after));
    }

    @Provide
    Arbitrary<Inputs> inputs() {
        Arbitrary<Session.HumanOversight> oversight = Combinators.combine(
                        Arbitraries.of(true, false).injectNull(0.3),
                        Arbitraries.of(OversightType.class).injectNull(0.3))
                .as((required, type) -> new Session.HumanOversight(required, type, null))
                .injectNull(0.3);
        Arbitrary<Session.ContentSafety> contentSafety = Combinators.combine(
                        Arbitraries.of(SafetyFlag.class).list().ofMaxSize(3),
                        Arbitraries.of(true, false).injectNull(0.3))
                .as(Session.ContentSafety::new)
                .injectNull(0.3);
        return Combinators.combine(
                Arbitraries.of(GuardrailAction.class).list().ofMaxSize(4),
                Arbitraries.of("", "  ", "text").injectNull(0.4).list().ofSize(3),
                Arbitraries.of(RiskLevel.class).injectNull(0.2),
                oversight,
                Arbitraries.of(GroundingStatus.class).injectNull(0.3),
                contentSafety).as(Inputs::new);
    }
}
