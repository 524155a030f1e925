package dev.veriproof.core.posture;

import java.time.LocalDate;
import java.util.List;

/**
 * The session incidents recorded at aggregation. Every write is an upsert of the same facts, so that a replayed stream
 * record changes nothing and the writers (aggregation, the alerts a session counts in, its review) may come in any order.
 */
public interface IncidentStore {
    /** Records the session as an incident of its types. */
    void record(String tenantId, SessionIncident incident);

    /** Notes that the session counted in the alert. */
    void addAlert(String tenantId, SessionIncident incident, String alertId);

    /** The incidents of sessions started on the days from..to (inclusive), oldest day first. */
    List<SessionIncident> list(String tenantId, LocalDate from, LocalDate to);
}
