package dev.veriproof.scoring;

import dev.veriproof.core.session.Session;

/**
 * A change of a session item that matters to aggregation: the session was stored, became anchored, or was reviewed
 * after waiting for a review (it left the review queue). {@code sequenceNumber} identifies the stream record, for
 * batch item failures.
 */
public record SessionEvent(String sequenceNumber, String tenantId, Session session, int governanceScore, Change change) {

    public enum Change { STORED, ANCHORED, REVIEWED }

    /** The marker key that makes this event count once. */
    public String marker() {
        return "COUNTED#" + tenantId + "#" + session.sessionId() + "#" + change.name();
    }
}
