package dev.veriproof.core.posture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.aggregation.Contribution;
import dev.veriproof.core.aggregation.DailyRollup;
import dev.veriproof.core.alerts.Alert;
import dev.veriproof.core.alerts.AlertKind;
import dev.veriproof.core.alerts.AlertStatus;
import dev.veriproof.core.alerts.Severity;
import dev.veriproof.core.anchoring.AnchorLedger;
import dev.veriproof.core.evidence.AnchoringIncidents;
import dev.veriproof.core.evidence.Verdict;
import dev.veriproof.core.governance.PlanItem;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Iso42001Test {
    private static final LocalDate FROM = LocalDate.parse("2026-11-01");
    private static final LocalDate TO = LocalDate.parse("2026-11-10");
    private static final Instant AT = Instant.parse("2026-11-05T10:00:00Z");
    private static final PostureInputs.Tenant GOOD_TENANT = new PostureInputs.Tenant(1, 3, 1, 1, true);

    /** Ten days of sessions: every one anchored, grounded, with guardrails and oversight recorded. */
    private static List<DailyRollup> fullDays(String app) {
        List<DailyRollup> days = new ArrayList<>();
        for (LocalDate d = FROM; !d.isAfter(TO); d = d.plusDays(1)) {
            days.add(new DailyRollup(app, d, Map.of(Contribution.SESSIONS, 10L, Contribution.SCORE_SUM, 900L, Contribution.ANCHORED, 10L,
                    Contribution.GROUNDED, 10L, Contribution.GUARDRAILS_RECORDED, 10L, Contribution.OVERSIGHT_RECORDED, 10L,
                    Contribution.OVERSIGHT_REQUIRED, 2L, Contribution.OVERSIGHT_HAD, 2L)));
        }
        return days;
    }

    private static PostureInputs.App app(String id, int deployments, List<DailyRollup> rollups) {
        return new PostureInputs.App(id, true, 1, 80, deployments, true, 1, 1, rollups);
    }

    private static Map<String, Iso42001.Control> controls(PostureInputs in) {
        Map<String, Iso42001.Control> byId = new java.util.LinkedHashMap<>();
        Iso42001.evaluate(in).controls().forEach(c -> byId.put(c.id(), c));
        return byId;
    }

    @Test
    void aFullyEvidencedPeriodIsCoveredEverywhereAndHasNoFindings() {
        var in = new PostureInputs(FROM, TO, List.of(app("a", 1, fullDays("a"))), GOOD_TENANT, List.of(), List.of());
        Map<String, Iso42001.Control> c = controls(in);
        assertEquals(15, c.size());
        c.values().forEach(control -> {
            assertEquals(Verdict.COVERED, control.verdict(), control.id());
            assertTrue(control.findings().isEmpty(), control.id());
        });
    }

    @Test
    void eachApplicationGetsItsOwnVerdictAndOnlyTheOneMissingSomethingGetsAFinding() {
        var in = new PostureInputs(FROM, TO, List.of(app("b", 0, fullDays("b")), app("a", 1, fullDays("a"))), GOOD_TENANT, List.of(), List.of());
        Iso42001.Control impact = controls(in).get("8.2; A.2.2");
        assertEquals(Verdict.PARTIAL, impact.verdict());
        assertEquals(List.of("a", "b"), impact.applications().stream().map(Iso42001.AppVerdict::applicationId).toList(), "in id order");
        assertEquals(Verdict.COVERED, impact.applications().get(0).verdict());
        assertEquals(Verdict.GAP, impact.applications().get(1).verdict());
        assertEquals(1, impact.findings().size());
        Iso42001.Finding f = impact.findings().get(0);
        assertEquals("b", f.applicationId());
        assertEquals("/v1/deployments", f.action().path());
        assertEquals("b", f.action().body().get("applicationId"));
    }

    @Test
    void oversightCoverageBelowThresholdIsPartialAboveHalfAndGapBelow() {
        List<DailyRollup> half = new ArrayList<>();
        for (DailyRollup r : fullDays("a")) {
            Map<String, Long> counters = new java.util.HashMap<>(r.counters());
            counters.put(Contribution.OVERSIGHT_HAD, r.day().getDayOfMonth() <= 6 ? 2L : 0L); // 12 of 20: 60%, above half of 95%
            half.add(new DailyRollup("a", r.day(), counters));
        }
        Iso42001.Control use = controls(new PostureInputs(FROM, TO, List.of(app("a", 1, half)), GOOD_TENANT, List.of(), List.of())).get("8.6; A.10.3");
        assertEquals(Verdict.PARTIAL, use.verdict());
        assertEquals(0.6, use.evidence().get("humanOversightCoverage"));
        assertEquals("/v1/sessions/{sessionId}/reviews", use.findings().get(0).action().path());
    }

    @Test
    void improvementCountsOpenGapsPlannedByAnOwnedRemediation() {
        var noDeployment = app("b", 0, fullDays("b"));
        var in = new PostureInputs(FROM, TO, List.of(noDeployment), GOOD_TENANT, List.of(), List.of());
        Iso42001.Control improvement = controls(in).get("10.1");
        assertEquals(Verdict.GAP, improvement.verdict());
        assertEquals(1L, improvement.evidence().get("openGaps"));
        assertEquals("8.2", improvement.findings().get(0).action().body().get("controlId"));

        PlanItem unowned = remediation("rem_1", "A.2.2", "b", " ", "OPEN", null);
        PlanItem done = remediation("rem_2", "8.2", "b", "dana", "DONE", null);
        assertEquals(Verdict.GAP, controls(new PostureInputs(FROM, TO, List.of(noDeployment), GOOD_TENANT, List.of(), List.of(unowned, done)))
                .get("10.1").verdict(), "no owner, or done while the gap is still open: not planned");
        PlanItem tenantWide = remediation("rem_3", "A.2.2", null, "dana", "IN_PROGRESS", null);
        var planned = controls(new PostureInputs(FROM, TO, List.of(noDeployment), GOOD_TENANT, List.of(), List.of(unowned, tenantWide)));
        assertEquals(Verdict.COVERED, planned.get("10.1").verdict());
        assertEquals(List.of("rem_1", "rem_3"), planned.get("8.2; A.2.2").findings().get(0).remediations().stream().map(PlanItem::id).toList());
    }

    @Test
    void incidentsAreCorrectedByAReviewAResolvedAlertTheyCountedInOrALinkedRemediation() {
        Alert resolved = alert("alt_1", AlertStatus.RESOLVED, "fixed the prompt");
        Alert open = alert("alt_2", AlertStatus.OPEN, null);
        SessionIncident reviewed = new SessionIncident("s1", "a", AT, EnumSet.of(Incident.Type.GUARDRAIL_BYPASS), "LOW", Set.of(),
                new SessionIncident.ReviewMark("rev_1", AT.plusSeconds(60), "u-17", "ok"));
        SessionIncident viaAlert = new SessionIncident("s2", "a", AT, EnumSet.of(Incident.Type.HIGH_RISK_WITHOUT_OVERSIGHT), "HIGH",
                Set.of("alt_2", "alt_1"), null);
        SessionIncident both = new SessionIncident("s3", "a", AT, EnumSet.of(Incident.Type.GUARDRAIL_BYPASS, Incident.Type.HIGH_RISK_WITHOUT_OVERSIGHT),
                "CRITICAL", Set.of("alt_2"), null);
        SessionIncident otherApp = new SessionIncident("s4", "z", AT, EnumSet.of(Incident.Type.GUARDRAIL_BYPASS), "LOW", Set.of(), null);
        var failure = new AnchorLedger.Incident(AT, "chain down", 4, Optional.empty());
        PlanItem linked = remediation("rem_9", "10.2", "a", "dana", "OPEN", "guardrail_bypass:s3");
        List<Incident> incidents = Incidents.of(FROM, TO, Set.of("a"), true, List.of(resolved, open), List.of(reviewed, viaAlert, both, otherApp),
                new AnchoringIncidents(List.of(failure), Optional.of(AT.plusSeconds(300))), List.of(linked));
        Map<String, Incident> byId = new java.util.HashMap<>();
        incidents.forEach(i -> byId.put(i.incidentId(), i));
        assertEquals(Set.of("alert:alt_1", "alert:alt_2", "guardrail_bypass:s1", "high_risk_without_oversight:s2", "guardrail_bypass:s3",
                "high_risk_without_oversight:s3", "anchoring_failure:" + AT), byId.keySet(), "another application's incident is out of view");
        assertEquals("alert_resolution", byId.get("alert:alt_1").correctiveAction().type());
        assertNull(byId.get("alert:alt_2").correctiveAction());
        assertEquals("review", byId.get("guardrail_bypass:s1").correctiveAction().type());
        assertEquals("alt_1", byId.get("high_risk_without_oversight:s2").correctiveAction().reference(), "the resolved alert it counted in");
        assertEquals("rem_9", byId.get("guardrail_bypass:s3").correctiveAction().reference());
        assertNull(byId.get("high_risk_without_oversight:s3").correctiveAction(), "the remediation names the other incident");
        assertEquals("anchoring_retry", byId.get("anchoring_failure:" + AT).correctiveAction().type());

        var in = new PostureInputs(FROM, TO, List.of(app("a", 1, fullDays("a"))), GOOD_TENANT, incidents, List.of(linked));
        Iso42001.Control nonconformity = controls(in).get("10.2");
        assertEquals(7L, nonconformity.evidence().get("incidents"));
        assertEquals(5L, nonconformity.evidence().get("withCorrectiveAction"));
        assertEquals(Verdict.PARTIAL, nonconformity.verdict());
        assertEquals(List.of("/v1/alerts/alt_2/resolve", "/v1/sessions/s3/reviews"),
                nonconformity.findings().stream().map(f -> f.action().path()).toList());
    }

    private static Alert alert(String id, AlertStatus status, String resolution) {
        return new Alert("t", id, "rule", "a", AlertKind.SESSION_CONDITION, Severity.HIGH, status, 1.0, null, 2, AT, AT, null, null,
                status == AlertStatus.RESOLVED ? AT.plusSeconds(600) : null, status == AlertStatus.RESOLVED ? "key-admin" : null, resolution);
    }

    private static PlanItem remediation(String id, String controlId, String app, String owner, String status, String incidentId) {
        return new PlanItem(PlanItem.Kind.REMEDIATION, "t", id, "gap " + id, null, owner, TO.plusDays(30), status, app, controlId, incidentId,
                null, 1, AT, "key-admin", AT, "key-admin");
    }
}
