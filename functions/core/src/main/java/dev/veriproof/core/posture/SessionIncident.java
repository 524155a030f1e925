package dev.veriproof.core.posture;

import dev.veriproof.core.session.Session;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What is recorded about a session that is an incident (ISO/IEC 42001 10.2): it bypassed a guardrail, or it was HIGH or
 * CRITICAL and recorded no human oversight. Recorded by aggregation, marked by the alerts the session counted in and by
 * the first review of the session.
 *
 * @param riskLevel the session's risk level, null when it gave none
 * @param review the first review recorded for the session, null while there is none
 */
public record SessionIncident(String sessionId, String applicationId, Instant startedAt, Set<Incident.Type> types,
                              String riskLevel, Set<String> alertIds, ReviewMark review) {
    public SessionIncident {
        types = Set.copyOf(types);
        alertIds = Set.copyOf(alertIds);
    }

    public record ReviewMark(String reviewId, Instant at, String reviewer, String note) {}

    public LocalDate day() {
        return LocalDate.ofInstant(startedAt, ZoneOffset.UTC);
    }

    /** The session as an incident, with no alert and no review yet; empty for a session that is no incident. */
    public static Optional<SessionIncident> of(Session session) {
        Set<Incident.Type> types = typesOf(session);
        if (types.isEmpty()) return Optional.empty();
        return Optional.of(new SessionIncident(session.sessionId(), session.applicationId(), session.startedAt(), types,
                session.riskLevel() == null ? null : session.riskLevel().name(), Set.of(), null));
    }

    /** The incident types of a session; empty for a session that is no incident. */
    public static Set<Incident.Type> typesOf(Session session) {
        Set<Incident.Type> types = EnumSet.noneOf(Incident.Type.class);
        if (session.guardrailBypassed()) types.add(Incident.Type.GUARDRAIL_BYPASS);
        if (session.highRiskWithoutOversight()) types.add(Incident.Type.HIGH_RISK_WITHOUT_OVERSIGHT);
        return types;
    }
}
