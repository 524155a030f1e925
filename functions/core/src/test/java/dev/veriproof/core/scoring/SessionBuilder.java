package dev.veriproof.core.scoring;

import dev.veriproof.core.session.GroundingStatus;
import dev.veriproof.core.session.GuardrailAction;
import dev.veriproof.core.session.OversightType;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.core.session.SafetyFlag;
import dev.veriproof.core.session.Session;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Builds sessions holding only what scoring reads. */
final class SessionBuilder {

    List<GuardrailAction> guardrails = List.of();
    String intent;
    String model;
    String reasoning;
    RiskLevel riskLevel;
    Session.HumanOversight humanOversight;
    GroundingStatus grounding;
    Session.ContentSafety contentSafety;

    SessionBuilder guardrails(GuardrailAction... actions) {
        guardrails = Arrays.asList(actions);
        return this;
    }

    SessionBuilder texts(String intent, String model, String reasoning) {
        this.intent = intent;
        this.model = model;
        this.reasoning = reasoning;
        return this;
    }

    SessionBuilder risk(RiskLevel riskLevel) {
        this.riskLevel = riskLevel;
        return this;
    }

    SessionBuilder oversight(Boolean required, OversightType type) {
        humanOversight = new Session.HumanOversight(required, type, null);
        return this;
    }

    SessionBuilder grounding(GroundingStatus status) {
        grounding = status;
        return this;
    }

    SessionBuilder contentSafety(Boolean handled, SafetyFlag... flags) {
        contentSafety = new Session.ContentSafety(List.of(flags), handled);
        return this;
    }

    Session build() {
        return new Session("s-1", "app", Instant.parse("2026-11-20T10:15:00Z"), null, null, null, intent, model,
                reasoning, null, null, riskLevel, humanOversight,
                guardrails.stream().map(action -> new Session.Guardrail("g", action, null)).toList(),
                grounding == null ? null : new Session.Grounding(grounding, null), contentSafety, 0);
    }
}
