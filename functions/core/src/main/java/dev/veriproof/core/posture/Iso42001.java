package dev.veriproof.core.posture;

import dev.veriproof.core.aggregation.Contribution;
import dev.veriproof.core.aggregation.DailyRollup;
import dev.veriproof.core.evidence.Verdict;
import dev.veriproof.core.governance.PlanItem;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The ISO/IEC 42001 posture of a period (SPEC §9, §14): every clause or Annex A control with its verdict and the numbers
 * behind it, for the applications together and (for controls that concern applications) for each one alone, and for
 * each control that is not covered the findings that name what is missing and the API call that closes it. The live
 * scorecard, the live gap analysis and the evidence package's scorecard.json and gap-analysis.json all come from here.
 *
 * <p>Verdicts: a control is {@code covered} when all its conditions are met, {@code partial} when some evidence is there
 * (a coverage at least half of its threshold and above 0, or "every application" met by at least one), {@code gap}
 * when none.
 */
public final class Iso42001 {
    /** Every clause or control id a remediation item may name. */
    public static final List<String> CLAUSES = List.of("6.1", "A.6.1", "A.6.2", "6.2", "A.7.4", "8.2", "A.2.2", "8.4", "8.6",
            "A.10.3", "9.1", "A.9.2", "A.4.2", "9.3", "10.1", "10.2", "A.3.2", "A.5.2", "A.8.1", "A.8.4", "A.9.1", "A.10.1");

    /** Remediation statuses that keep a gap planned: a DONE item whose gap is still open no longer plans anything. */
    static final Set<String> PLANNING_STATUSES = Set.of("OPEN", "IN_PROGRESS", "ACCEPTED_RISK");

    /**
     * The rollup counters the posture reads, and the only ones {@code PostureReader} asks the store for: a day carries
     * many more (bands, risk levels, outcomes, guardrail actions, safety flags). Reading any other counter here throws,
     * so that one added to a rule without being added here fails every test instead of reading as 0.
     */
    public static final Set<String> COUNTERS = Set.of(Contribution.SESSIONS, Contribution.SCORE_SUM, Contribution.ANCHORED,
            Contribution.GROUNDED, Contribution.GUARDRAILS_RECORDED, Contribution.OVERSIGHT_RECORDED, Contribution.OVERSIGHT_REQUIRED,
            Contribution.OVERSIGHT_HAD, Contribution.GUARDRAIL_FAILURES);

    /** Findings listed per application for 10.2 at most (the incidents endpoint lists them all). */
    static final int INCIDENT_FINDINGS_PER_APPLICATION = 25;

    public enum Scope {
        APPLICATION, TENANT;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An API call: {@code body} is null for a call without one. */
    public record Action(String method, String path, Map<String, Object> body) {}

    /** One missing thing of a control, for an application or (applicationId null) for the tenant. */
    public record Finding(String applicationId, Verdict verdict, String missing, Map<String, Object> evidence, Action action,
                          List<PlanItem> remediations) {}

    public record AppVerdict(String applicationId, Verdict verdict, Map<String, Object> evidence) {}

    public record Control(String id, List<String> clauses, String title, Scope scope, Verdict verdict, Map<String, Object> evidence,
                          List<AppVerdict> applications, List<Finding> findings) {}

    public record Posture(LocalDate from, LocalDate to, List<String> applications, List<Control> controls) {}

    private Iso42001() {}

    public static Posture evaluate(PostureInputs in) {
        List<Definition> definitions = definitions();
        List<PostureInputs.App> apps = in.applications().stream().sorted(Comparator.comparing(PostureInputs.App::applicationId)).toList();
        Slice whole = new Slice(in, apps, in.incidents(), null);
        // each application's slice once, not once per control: its totals sum every counter of every day
        List<Slice> single = apps.stream().map(whole::only).toList();
        List<Control> controls = new ArrayList<>();
        Definition improvement = null;
        for (Definition d : definitions) {
            if (d.id.equals("10.1")) {
                improvement = d;
                controls.add(null); // evaluated last: it depends on every other control's findings
                continue;
            }
            controls.add(control(d, whole, single, in));
        }
        int at = controls.indexOf(null);
        controls.set(at, improvement(improvement, whole, apps, in, controls));
        return new Posture(in.from(), in.to(), apps.stream().map(PostureInputs.App::applicationId).toList(), List.copyOf(controls));
    }

    private static Control control(Definition d, Slice whole, List<Slice> single, PostureInputs in) {
        Measured total = d.measure.apply(whole);
        List<AppVerdict> perApp = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        if (d.scope == Scope.APPLICATION) {
            for (Slice slice : single) {
                PostureInputs.App app = slice.app;
                Measured one = d.measure.apply(slice);
                perApp.add(new AppVerdict(app.applicationId(), one.verdict, one.evidence));
                if (total.verdict != Verdict.COVERED && one.verdict != Verdict.COVERED) {
                    for (Miss m : one.misses) findings.add(finding(d, app.applicationId(), one.verdict, m, in));
                }
            }
        }
        if (total.verdict != Verdict.COVERED) {
            for (Miss m : total.misses) findings.add(finding(d, null, total.verdict, m, in));
        }
        return new Control(d.id, d.clauses, d.title, d.scope, total.verdict, total.evidence, List.copyOf(perApp), List.copyOf(findings));
    }

    private static Finding finding(Definition d, String applicationId, Verdict verdict, Miss m, PostureInputs in) {
        return new Finding(applicationId, verdict, m.missing, m.evidence, m.action, linked(d.clauses, applicationId, in.remediations()));
    }

    /** The remediation items that name one of the clauses, for the application or tenant-wide. */
    static List<PlanItem> linked(List<String> clauses, String applicationId, List<PlanItem> remediations) {
        return remediations.stream().filter(r -> r.controlId() != null && clauses.contains(r.controlId()))
                .filter(r -> r.applicationId() == null || r.applicationId().equals(applicationId))
                .sorted(Comparator.comparing(PlanItem::createdAt).thenComparing(PlanItem::id)).toList();
    }

    /** 10.1: every open gap — a (control, application) pair or a tenant-level control — has a planning remediation with an owner. */
    private static Control improvement(Definition d, Slice whole, List<PostureInputs.App> apps, PostureInputs in, List<Control> others) {
        record Gap(Control control, String applicationId) {}
        Set<Gap> gaps = new LinkedHashSet<>();
        for (Control c : others) {
            if (c == null || c.verdict() == Verdict.COVERED) continue;
            for (Finding f : c.findings()) gaps.add(new Gap(c, f.applicationId()));
        }
        Predicate<Gap> planned = g -> linked(g.control().clauses(), g.applicationId(), in.remediations()).stream()
                .anyMatch(r -> r.owner() != null && !r.owner().isBlank() && PLANNING_STATUSES.contains(r.status()));
        Function<List<Gap>, Measured> measure = list -> {
            long owned = list.stream().filter(planned).count();
            Map<String, Object> e = evidence("openGaps", (long) list.size());
            e.put("withOwnedRemediation", owned);
            List<Miss> misses = new ArrayList<>();
            for (Gap g : list) {
                if (planned.test(g)) continue;
                String who = g.applicationId() == null ? "the tenant" : g.applicationId();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("gap", g.control().title() + " (" + g.control().id() + ") for " + who);
                body.put("owner", "compliance-officer@example.com");
                body.put("dueDate", in.to().plusDays(30).toString());
                body.put("controlId", g.control().clauses().get(0));
                body.put("applicationId", g.applicationId());
                misses.add(new Miss("open gap " + g.control().id() + " of " + who + " has no remediation item with an owner",
                        evidence("controlId", g.control().id()), new Action("POST", "/v1/remediations", body)));
            }
            Check c = list.isEmpty() ? Check.MET : threshold(fraction(owned, list.size()), 1.0);
            return new Measured(verdict(c), e, misses);
        };
        List<AppVerdict> perApp = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        Measured total = measure.apply(List.copyOf(gaps));
        for (PostureInputs.App app : apps) {
            Measured one = measure.apply(gaps.stream().filter(g -> app.applicationId().equals(g.applicationId())).toList());
            perApp.add(new AppVerdict(app.applicationId(), one.verdict, one.evidence));
        }
        if (total.verdict != Verdict.COVERED) {
            for (Gap g : gaps) {
                if (planned.test(g)) continue;
                Miss m = measure.apply(List.of(g)).misses.get(0);
                findings.add(new Finding(g.applicationId(), total.verdict, m.missing, m.evidence, m.action, linked(d.clauses, g.applicationId(), in.remediations())));
            }
        }
        return new Control(d.id, d.clauses, d.title, d.scope, total.verdict, total.evidence, List.copyOf(perApp), List.copyOf(findings));
    }

    // ------------------------------------------------------------------ the controls

    private record Definition(String id, List<String> clauses, String title, Scope scope, Function<Slice, Measured> measure) {
        Definition(String id, String title, Scope scope, Function<Slice, Measured> measure) {
            this(id, Arrays.stream(id.split(";")).map(String::trim).toList(), title, scope, measure);
        }
    }

    private record Miss(String missing, Map<String, Object> evidence, Action action) {}

    private record Measured(Verdict verdict, Map<String, Object> evidence, List<Miss> misses) {}

    private static List<Definition> definitions() {
        return List.of(
                new Definition("6.1; A.6.1; A.6.2", "Actions to address risks and opportunities", Scope.APPLICATION, Iso42001::risks),
                new Definition("6.2; A.7.4", "AI objectives", Scope.APPLICATION, Iso42001::objectives),
                new Definition("8.2; A.2.2", "AI system impact assessment", Scope.APPLICATION, Iso42001::impactAssessment),
                new Definition("8.4", "Documentation", Scope.APPLICATION, Iso42001::documentation),
                new Definition("8.6; A.10.3", "Responsible use of AI systems", Scope.APPLICATION, Iso42001::responsibleUse),
                new Definition("9.1; A.9.2; A.4.2", "Monitoring, measurement, analysis and evaluation", Scope.APPLICATION, Iso42001::monitoring),
                new Definition("9.3", "Management review", Scope.TENANT, Iso42001::managementReview),
                new Definition("10.1", "Continual improvement", Scope.APPLICATION, s -> { throw new IllegalStateException("evaluated apart"); }),
                new Definition("10.2", "Nonconformity and corrective action", Scope.APPLICATION, Iso42001::nonconformity),
                new Definition("A.3.2", "AI roles and responsibilities", Scope.TENANT, Iso42001::roles),
                new Definition("A.5.2", "Stakeholders", Scope.TENANT, Iso42001::stakeholders),
                new Definition("A.8.1", "Data for AI systems", Scope.APPLICATION, Iso42001::dataGovernance),
                new Definition("A.8.4", "Data quality", Scope.APPLICATION, Iso42001::dataQuality),
                new Definition("A.9.1", "Logging", Scope.TENANT, Iso42001::logging),
                new Definition("A.10.1", "Transparency", Scope.TENANT, Iso42001::transparency));
    }

    private static Measured risks(Slice s) {
        long classified = s.count(PostureInputs.App::riskClassified);
        long withRules = s.count(a -> a.activeAlertRules() > 0);
        long scoredDays = s.count(a -> s.dayShare(a) >= 0.8);
        Map<String, Object> e = evidence("applications", (long) s.apps.size());
        e.put("riskClassified", classified);
        e.put("withActiveAlertRule", withRules);
        e.put("dailyScoresOn80PercentOfDays", scoredDays);
        List<Miss> misses = new ArrayList<>();
        s.single(app -> {
            String id = app.applicationId();
            if (!app.riskClassified()) {
                misses.add(new Miss(id + " has no declared risk level", evidence("riskClassified", false),
                        new Action("PATCH", "/v1/applications/" + id, body("declaredRiskLevel", "MEDIUM"))));
            }
            if (app.activeAlertRules() == 0) {
                Map<String, Object> rule = body("name", id + " 7-day score below 70");
                rule.put("applicationId", id);
                rule.put("kind", "ROLLING_SCORE_BELOW");
                rule.put("window", "7d");
                rule.put("threshold", 70);
                rule.put("severity", "MEDIUM");
                rule.put("notify", body("eventBridge", true));
                misses.add(new Miss(id + " has no active alert rule", evidence("activeAlertRules", 0L), new Action("POST", "/v1/alert-rules", rule)));
            }
            if (s.dayShare(app) < 0.8) {
                Map<String, Object> ev = evidence("daysWithScores", (long) s.daysWithSessions(app));
                ev.put("periodDays", s.in.days());
                misses.add(new Miss(id + " has scored sessions on " + s.daysWithSessions(app) + " of " + s.in.days()
                        + " days (80% needed)", ev, new Action("POST", "/v1/sessions", exampleSession(id, s.in.to()))));
            }
        });
        return new Measured(verdict(all(s.apps.size(), classified), all(s.apps.size(), withRules), all(s.apps.size(), scoredDays)), e, misses);
    }

    private static Measured objectives(Slice s) {
        long withTarget = s.count(a -> a.scoreTarget() != null);
        long met = s.count(a -> a.scoreTarget() != null && s.average30d(a) != null && s.average30d(a) >= a.scoreTarget());
        Map<String, Object> e = evidence("applications", (long) s.apps.size());
        e.put("withScoreTarget", withTarget);
        e.put("metTargetOn30DayAverage", met);
        List<Miss> misses = new ArrayList<>();
        s.single(app -> {
            String id = app.applicationId();
            if (app.scoreTarget() == null) {
                misses.add(new Miss(id + " has no governance score target", evidence("scoreTarget", null),
                        new Action("PATCH", "/v1/applications/" + id, body("scoreTarget", 80))));
                return;
            }
            Double average = s.average30d(app);
            if (average == null || average < app.scoreTarget()) {
                Map<String, Object> ev = evidence("scoreTarget", app.scoreTarget());
                ev.put("averageScore30d", average == null ? null : round(average, 2));
                misses.add(new Miss(id + (average == null ? " has no scored sessions in the 30 days ending " + s.in.to()
                        : " has a 30-day average of " + round(average, 2)) + ", below its target " + app.scoreTarget(), ev,
                        remediation("Bring " + id + "'s 30-day governance score to its target " + app.scoreTarget(), "6.2", id, s.in.to())));
            }
        });
        return new Measured(verdict(all(s.apps.size(), withTarget), all(s.apps.size(), met)), e, misses);
    }

    private static Measured impactAssessment(Slice s) {
        long signed = s.count(a -> a.signedDeploymentRecords() > 0);
        Map<String, Object> e = evidence("applications", (long) s.apps.size());
        e.put("withSignedDeploymentRecord", signed);
        List<Miss> misses = new ArrayList<>();
        s.single(app -> {
            if (app.signedDeploymentRecords() > 0) return;
            Map<String, Object> deployment = body("applicationId", app.applicationId());
            deployment.put("version", "1.0.0");
            deployment.put("intendedUse", "what " + app.applicationId() + " decides, for whom, and its limits");
            deployment.put("environment", "production");
            deployment.put("adapter", Map.of());
            deployment.put("deployedAt", s.in.to() + "T00:00:00Z");
            misses.add(new Miss(app.applicationId() + " has no signed deployment context record", evidence("signedDeploymentRecords", 0L),
                    new Action("POST", "/v1/deployments", deployment)));
        });
        return new Measured(verdict(threshold(fraction(signed, s.apps.size()), 1.0)), e, misses);
    }

    private static Measured documentation(Slice s) {
        long sessions = s.sum(Contribution.SESSIONS);
        double anchored = fraction(s.sum(Contribution.ANCHORED), sessions);
        long configured = s.count(a -> a.guardrailConfigVersions() > 0);
        Map<String, Object> e = evidence("sessions", sessions);
        e.put("anchorCoverage", round(anchored, 4));
        e.put("guardrailConfigVersions", s.apps.stream().mapToLong(PostureInputs.App::guardrailConfigVersions).sum());
        List<Miss> misses = new ArrayList<>();
        s.single(app -> {
            String id = app.applicationId();
            if (sessions == 0) {
                misses.add(new Miss(id + " has no sessions in the period", evidence("sessions", 0L),
                        new Action("POST", "/v1/sessions", exampleSession(id, s.in.to()))));
            } else if (anchored < 0.99) {
                Map<String, Object> ev = evidence("sessions", sessions);
                ev.put("anchored", s.sum(Contribution.ANCHORED));
                ev.put("anchorCoverage", round(anchored, 4));
                misses.add(new Miss(id + " has " + s.sum(Contribution.ANCHORED) + " of " + sessions
                        + " sessions anchored (99% needed); anchoring runs on its schedule and retries failures", ev,
                        remediation("Restore anchoring of " + id + "'s sessions", "8.4", id, s.in.to())));
            }
            if (app.guardrailConfigVersions() == 0) {
                Map<String, Object> guardrail = body("name", "pii-filter");
                guardrail.put("enabled", true);
                Map<String, Object> config = body("guardrails", List.of(guardrail));
                config.put("note", "initial configuration");
                misses.add(new Miss(id + " has no versioned guardrail configuration", evidence("guardrailConfigVersions", 0L),
                        new Action("PUT", "/v1/applications/" + id + "/guardrails", config)));
            }
        });
        return new Measured(verdict(sessions > 0 ? Check.MET : Check.NONE, threshold(anchored, 0.99), all(s.apps.size(), configured)), e, misses);
    }

    private static Measured responsibleUse(Slice s) {
        long sessions = s.sum(Contribution.SESSIONS);
        long required = s.sum(Contribution.OVERSIGHT_REQUIRED);
        double oversight = fraction(s.sum(Contribution.OVERSIGHT_HAD), required);
        double grounding = fraction(s.sum(Contribution.GROUNDED), sessions);
        Map<String, Object> e = evidence("oversightRequired", required);
        e.put("humanOversightCoverage", round(oversight, 4));
        e.put("groundingRecorded", round(grounding, 4));
        Check oversightCheck = required == 0 ? (sessions > 0 ? Check.MET : Check.NONE) : threshold(oversight, 0.95);
        Check groundingCheck = threshold(grounding, 0.8);
        List<Miss> misses = new ArrayList<>();
        s.single(app -> {
            String id = app.applicationId();
            if (oversightCheck != Check.MET && required > 0) {
                long waiting = required - s.sum(Contribution.OVERSIGHT_HAD);
                Map<String, Object> ev = evidence("oversightRequired", required);
                ev.put("oversightHad", s.sum(Contribution.OVERSIGHT_HAD));
                ev.put("humanOversightCoverage", round(oversight, 4));
                Map<String, Object> review = body("outcome", "APPROVED");
                review.put("reviewer", "reviewer-id");
                review.put("note", "reviewed the decision and its reasoning");
                misses.add(new Miss(id + ": " + s.sum(Contribution.OVERSIGHT_HAD) + " of " + required
                        + " sessions that required human oversight had it (95% needed); " + waiting
                        + " wait in GET /v1/review-queue?applicationId=" + id, ev,
                        new Action("POST", "/v1/sessions/{sessionId}/reviews", review)));
            }
            if (groundingCheck != Check.MET && sessions > 0) {
                Map<String, Object> ev = evidence("sessions", sessions);
                ev.put("grounded", s.sum(Contribution.GROUNDED));
                ev.put("groundingRecorded", round(grounding, 4));
                Map<String, Object> session = exampleSession(id, s.in.to());
                session.put("grounding", Map.of("status", "GROUNDED", "sources", 3));
                misses.add(new Miss(id + " records grounding on " + s.sum(Contribution.GROUNDED) + " of " + sessions
                        + " sessions (80% needed)", ev, new Action("POST", "/v1/sessions", session)));
            }
        });
        return new Measured(verdict(oversightCheck, groundingCheck), e, misses);
    }

    private static Measured monitoring(Slice s) {
        long sessions = s.sum(Contribution.SESSIONS);
        long health = s.apps.stream().mapToLong(PostureInputs.App::sdkHealthReports).sum();
        Map<String, Object> e = evidence("scoreMeasured", sessions > 0);
        e.put("guardrailFailureRate", sessions == 0 ? null : round(fraction(s.sum(Contribution.GUARDRAIL_FAILURES), sessions), 4));
        e.put("anchorCoverageMeasured", sessions > 0);
        e.put("oversightCoverageMeasured", s.sum(Contribution.OVERSIGHT_REQUIRED) > 0);
        e.put("sdkHealthReports", health);
        List<Miss> misses = new ArrayList<>();
        s.single(app -> {
            String id = app.applicationId();
            if (sessions == 0) {
                misses.add(new Miss(id + " has no sessions in the period: nothing is measured", evidence("sessions", 0L),
                        new Action("POST", "/v1/sessions", exampleSession(id, s.in.to()))));
                return;
            }
            if (s.sum(Contribution.GUARDRAILS_RECORDED) == 0) {
                Map<String, Object> session = exampleSession(id, s.in.to());
                session.put("guardrails", List.of(Map.of("name", "pii-filter", "action", "ALLOWED")));
                misses.add(new Miss(id + " records no guardrail results: the guardrail failure rate is not measured",
                        evidence("sessionsWithGuardrails", 0L), new Action("POST", "/v1/sessions", session)));
            }
            if (s.sum(Contribution.OVERSIGHT_REQUIRED) == 0) {
                Map<String, Object> session = exampleSession(id, s.in.to());
                session.put("humanOversight", Map.of("required", true, "type", "HUMAN_IN_THE_LOOP", "reviewer", "reviewer-id"));
                misses.add(new Miss(id + " has no session that required human oversight: oversight coverage is not measured",
                        evidence("oversightRequired", 0L), new Action("POST", "/v1/sessions", session)));
            }
            if (s.sum(Contribution.ANCHORED) == 0) {
                misses.add(new Miss(id + " has no anchored session in the period", evidence("anchored", 0L),
                        remediation("Restore anchoring of " + id + "'s sessions", "9.1", id, s.in.to())));
            }
            if (app.sdkHealthReports() == 0) {
                Map<String, Object> report = body("applicationId", id);
                report.put("sdk", Map.of("name", "veriproof-python", "version", "1.4.2"));
                report.put("exportSuccessRate", 1.0);
                report.put("circuitBreaker", "CLOSED");
                report.put("reportedAt", s.in.to() + "T00:00:00Z");
                misses.add(new Miss(id + " sent no SDK health report in the period", evidence("sdkHealthReports", 0L),
                        new Action("POST", "/v1/sdk-health", report)));
            }
        });
        return new Measured(verdict(sessions > 0 ? Check.MET : Check.NONE, s.sum(Contribution.GUARDRAILS_RECORDED) > 0 ? Check.MET : Check.NONE,
                s.sum(Contribution.ANCHORED) > 0 ? Check.MET : Check.NONE, s.sum(Contribution.OVERSIGHT_REQUIRED) > 0 ? Check.MET : Check.NONE,
                health > 0 ? Check.MET : Check.NONE), e, misses);
    }

    private static Measured managementReview(Slice s) {
        int exports = s.in.tenant().successfulExports();
        List<Miss> misses = new ArrayList<>();
        if (exports == 0) {
            Map<String, Object> export = body("framework", "ISO_42001");
            export.put("from", s.in.from().toString());
            export.put("to", s.in.to().toString());
            misses.add(new Miss("no evidence export was generated in the period", evidence("earlierExportsInPeriod", 0),
                    new Action("POST", "/v1/exports", export)));
        }
        return new Measured(verdict(exports > 0 ? Check.MET : Check.NONE), evidence("earlierExportsInPeriod", exports), misses);
    }

    private static Measured nonconformity(Slice s) {
        List<Incident> incidents = s.incidents;
        long corrected = incidents.stream().filter(Incident::corrected).count();
        Map<String, Object> e = evidence("incidents", (long) incidents.size());
        e.put("alerts", countType(incidents, Incident.Type.ALERT));
        e.put("highRiskWithoutOversight", countType(incidents, Incident.Type.HIGH_RISK_WITHOUT_OVERSIGHT));
        e.put("guardrailBypasses", countType(incidents, Incident.Type.GUARDRAIL_BYPASS));
        e.put("anchoringFailures", countType(incidents, Incident.Type.ANCHORING_FAILURE));
        e.put("withCorrectiveAction", corrected);
        List<Miss> misses = new ArrayList<>();
        // per application in an application's slice; the incidents of no application in the whole one
        List<Incident> open = incidents.stream().filter(i -> !i.corrected())
                .filter(i -> s.app == null ? i.applicationId() == null : true).toList();
        for (Incident i : open.subList(0, Math.min(open.size(), INCIDENT_FINDINGS_PER_APPLICATION))) {
            Map<String, Object> ev = evidence("incidentId", i.incidentId());
            ev.put("type", i.type().json());
            ev.put("at", i.at().toString());
            misses.add(new Miss(describe(i) + " has no corrective action", ev, correction(i, s.in.to())));
        }
        Check c = incidents.isEmpty() ? Check.MET : threshold(fraction(corrected, incidents.size()), 1.0);
        return new Measured(verdict(c), e, misses);
    }

    private static Measured roles(Slice s) {
        int logged = s.in.tenant().keyAssignmentsLogged();
        List<Miss> misses = new ArrayList<>();
        if (logged == 0) {
            Map<String, Object> key = body("role", "auditor");
            key.put("name", "external auditor");
            misses.add(new Miss("the audit log shows no API key assignment", evidence("keyAssignmentsLogged", 0),
                    new Action("POST", "/v1/keys", key)));
        }
        return new Measured(verdict(logged > 0 ? Check.MET : Check.NONE), evidence("keyAssignmentsLogged", logged), misses);
    }

    private static Measured stakeholders(Slice s) {
        PostureInputs.Tenant t = s.in.tenant();
        Map<String, Object> e = evidence("auditorKeys", t.auditorKeys());
        e.put("downloadsLogged", t.downloadsLogged());
        List<Miss> misses = new ArrayList<>();
        if (t.auditorKeys() == 0) misses.add(auditorKeyMiss());
        if (t.downloadsLogged() == 0) {
            misses.add(new Miss("no export download is logged", evidence("downloadsLogged", 0),
                    new Action("GET", "/v1/exports/{exportId}/download", null)));
        }
        return new Measured(verdict(t.auditorKeys() > 0 ? Check.MET : Check.NONE, t.downloadsLogged() > 0 ? Check.MET : Check.NONE), e, misses);
    }

    private static Measured dataGovernance(Slice s) {
        long redacted = s.count(PostureInputs.App::redactionConfigured);
        List<Miss> misses = new ArrayList<>();
        s.single(app -> {
            if (app.redactionConfigured()) return;
            Map<String, Object> policy = body("captureContent", false);
            policy.put("redactFields", List.of("attributes.customerId"));
            misses.add(new Miss(app.applicationId() + " has no redaction policy", evidence("redactionConfigured", false),
                    new Action("PATCH", "/v1/applications/" + app.applicationId(), body("redaction", policy))));
        });
        return new Measured(verdict(threshold(fraction(redacted, s.apps.size()), 1.0)), evidence("applicationsWithRedactionPolicy", redacted), misses);
    }

    private static Measured dataQuality(Slice s) {
        long sessions = s.sum(Contribution.SESSIONS);
        double guardrails = fraction(s.sum(Contribution.GUARDRAILS_RECORDED), sessions);
        double oversight = fraction(s.sum(Contribution.OVERSIGHT_RECORDED), sessions);
        double grounding = fraction(s.sum(Contribution.GROUNDED), sessions);
        double annotations = sessions == 0 ? 0 : (guardrails + oversight + grounding) / 3;
        Map<String, Object> e = evidence("annotationCoverage", round(annotations, 4));
        e.put("guardrails", round(guardrails, 4));
        e.put("oversight", round(oversight, 4));
        e.put("grounding", round(grounding, 4));
        List<Miss> misses = new ArrayList<>();
        s.single(app -> {
            if (annotations >= 0.8) return;
            Map<String, Object> session = exampleSession(app.applicationId(), s.in.to());
            session.put("guardrails", List.of(Map.of("name", "pii-filter", "action", "ALLOWED")));
            session.put("humanOversight", Map.of("required", false, "type", "HUMAN_ON_THE_LOOP"));
            session.put("grounding", Map.of("status", "GROUNDED", "sources", 3));
            misses.add(new Miss(app.applicationId() + " annotates " + Math.round(annotations * 100)
                    + "% of its sessions (guardrails, oversight, grounding; 80% needed)", new LinkedHashMap<>(e),
                    new Action("POST", "/v1/sessions", session)));
        });
        return new Measured(verdict(threshold(annotations, 0.8)), e, misses);
    }

    private static Measured logging(Slice s) {
        boolean intact = s.in.tenant().auditChainIntact();
        boolean anchoring = s.sum(Contribution.ANCHORED) > 0;
        Map<String, Object> e = evidence("auditChainIntact", intact);
        e.put("anchoringActive", anchoring);
        List<Miss> misses = new ArrayList<>();
        if (!intact) {
            misses.add(new Miss("the audit log's hash chain does not verify (GET /v1/audit-log/verify names the first broken entry)",
                    evidence("auditChainIntact", false), remediation("Investigate the broken audit log chain", "A.9.1", null, s.in.to())));
        }
        if (!anchoring) {
            misses.add(new Miss("no session of the period was anchored", evidence("anchoringActive", false),
                    remediation("Restore anchoring", "A.9.1", null, s.in.to())));
        }
        return new Measured(verdict(intact ? Check.MET : Check.NONE, anchoring ? Check.MET : Check.NONE), e, misses);
    }

    private static Measured transparency(Slice s) {
        int auditors = s.in.tenant().auditorKeys();
        long anchored = s.sum(Contribution.ANCHORED);
        Map<String, Object> e = evidence("auditorKeys", auditors);
        e.put("anchoredSessions", anchored);
        List<Miss> misses = new ArrayList<>();
        if (auditors == 0) misses.add(auditorKeyMiss());
        if (anchored == 0) {
            misses.add(new Miss("no session of the period was anchored, so there is no proof to show", evidence("anchoredSessions", 0L),
                    remediation("Restore anchoring", "A.10.1", null, s.in.to())));
        }
        return new Measured(verdict(auditors > 0 ? Check.MET : Check.NONE, anchored > 0 ? Check.MET : Check.NONE), e, misses);
    }

    // ------------------------------------------------------------------ helpers

    private static Miss auditorKeyMiss() {
        Map<String, Object> key = body("role", "auditor");
        key.put("name", "external auditor");
        return new Miss("no active auditor key", evidence("auditorKeys", 0), new Action("POST", "/v1/keys", key));
    }

    private static String describe(Incident i) {
        return switch (i.type()) {
            case ALERT -> "alert " + i.alertId() + " of " + i.applicationId();
            case HIGH_RISK_WITHOUT_OVERSIGHT -> "high-risk session " + i.sessionId() + " of " + i.applicationId() + " (no human oversight)";
            case GUARDRAIL_BYPASS -> "session " + i.sessionId() + " of " + i.applicationId() + " (guardrail bypassed)";
            case ANCHORING_FAILURE -> "anchoring failure of " + i.at();
        };
    }

    /** The call that records a corrective action for the incident. */
    private static Action correction(Incident i, LocalDate to) {
        return switch (i.type()) {
            case ALERT -> new Action("POST", "/v1/alerts/" + i.alertId() + "/resolve",
                    body("note", "corrective action taken: what was found and what was changed"));
            case HIGH_RISK_WITHOUT_OVERSIGHT, GUARDRAIL_BYPASS -> {
                Map<String, Object> review = body("outcome", "APPROVED");
                review.put("reviewer", "reviewer-id");
                review.put("note", "reviewed after the fact: what was found and what was changed");
                yield new Action("POST", "/v1/sessions/" + i.sessionId() + "/reviews", review);
            }
            case ANCHORING_FAILURE -> {
                Action a = remediation("Anchoring failure of " + i.at(), "10.2", null, to);
                a.body().put("incidentId", i.incidentId());
                yield a;
            }
        };
    }

    private static Action remediation(String gap, String controlId, String applicationId, LocalDate to) {
        Map<String, Object> body = body("gap", gap);
        body.put("owner", "compliance-officer@example.com");
        body.put("dueDate", to.plusDays(30).toString());
        body.put("controlId", controlId);
        body.put("applicationId", applicationId);
        return new Action("POST", "/v1/remediations", body);
    }

    private static Map<String, Object> exampleSession(String applicationId, LocalDate to) {
        Map<String, Object> session = body("sessionId", applicationId + "-0001");
        session.put("applicationId", applicationId);
        session.put("startedAt", to + "T12:00:00Z");
        return session;
    }

    private static long countType(List<Incident> incidents, Incident.Type type) {
        return incidents.stream().filter(i -> i.type() == type).count();
    }

    /** The applications (all of them, or one) and incidents a verdict is computed over. */
    private static final class Slice {
        final PostureInputs in;
        final List<PostureInputs.App> apps;
        final List<Incident> incidents;
        final PostureInputs.App app;
        private final Map<String, Long> totals = new LinkedHashMap<>();

        Slice(PostureInputs in, List<PostureInputs.App> apps, List<Incident> incidents, PostureInputs.App app) {
            this.in = in;
            this.apps = apps;
            this.incidents = incidents;
            this.app = app;
            for (PostureInputs.App a : apps) {
                for (DailyRollup r : a.rollups()) r.counters().forEach((k, v) -> totals.merge(k, v, Long::sum));
            }
        }

        Slice only(PostureInputs.App one) {
            return new Slice(in, List.of(one), incidents.stream().filter(i -> one.applicationId().equals(i.applicationId())).toList(), one);
        }

        /** Runs {@code action} for the slice's application when it is one application's slice. */
        void single(java.util.function.Consumer<PostureInputs.App> action) {
            if (app != null) action.accept(app);
        }

        long sum(String counter) {
            read(counter);
            return totals.getOrDefault(counter, 0L);
        }

        private static long counter(DailyRollup r, String counter) {
            read(counter);
            return r.get(counter);
        }

        private static void read(String counter) {
            if (!COUNTERS.contains(counter)) throw new IllegalStateException("the posture reads " + counter + ": add it to Iso42001.COUNTERS");
        }

        long count(Predicate<PostureInputs.App> p) {
            return apps.stream().filter(p).count();
        }

        int daysWithSessions(PostureInputs.App a) {
            return (int) a.rollups().stream().filter(r -> counter(r, Contribution.SESSIONS) > 0).map(DailyRollup::day).distinct().count();
        }

        double dayShare(PostureInputs.App a) {
            return (double) daysWithSessions(a) / in.days();
        }

        /** The average score over the 30 days ending with the period's last day (within the period); null without sessions. */
        Double average30d(PostureInputs.App a) {
            long n = 0;
            long sum = 0;
            for (DailyRollup r : a.rollups()) {
                if (r.day().isAfter(in.to()) || !r.day().isAfter(in.to().minusDays(30))) continue;
                n += counter(r, Contribution.SESSIONS);
                sum += counter(r, Contribution.SCORE_SUM);
            }
            return n == 0 ? null : (double) sum / n;
        }
    }

    enum Check { MET, SOME, NONE }

    private static Verdict verdict(Check... checks) {
        boolean allMet = true;
        boolean any = false;
        for (Check c : checks) {
            allMet &= c == Check.MET;
            any |= c != Check.NONE;
        }
        return allMet ? Verdict.COVERED : any ? Verdict.PARTIAL : Verdict.GAP;
    }

    private static Check threshold(double value, double threshold) {
        return value >= threshold ? Check.MET : value >= threshold / 2 && value > 0 ? Check.SOME : Check.NONE;
    }

    private static Check all(long of, long met) {
        return of > 0 && met == of ? Check.MET : met > 0 ? Check.SOME : Check.NONE;
    }

    private static double fraction(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    static double round(double v, int places) {
        return BigDecimal.valueOf(v).setScale(places, RoundingMode.HALF_UP).doubleValue();
    }

    private static Map<String, Object> evidence(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        return m;
    }

    private static Map<String, Object> body(String key, Object value) {
        return evidence(key, value);
    }
}
