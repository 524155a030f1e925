package dev.veriproof.scoring;

import dev.veriproof.adapters.Log;
import dev.veriproof.core.aggregation.ApplicationMetrics;
import dev.veriproof.core.aggregation.Contribution;
import dev.veriproof.core.aggregation.DailyRollup;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.alerts.Alert;
import dev.veriproof.core.alerts.AlertKind;
import dev.veriproof.core.alerts.AlertRule;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.alerts.MetricCheck;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.posture.IncidentStore;
import dev.veriproof.core.posture.SessionIncident;
import dev.veriproof.core.risk.RiskClassifier;
import dev.veriproof.core.risk.RiskStore;
import dev.veriproof.core.session.RiskLevel;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the sessions stream drives (SPEC §5, §7): per-session alert rules, the session incidents of ISO/IEC 42001 10.2,
 * the daily rollups, the application's risk classification and its metric alert rules. Every step is idempotent, so a
 * replayed or overlapping batch changes nothing: rollups and per-session occurrences count through
 * markers, and risk and metric alerts are recomputed from the rollups' state.
 */
public final class Aggregation {
    private final RollupStore rollups;
    private final RiskStore risks;
    private final AlertStore alerts;
    private final ApplicationStore applications;
    private final Notifications notifications;
    private final IncidentStore incidents;
    private final Clock clock;

    public Aggregation(RollupStore rollups, RiskStore risks, AlertStore alerts, ApplicationStore applications,
                       Notifications notifications, IncidentStore incidents, Clock clock) {
        this.rollups = rollups;
        this.risks = risks;
        this.alerts = alerts;
        this.applications = applications;
        this.notifications = notifications;
        this.incidents = incidents;
        this.clock = clock;
    }

    private record Group(String tenantId, String applicationId, LocalDate day) {
    }

    private record App(String tenantId, String applicationId) {
    }

    /** Processes the events in stream order; answers the sequence numbers of those that failed. */
    public List<String> process(List<SessionEvent> events) {
        Set<String> failed = new LinkedHashSet<>();
        Map<String, List<AlertRule>> rulesByTenant = new HashMap<>();
        Map<App, Long> newlyCounted = new LinkedHashMap<>();
        for (SessionEvent event : events) {
            if (event.change() != SessionEvent.Change.STORED) continue;
            try {
                Optional<SessionIncident> incident = SessionIncident.of(event.session());
                incident.ifPresent(i -> incidents.record(event.tenantId(), i));
                sessionRules(event, incident, rulesByTenant.computeIfAbsent(event.tenantId(), alerts::rules));
            } catch (RuntimeException e) {
                Log.error("per-session alert rules or incident failed", e, "tenantId", event.tenantId(), "sessionId", event.sessionId());
                failed.add(event.sequenceNumber());
            }
        }
        Map<Group, List<SessionEvent>> groups = new LinkedHashMap<>();
        Set<String> markers = new HashSet<>();
        for (SessionEvent event : events) {
            if (!markers.add(event.marker())) continue; // one transaction may not touch a marker twice
            groups.computeIfAbsent(new Group(event.tenantId(), event.applicationId(), event.day()), g -> new ArrayList<>()).add(event);
        }
        Instant now = clock.instant();
        for (Map.Entry<Group, List<SessionEvent>> group : groups.entrySet()) {
            Group g = group.getKey();
            App app = new App(g.tenantId(), g.applicationId());
            newlyCounted.putIfAbsent(app, 0L);
            try {
                List<RollupStore.Counted> counted = group.getValue().stream().map(e -> switch (e.change()) {
                    case STORED -> new RollupStore.Counted(e.marker(), Contribution.ofSession(e.session(), e.governanceScore()),
                            e.session().model(), Contribution.ofModel(e.session(), e.governanceScore()));
                    case ANCHORED -> new RollupStore.Counted(e.marker(), Contribution.ofAnchoring());
                    case REVIEWED -> new RollupStore.Counted(e.marker(), Contribution.ofReview());
                }).toList();
                int fresh = rollups.applyOnce(g.tenantId(), g.applicationId(), g.day(), counted, now).size();
                newlyCounted.merge(app, (long) fresh, Long::sum);
            } catch (RuntimeException e) {
                Log.error("rollup update failed", e, "tenantId", g.tenantId(), "applicationId", g.applicationId(), "day", g.day().toString());
                group.getValue().forEach(ev -> failed.add(ev.sequenceNumber()));
            }
        }
        for (Map.Entry<App, Long> app : newlyCounted.entrySet()) {
            App a = app.getKey();
            try {
                evaluate(a.tenantId(), a.applicationId(), app.getValue() > 0, rulesByTenant.computeIfAbsent(a.tenantId(), alerts::rules));
            } catch (RuntimeException e) {
                Log.error("risk and metric rule evaluation failed", e, "tenantId", a.tenantId(), "applicationId", a.applicationId());
                events.stream().filter(ev -> ev.tenantId().equals(a.tenantId()) && ev.applicationId().equals(a.applicationId()))
                        .forEach(ev -> failed.add(ev.sequenceNumber()));
            }
        }
        return List.copyOf(failed);
    }

    /** Per-session rules; a session that is an incident notes each alert it counts in (a corrective action may resolve it). */
    private void sessionRules(SessionEvent event, Optional<SessionIncident> incident, List<AlertRule> rules) {
        String application = event.session().applicationId();
        for (AlertRule rule : rules) {
            if (rule.kind() != AlertKind.SESSION_CONDITION || !rule.appliesTo(application)) continue;
            if (!rule.condition().matches(event.session(), event.governanceScore())) continue;
            Instant now = clock.instant();
            AlertStore.Occurrence occurrence = alerts.occur(rule, application, (double) event.governanceScore(), null,
                    event.marker() + "#RULE#" + rule.ruleId(), now);
            if (occurrence.counted() && occurrence.alert() != null) {
                incident.ifPresent(i -> incidents.addAlert(event.tenantId(), i, occurrence.alert().alertId()));
            }
            if (occurrence.opened()) notifications.publish("alert.opened", rule, occurrence.alert(), now);
            else if (occurrence.counted()) notifications.publish("alert.updated", rule, occurrence.alert(), now);
        }
    }

    /** Recomputes the application's risk and metric alerts from its rollups (idempotent). */
    void evaluate(String tenantId, String applicationId, boolean changed, List<AlertRule> rules) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        List<DailyRollup> days = rollups.read(tenantId, applicationId, today.minusDays(29), today);
        ApplicationMetrics metrics = ApplicationMetrics.of(days, today);
        Optional<Application> application = applications.find(tenantId, applicationId);
        RiskLevel effective = null;
        if (application.isPresent()) effective = classify(tenantId, application.get(), days, today, now);
        for (AlertRule rule : rules) {
            if (!rule.kind().isMetric() || !rule.appliesTo(applicationId)) continue;
            if (rule.kind() == AlertKind.SCORE_TARGET_MISSED && application.isEmpty()) continue;
            settle(rule, applicationId, MetricCheck.of(rule, metrics, effective, application.map(Application::scoreTarget).orElse(0)), changed, now);
        }
    }

    /**
     * Opens (or counts an occurrence of) the rule's alert for the application while the check is
     * breached, and resolves it once it is not. {@code changed} false means nothing new happened
     * since the last evaluation (a replay, a clock tick): an open alert is then left as it is.
     */
    void settle(AlertRule rule, String applicationId, MetricCheck check, boolean changed, Instant now) {
        Optional<Alert> open = alerts.openAlert(rule.tenantId(), rule.ruleId(), applicationId);
        if (check.breached()) {
            if (open.isPresent() && !changed) return;
            AlertStore.Occurrence occurrence = alerts.occur(rule, applicationId, check.value(), check.threshold(), null, now);
            if (occurrence.opened()) notifications.publish("alert.opened", rule, occurrence.alert(), now);
        } else if (open.isPresent()) {
            String note = "Resolved automatically: the metric recovered (value " + check.value() + ", threshold " + check.threshold() + ").";
            Optional<Alert> resolved = alerts.resolve(rule.tenantId(), open.get().alertId(), "system", note, now, Optional.empty());
            resolved.ifPresent(alert -> notifications.publish("alert.resolved", rule, alert, now));
        }
    }

    private RiskLevel classify(String tenantId, Application app, List<DailyRollup> days, LocalDate today, Instant now) {
        RiskClassifier.Observation observation = RiskClassifier.observe(days, today);
        RiskLevel effective = RiskClassifier.effective(app.declaredRiskLevel(), observation.level());
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<RiskStore.Classification> current = risks.find(tenantId, app.applicationId());
            String reason = current.isPresent() && current.get().declared() != app.declaredRiskLevel()
                    ? "declared level changed to " + app.declaredRiskLevel() + "; observed: " + observation.reason()
                    : "observed: " + observation.reason();
            RiskStore.Classification next = new RiskStore.Classification(app.declaredRiskLevel(), observation.level(), effective, reason, now, 0);
            if (risks.record(tenantId, app.applicationId(), current, next)) break;
            if (risks.find(tenantId, app.applicationId()).map(c -> c.effective() == effective && c.observed() == observation.level()).orElse(false)) break;
        }
        return effective;
    }
}
