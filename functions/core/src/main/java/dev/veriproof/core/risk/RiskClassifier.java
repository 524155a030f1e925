package dev.veriproof.core.risk;

import dev.veriproof.core.aggregation.ApplicationMetrics;
import dev.veriproof.core.aggregation.Contribution;
import dev.veriproof.core.aggregation.DailyRollup;
import dev.veriproof.core.session.RiskLevel;
import java.time.LocalDate;
import java.util.List;

/**
 * The observed risk level of an application (SPEC §5, "Application risk classification"), with the
 * first rule that decided it as the reason. With no sessions in 30 days nothing is observed (null).
 */
public final class RiskClassifier {

    public record Observation(RiskLevel level, String reason) {
    }

    private RiskClassifier() {
    }

    public static Observation observe(List<DailyRollup> rollups, LocalDate today) {
        ApplicationMetrics.Window d7 = ApplicationMetrics.window(rollups, today, 7);
        ApplicationMetrics.Window d30 = ApplicationMetrics.window(rollups, today, 30);
        if (d30.sessions() == 0) return new Observation(null, "no sessions in the last 30 days");
        Double avg7 = d7.averageScore();
        if (avg7 != null && avg7 < 35) return new Observation(RiskLevel.CRITICAL, "7-day average score " + avg7 + " < 35");
        long bypassed = d7.get(Contribution.guardrail(dev.veriproof.core.session.GuardrailAction.BYPASSED));
        if (bypassed > 0) return new Observation(RiskLevel.CRITICAL, bypassed + " session(s) with a BYPASSED guardrail in 7 days");
        long critical = d30.get(Contribution.risk("CRITICAL"));
        if (critical * 100 > 5 * d30.sessions()) {
            return new Observation(RiskLevel.CRITICAL, critical + " of " + d30.sessions() + " sessions in 30 days are CRITICAL (> 5%)");
        }
        if (avg7 != null && avg7 < 55) return new Observation(RiskLevel.HIGH, "7-day average score " + avg7 + " < 55");
        long failures7 = d7.get(Contribution.GUARDRAIL_FAILURES);
        if (d7.sessions() > 0 && failures7 * 100 > 20 * d7.sessions()) {
            return new Observation(RiskLevel.HIGH, "guardrail failure rate (7 d) " + failures7 + "/" + d7.sessions() + " > 20%");
        }
        long high = d30.get(Contribution.risk("HIGH")) + critical;
        if (high * 100 > 20 * d30.sessions()) {
            return new Observation(RiskLevel.HIGH, high + " of " + d30.sessions() + " sessions in 30 days are HIGH or CRITICAL (> 20%)");
        }
        if (avg7 != null && avg7 < 75) return new Observation(RiskLevel.MEDIUM, "7-day average score " + avg7 + " < 75");
        long required = d30.get(Contribution.OVERSIGHT_REQUIRED);
        long had = d30.get(Contribution.OVERSIGHT_HAD);
        if (required > 0 && had * 100 < 90 * required) {
            return new Observation(RiskLevel.MEDIUM, "human oversight coverage (30 d) " + had + "/" + required + " < 90%");
        }
        return new Observation(RiskLevel.LOW, "no rule for a higher level applies");
    }

    /** The higher of the declared and the observed level. */
    public static RiskLevel effective(RiskLevel declared, RiskLevel observed) {
        if (observed == null) return declared;
        return observed.compareTo(declared) > 0 ? observed : declared;
    }
}
