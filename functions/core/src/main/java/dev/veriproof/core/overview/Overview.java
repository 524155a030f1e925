package dev.veriproof.core.overview;

import dev.veriproof.core.aggregation.ApplicationMetrics;
import dev.veriproof.core.aggregation.Contribution;
import dev.veriproof.core.aggregation.DailyRollup;
import dev.veriproof.core.alerts.Alert;
import dev.veriproof.core.alerts.AlertStatus;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.governance.DeploymentRecord;
import dev.veriproof.core.governance.SdkHealthState;
import dev.veriproof.core.risk.RiskClassifier;
import dev.veriproof.core.session.GuardrailAction;
import dev.veriproof.core.session.RiskLevel;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Compliance Center's overview (SPEC §14, {@code GET /v1/overview?days=}): tenant figures over
 * the last {@code days} days and one card per application, computed from rollups and governance
 * items only (no session is read). The record's components are the response's fields, in order.
 *
 * @param anchorCoverage  anchored sessions / sessions of the period, null without sessions
 * @param guardrailActivity sessions per guardrail action in the period (a session counts once per
 *                        action it used)
 */
public record Overview(Instant asOf, int days, LocalDate from, LocalDate to, long sessions, Double anchorCoverage,
                       Double averageScore, Alerts alerts, Map<String, Long> applicationsByEffectiveRisk,
                       Map<String, Long> guardrailActivity, List<Card> applications) {
    public static final int MAX_DAYS = 90;
    public static final int DEFAULT_DAYS = 30;
    /** Alerts listed in {@link Alerts#recent}. */
    public static final int RECENT_ALERTS = 10;

    /**
     * @param open            alerts OPEN now
     * @param acknowledged    alerts ACKNOWLEDGED (not yet resolved) now
     * @param resolvedInPeriod alerts resolved within the period
     * @param recent          the {@link #RECENT_ALERTS} most recently changed alerts that are unresolved or were resolved in the period
     */
    public record Alerts(long open, long acknowledged, long resolvedInPeriod, List<AlertLine> recent) {
    }

    public record AlertLine(String id, String applicationId, String kind, String severity, String status, Instant openedAt,
                            Instant resolvedAt) {
    }

    /**
     * One application: 7/30-day scores (null without sessions), whether the 7-day average meets the
     * target (null without sessions, as in {@code /metrics}), the effective risk level, the sessions
     * waiting for review, the last deployment record and the SDK health in one word.
     */
    public record Card(String applicationId, String name, long sessions, Double score7d, Double score30d, int scoreTarget,
                       Boolean meetsTarget, String effectiveRisk, long awaitingReview, Deployment lastDeployment, String sdkHealth) {
    }

    public record Deployment(String version, Instant deployedAt) {
    }

    /** What the overview reads of one application. */
    public record ApplicationFacts(Application application, List<DailyRollup> rollups, RiskLevel observedRisk, long awaitingReview,
                                   Optional<DeploymentRecord> lastDeployment, List<SdkHealthState> sdkStates) {
    }

    /** The rollup days an overview of {@code days} needs: at least the 30 of the 30-day score. */
    public static LocalDate firstDayNeeded(LocalDate today, int days) {
        return today.minusDays(Math.max(days, 30) - 1L);
    }

    public static Overview of(int days, Instant now, List<ApplicationFacts> applications, List<Alert> alerts) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate from = today.minusDays(days - 1L);
        Map<String, Long> totals = new LinkedHashMap<>();
        Map<String, Long> byRisk = new LinkedHashMap<>();
        for (RiskLevel level : RiskLevel.values()) if (level != RiskLevel.MINIMAL) byRisk.put(level.name(), 0L);
        List<Card> cards = new ArrayList<>();
        for (ApplicationFacts facts : applications) {
            ApplicationMetrics.Window period = ApplicationMetrics.window(facts.rollups(), today, days);
            period.totals().forEach((k, v) -> totals.merge(k, v, Long::sum));
            ApplicationMetrics metrics = ApplicationMetrics.of(facts.rollups(), today);
            Application app = facts.application();
            RiskLevel effective = RiskClassifier.effective(app.declaredRiskLevel(), facts.observedRisk());
            byRisk.merge(effective.name(), 1L, Long::sum);
            Double score7d = metrics.rolling7d().averageScore();
            cards.add(new Card(app.applicationId(), app.name(), period.sessions(), score7d, metrics.rolling30d().averageScore(),
                    app.scoreTarget(), score7d == null ? null : score7d >= app.scoreTarget(), effective.name(), facts.awaitingReview(),
                    facts.lastDeployment().map(d -> new Deployment(d.version(), d.deployedAt())).orElse(null),
                    SdkHealthState.overall(facts.sdkStates(), now).name()));
        }
        cards.sort(Comparator.comparing(Card::applicationId));
        long sessions = totals.getOrDefault(Contribution.SESSIONS, 0L);
        Map<String, Long> guardrails = new LinkedHashMap<>();
        for (GuardrailAction action : GuardrailAction.values()) {
            guardrails.put(action.name(), totals.getOrDefault(Contribution.guardrail(action), 0L));
        }
        return new Overview(now, days, from, today, sessions, ApplicationMetrics.rate(totals.getOrDefault(Contribution.ANCHORED, 0L), sessions),
                ApplicationMetrics.average(totals.getOrDefault(Contribution.SCORE_SUM, 0L), sessions),
                alerts(alerts, from), byRisk, guardrails, cards);
    }

    private static Alerts alerts(List<Alert> alerts, LocalDate from) {
        Instant periodStart = from.atStartOfDay(ZoneOffset.UTC).toInstant();
        long open = alerts.stream().filter(a -> a.status() == AlertStatus.OPEN).count();
        long acknowledged = alerts.stream().filter(a -> a.status() == AlertStatus.ACKNOWLEDGED).count();
        List<Alert> relevant = alerts.stream().filter(a -> a.status() != AlertStatus.RESOLVED
                || a.resolvedAt() != null && !a.resolvedAt().isBefore(periodStart)).toList();
        long resolved = relevant.stream().filter(a -> a.status() == AlertStatus.RESOLVED).count();
        List<AlertLine> recent = relevant.stream().sorted(Comparator.comparing(Alert::updatedAt).reversed().thenComparing(Alert::alertId))
                .limit(RECENT_ALERTS)
                .map(a -> new AlertLine(a.alertId(), a.applicationId(), a.kind().name(), a.severity().name(), a.status().name(),
                        a.openedAt(), a.resolvedAt()))
                .toList();
        return new Alerts(open, acknowledged, resolved, recent);
    }
}
