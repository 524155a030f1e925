package dev.veriproof.core.governance;

import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.posture.SessionIncident;
import java.util.List;
import java.util.Optional;

/** Human reviews of sessions, and the review queue they empty. */
public interface ReviewStore {
    /**
     * Stores the review with its audit entry and takes the session off the review queue, all in one
     * transaction; when the session is an incident (ISO/IEC 42001 10.2), its incident is marked reviewed in the same
     * transaction. Returns the stored review with the same id if there is one (nothing written).
     */
    Optional<Review> addIfAbsent(Review review, Optional<SessionIncident> incident, AuditEvent audit);

    /** A review of a session that is no incident. */
    default Optional<Review> addIfAbsent(Review review, AuditEvent audit) {
        return addIfAbsent(review, Optional.empty(), audit);
    }

    /** Oldest first. */
    List<Review> forSession(String tenantId, String sessionId);

    /** A session waiting for review: it required oversight, had none, and has no review. */
    record QueuedSession(String sessionId, String applicationId, String startedAt, Integer governanceScore, String band) {}

    /** A page of the application's queue, oldest session first, after the cursor (exclusive). */
    record QueuePage(List<QueuedSession> sessions, Optional<String> next) {}

    QueuePage queue(String tenantId, String applicationId, Optional<String> after, int limit);
}
