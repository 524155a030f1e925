package dev.veriproof.core.governance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.canonical.ContentIds;
import dev.veriproof.core.json.Json;
import java.time.Instant;

/**
 * A human review and sign-off of a session (ISO/IEC 42001 8.6, 10.2).
 *
 * @param reviewer who reviewed, as the client names them
 * @param recordedBy the API key that recorded it
 */
public record Review(String tenantId, String reviewId, String sessionId, String applicationId, ReviewOutcome outcome,
                     String note, String reviewer, Instant reviewedAt, String recordedBy) {

    /** The review as the API shows it, alone or with its session. */
    public ObjectNode toJson() {
        ObjectNode view = Json.mapper().createObjectNode();
        view.put("id", reviewId);
        view.put("sessionId", sessionId);
        view.put("applicationId", applicationId);
        view.put("outcome", outcome.name());
        view.put("note", note);
        view.put("reviewer", reviewer);
        view.put("reviewedAt", reviewedAt.toString());
        view.put("recordedBy", recordedBy);
        return view;
    }

    /**
     * The id of a review: derived from what it says, so that a retried request finds the review it
     * already stored instead of adding the same sign-off twice.
     */
    public static String idOf(String sessionId, ReviewOutcome outcome, String note, String reviewer) {
        return "rev_" + ContentIds.of(sessionId, outcome.name(), reviewer, note).substring(0, 24);
    }
}
