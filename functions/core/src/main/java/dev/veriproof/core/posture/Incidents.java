package dev.veriproof.core.posture;

import dev.veriproof.core.alerts.Alert;
import dev.veriproof.core.alerts.AlertStatus;
import dev.veriproof.core.anchoring.AnchorLedger;
import dev.veriproof.core.evidence.AnchoringIncidents;
import dev.veriproof.core.governance.PlanItem;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The incidents of a period (ISO/IEC 42001 10.2), each with its corrective action: alerts opened in the period, sessions
 * of the period that bypassed a guardrail or were high-risk without oversight, and anchoring failures. What corrects
 * an incident, first match wins:
 * <ul>
 * <li>a session incident: a review of the session; else a resolved alert (with a note) whose occurrences include it;</li>
 * <li>an alert: its resolution note;</li>
 * <li>an anchoring failure: a later run that anchored the pending sessions;</li>
 * <li>any incident: a remediation item linked to it by {@code incidentId}.</li>
 * </ul>
 */
public final class Incidents {
    private Incidents() {}

    /**
     * @param applications the applications in view: incidents of others are left out
     * @param withAnchoring whether anchoring failures (which concern no application) are in view
     */
    public static List<Incident> of(LocalDate from, LocalDate to, Set<String> applications, boolean withAnchoring,
                                    List<Alert> alerts, List<SessionIncident> sessions, AnchoringIncidents anchoring,
                                    List<PlanItem> remediations) {
        Map<String, PlanItem> linked = new HashMap<>();
        remediations.stream().filter(r -> r.incidentId() != null)
                .sorted(Comparator.comparing(PlanItem::createdAt)).forEach(r -> linked.putIfAbsent(r.incidentId(), r));
        Map<String, Alert> alertsById = new HashMap<>();
        alerts.forEach(a -> alertsById.put(a.alertId(), a));
        List<Incident> incidents = new ArrayList<>();

        for (Alert alert : alerts) {
            if (!applications.contains(alert.applicationId()) || !inPeriod(alert.openedAt(), from, to)) continue;
            String id = Incident.Type.ALERT.id(alert.alertId());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("kind", alert.kind().name());
            details.put("severity", alert.severity().name());
            details.put("status", alert.status().name());
            details.put("value", alert.value());
            details.put("threshold", alert.threshold());
            details.put("occurrences", alert.occurrences());
            Incident.CorrectiveAction action = resolution(alert).orElseGet(() -> remediation(linked.get(id)));
            incidents.add(new Incident(id, Incident.Type.ALERT, alert.openedAt(), alert.applicationId(), null, alert.alertId(), details, action));
        }

        for (SessionIncident s : sessions) {
            if (!applications.contains(s.applicationId()) || !inPeriod(s.startedAt(), from, to)) continue;
            for (Incident.Type type : new TreeSet<>(s.types())) {
                String id = type.id(s.sessionId());
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("riskLevel", s.riskLevel());
                details.put("alertIds", new TreeSet<>(s.alertIds()));
                Incident.CorrectiveAction action = s.review() != null
                        ? new Incident.CorrectiveAction("review", s.review().at(), s.review().reviewer(), s.review().note(), s.review().reviewId())
                        : new TreeSet<>(s.alertIds()).stream().map(alertsById::get).filter(a -> a != null)
                                .map(Incidents::resolution).flatMap(Optional::stream).findFirst()
                                .orElseGet(() -> remediation(linked.get(id)));
                incidents.add(new Incident(id, type, s.startedAt(), s.applicationId(), s.sessionId(), null, details, action));
            }
        }

        if (withAnchoring) {
            for (AnchorLedger.Incident failure : anchoring.failures()) {
                if (!inPeriod(failure.at(), from, to)) continue;
                String id = Incident.Type.ANCHORING_FAILURE.id(failure.at().toString());
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("reason", failure.reason());
                details.put("pendingSessions", failure.pendingSessions());
                Incident.CorrectiveAction action = anchoring.corrected(failure)
                        ? new Incident.CorrectiveAction("anchoring_retry", anchoring.lastAnchoredAt().orElseThrow(), "system",
                                "a later anchoring run anchored the pending sessions", null)
                        : remediation(linked.get(id));
                incidents.add(new Incident(id, Incident.Type.ANCHORING_FAILURE, failure.at(), null, null, null, details, action));
            }
        }
        incidents.sort(Comparator.comparing(Incident::at).thenComparing(Incident::incidentId));
        return incidents;
    }

    private static Optional<Incident.CorrectiveAction> resolution(Alert alert) {
        if (alert.status() != AlertStatus.RESOLVED || alert.resolution() == null || alert.resolution().isBlank()) return Optional.empty();
        return Optional.of(new Incident.CorrectiveAction("alert_resolution", alert.resolvedAt(), alert.resolvedBy(), alert.resolution(), alert.alertId()));
    }

    private static Incident.CorrectiveAction remediation(PlanItem item) {
        if (item == null) return null;
        return new Incident.CorrectiveAction("remediation", item.createdAt(), item.owner(), item.title(), item.id());
    }

    static boolean inPeriod(Instant at, LocalDate from, LocalDate to) {
        if (at == null) return false;
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        return !day.isBefore(from) && !day.isAfter(to);
    }
}
