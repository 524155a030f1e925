package dev.veriproof.scoring;

import dev.veriproof.core.session.Session;

/**
 * A change of a session item that matters to aggregation: the session was stored
 * ({@code anchoring == false}) or became anchored. {@code sequenceNumber} identifies the stream
 * record, for batch item failures.
 */
public record SessionEvent(String sequenceNumber, String tenantId, Session session, int governanceScore, boolean anchoring) {

    /** The marker key that makes this event count once. */
    public String marker() {
        return "COUNTED#" + tenantId + "#" + session.sessionId() + (anchoring ? "#ANCHORED" : "#STORED");
    }
}
