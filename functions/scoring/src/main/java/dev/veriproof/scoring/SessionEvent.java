package dev.veriproof.scoring;

import dev.veriproof.core.session.Session;
import java.time.LocalDate;

/**
 * A change of a session that matters to aggregation: the session was stored, became anchored, or was reviewed
 * after waiting for a review (it left the review queue). {@code sequenceNumber} identifies the stream record, for
 * batch item failures. {@code session} is the typed record for STORED and REVIEWED; an ANCHORED change comes from the
 * session's small anchoring pointer and names the session only (null there).
 */
public record SessionEvent(String sequenceNumber, String tenantId, String sessionId, String applicationId, LocalDate day,
                           Session session, int governanceScore, Change change) {

    public enum Change { STORED, ANCHORED, REVIEWED }

    /** An event carrying the session's record. */
    public static SessionEvent of(String sequenceNumber, String tenantId, Session session, int governanceScore, Change change) {
        return new SessionEvent(sequenceNumber, tenantId, session.sessionId(), session.applicationId(), session.day(), session,
                governanceScore, change);
    }

    /** A session became anchored: named by its tenant, id, application and day (UTC day of startedAt). */
    public static SessionEvent anchored(String sequenceNumber, String tenantId, String sessionId, String applicationId, LocalDate day) {
        return new SessionEvent(sequenceNumber, tenantId, sessionId, applicationId, day, null, 0, Change.ANCHORED);
    }

    /** The marker key that makes this event count once. */
    public String marker() {
        return "COUNTED#" + tenantId + "#" + sessionId + "#" + change.name();
    }
}
