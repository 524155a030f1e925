package dev.veriproof.core.evidence;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.evidence.SessionTally.Measure;
import dev.veriproof.core.json.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The ISO/IEC 42001 scorecard of SPEC §9: each clause or Annex A control with its verdict, the
 * numbers behind it and, unless covered, what would close it. Coverage thresholds are met for
 * {@code covered}; at least half of a threshold (or some of several conditions) gives {@code partial};
 * nothing gives {@code gap}.
 */
public final class Scorecard {
    public record Control(String id, String title, Verdict verdict, Map<String, Object> evidence, String toClose) {}

    private Scorecard() {}

    public static List<Control> evaluate(EvidenceFacts f, SessionTally t) {
        List<Control> controls = new ArrayList<>();
        List<EvidenceFacts.AppFacts> apps = f.applications();
        long sessions = t.sessions();

        Map<String, Object> e61 = evidence("applications", apps.size());
        long classified = count(apps, EvidenceFacts.AppFacts::riskClassified);
        long withRules = count(apps, a -> a.activeAlertRules() > 0);
        long scoredDays = count(apps, a -> dayShare(t, a.applicationId(), f.periodDays()) >= 0.8);
        e61.put("riskClassified", classified);
        e61.put("withActiveAlertRule", withRules);
        e61.put("dailyScoresOn80PercentOfDays", scoredDays);
        controls.add(conditions("6.1; A.6.1; A.6.2", "Actions to address risks and opportunities", e61,
                "classify every application's risk, add an active alert rule for each, and score sessions on at least 80% of days",
                all(apps.size(), classified), all(apps.size(), withRules), all(apps.size(), scoredDays)));

        long withTarget = count(apps, a -> a.scoreTarget() != null);
        long metTarget = count(apps, a -> a.scoreTarget() != null && a.averageScore30d() != null && a.averageScore30d() >= a.scoreTarget());
        Map<String, Object> e62 = evidence("applications", apps.size());
        e62.put("withScoreTarget", withTarget);
        e62.put("metTargetOn30DayAverage", metTarget);
        controls.add(conditions("6.2; A.7.4", "AI objectives", e62,
                "give every application a score target and bring its 30-day average to it", all(apps.size(), withTarget), all(apps.size(), metTarget)));

        long signed = count(apps, a -> a.signedDeploymentRecords() > 0);
        Map<String, Object> e82 = evidence("applications", apps.size());
        e82.put("withSignedDeploymentRecord", signed);
        controls.add(ratio("8.2; A.2.2", "AI system impact assessment", e82, fraction(signed, apps.size()), 1.0,
                "record a deployment context (POST /v1/deployments) for every application"));

        double anchored = fraction(t.get(Measure.ANCHORED), sessions);
        Map<String, Object> e84 = evidence("sessions", sessions);
        e84.put("anchorCoverage", round(anchored));
        e84.put("guardrailConfigVersions", f.guardrailConfigVersions());
        controls.add(conditions("8.4", "Documentation", e84,
                "have sessions in the period, anchor at least 99% of them and version the guardrail configuration",
                sessions > 0 ? Check.MET : Check.NONE, threshold(anchored, 0.99), f.guardrailConfigVersions() > 0 ? Check.MET : Check.NONE));

        double oversight = fraction(t.get(Measure.OVERSIGHT_COVERED), t.get(Measure.OVERSIGHT_REQUIRED));
        double grounding = fraction(t.get(Measure.GROUNDING), sessions);
        Map<String, Object> e86 = evidence("oversightRequired", t.get(Measure.OVERSIGHT_REQUIRED));
        e86.put("humanOversightCoverage", round(oversight));
        e86.put("groundingRecorded", round(grounding));
        controls.add(conditions("8.6; A.10.3", "Responsible use of AI systems", e86,
                "review sessions that require human oversight (≥ 95%) and record grounding on at least 80% of sessions",
                t.get(Measure.OVERSIGHT_REQUIRED) == 0 ? (sessions > 0 ? Check.MET : Check.NONE) : threshold(oversight, 0.95),
                threshold(grounding, 0.8)));

        Map<String, Object> e91 = evidence("scoreMeasured", sessions > 0);
        e91.put("guardrailFailureRate", sessions == 0 ? null : round(fraction(t.get(Measure.GUARDRAIL_FAILED), t.get(Measure.GUARDRAILS))));
        e91.put("anchorCoverageMeasured", sessions > 0);
        e91.put("oversightCoverageMeasured", t.get(Measure.OVERSIGHT_REQUIRED) > 0);
        e91.put("sdkHealthReports", f.sdkHealthReports());
        controls.add(conditions("9.1; A.9.2; A.4.2", "Monitoring, measurement, analysis and evaluation", e91,
                "measure score, guardrail failures, anchoring, oversight and SDK health in the period",
                sessions > 0 ? Check.MET : Check.NONE, t.get(Measure.GUARDRAILS) > 0 ? Check.MET : Check.NONE,
                t.get(Measure.ANCHORED) > 0 ? Check.MET : Check.NONE, t.get(Measure.OVERSIGHT_REQUIRED) > 0 ? Check.MET : Check.NONE,
                f.sdkHealthReports() > 0 ? Check.MET : Check.NONE));

        controls.add(conditions("9.3", "Management review", evidence("earlierExportsInPeriod", f.earlierExports()),
                "generate an evidence export during the period", f.earlierExports() > 0 ? Check.MET : Check.NONE));

        Map<String, Object> e101 = evidence("openRemediations", f.openRemediations());
        e101.put("withOwner", f.openGapsWithOwnedRemediation());
        controls.add(ratio("10.1", "Continual improvement", e101,
                f.openRemediations() == 0 ? 0 : fraction(f.openGapsWithOwnedRemediation(), f.openRemediations()), 1.0,
                "open a remediation item with an owner for every open gap"));

        long incidents = f.incidents() + t.get(Measure.HIGH_RISK_UNREVIEWED) + t.get(Measure.GUARDRAIL_BYPASSED) + f.anchoringFailures();
        Map<String, Object> e102 = evidence("incidents", incidents);
        e102.put("alerts", f.incidents());
        e102.put("highRiskUnreviewed", t.get(Measure.HIGH_RISK_UNREVIEWED));
        e102.put("guardrailBypasses", t.get(Measure.GUARDRAIL_BYPASSED));
        e102.put("anchoringFailures", f.anchoringFailures());
        e102.put("withCorrectiveAction", f.incidentsWithCorrectiveAction());
        controls.add(ratio("10.2", "Nonconformity and corrective action", e102,
                incidents == 0 ? 1.0 : fraction(f.incidentsWithCorrectiveAction(), incidents), 1.0,
                "record a corrective action for every incident (resolve alerts with a note, review high-risk sessions)"));

        controls.add(conditions("A.3.2", "AI roles and responsibilities", evidence("keyAssignmentsLogged", f.keyAssignmentsLogged()),
                "create role-scoped API keys so the audit log shows who holds which role", f.keyAssignmentsLogged() > 0 ? Check.MET : Check.NONE));

        Map<String, Object> a52 = evidence("auditorKeys", f.auditorKeys());
        a52.put("downloadsLogged", f.downloadsLogged());
        controls.add(conditions("A.5.2", "Stakeholders", a52, "give auditors a key and let them download an export (every download is logged)",
                f.auditorKeys() > 0 ? Check.MET : Check.NONE, f.downloadsLogged() > 0 ? Check.MET : Check.NONE));

        long redacted = count(apps, EvidenceFacts.AppFacts::redactionConfigured);
        controls.add(ratio("A.8.1", "Data for AI systems", evidence("applicationsWithRedactionPolicy", redacted),
                fraction(redacted, apps.size()), 1.0, "configure a redaction policy on every application"));

        double annotations = sessions == 0 ? 0 : (fraction(t.get(Measure.GUARDRAILS), sessions)
                + fraction(t.get(Measure.OVERSIGHT_RECORDED), sessions) + grounding) / 3;
        Map<String, Object> a84 = evidence("annotationCoverage", round(annotations));
        a84.put("guardrails", round(fraction(t.get(Measure.GUARDRAILS), sessions)));
        a84.put("oversight", round(fraction(t.get(Measure.OVERSIGHT_RECORDED), sessions)));
        a84.put("grounding", round(grounding));
        controls.add(ratio("A.8.4", "Data quality", a84, annotations, 0.8, "annotate guardrails, oversight and grounding on at least 80% of sessions"));

        Map<String, Object> a91 = evidence("auditChainIntact", f.auditChainIntact());
        a91.put("anchoringActive", f.anchoringActive());
        controls.add(conditions("A.9.1", "Logging", a91, "keep the audit log chain intact and anchoring running",
                f.auditChainIntact() ? Check.MET : Check.NONE, f.anchoringActive() ? Check.MET : Check.NONE));

        Map<String, Object> a101 = evidence("auditorKeys", f.auditorKeys());
        a101.put("anchoredSessions", t.get(Measure.ANCHORED));
        controls.add(conditions("A.10.1", "Transparency", a101, "give auditors access to annotations and proofs (an auditor key, anchored sessions)",
                f.auditorKeys() > 0 ? Check.MET : Check.NONE, t.get(Measure.ANCHORED) > 0 ? Check.MET : Check.NONE));
        return controls;
    }

    public static ObjectNode scorecardJson(List<Control> controls, ExportRequest request) {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("framework", request.framework().name());
        json.put("from", request.from().toString());
        json.put("to", request.to().toString());
        ArrayNode list = json.putArray("controls");
        for (Control c : controls) {
            ObjectNode node = list.addObject();
            node.put("id", c.id());
            node.put("title", c.title());
            node.put("verdict", c.verdict().json());
            node.set("evidence", Json.mapper().valueToTree(c.evidence()));
        }
        return json;
    }

    /** Every partial or gap with what would close it. */
    public static ObjectNode gapAnalysisJson(List<Control> controls) {
        ObjectNode json = Json.mapper().createObjectNode();
        ArrayNode gaps = json.putArray("gaps");
        for (Control c : controls) {
            if (c.verdict() == Verdict.COVERED) continue;
            ObjectNode node = gaps.addObject();
            node.put("id", c.id());
            node.put("verdict", c.verdict().json());
            node.put("toClose", c.toClose());
            node.set("evidence", Json.mapper().valueToTree(c.evidence()));
        }
        return json;
    }

    enum Check { MET, SOME, NONE }

    private static Control conditions(String id, String title, Map<String, Object> evidence, String toClose, Check... checks) {
        boolean allMet = true;
        boolean any = false;
        for (Check c : checks) {
            allMet &= c == Check.MET;
            any |= c != Check.NONE;
        }
        Verdict v = allMet ? Verdict.COVERED : any ? Verdict.PARTIAL : Verdict.GAP;
        return new Control(id, title, v, evidence, toClose);
    }

    private static Control ratio(String id, String title, Map<String, Object> evidence, double value, double threshold, String toClose) {
        return conditions(id, title, evidence, toClose, threshold(value, threshold));
    }

    private static Check threshold(double value, double threshold) {
        return value >= threshold ? Check.MET : value >= threshold / 2 && value > 0 ? Check.SOME : Check.NONE;
    }

    private static Check all(long of, long met) {
        return of > 0 && met == of ? Check.MET : met > 0 ? Check.SOME : Check.NONE;
    }

    private static double dayShare(SessionTally t, String app, long periodDays) {
        SessionTally.App a = t.applications().get(app);
        return a == null ? 0 : (double) a.days.size() / periodDays;
    }

    private static <T> long count(List<T> items, Predicate<T> p) {
        return items.stream().filter(p).count();
    }

    private static double fraction(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    private static double round(double v) {
        return BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP).doubleValue();
    }

    private static Map<String, Object> evidence(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        return m;
    }
}
