package dev.veriproof.core.ingest;

import dev.veriproof.core.explorer.SessionFacets;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.session.Session;
import java.time.Instant;
import java.util.Map;

/**
 * A session as stored: the canonical record (RFC 8785, after redaction) and what the server added
 * when it accepted it. The record is kept byte for byte so that anyone can recompute the leaf hash.
 *
 * @param requestId the API request that stored it, so that a retried write recognizes itself
 * @param needsReview it waits in the review queue: stored as {@link Session#lacksRequiredOversight()}, cleared when
 *     a human review is recorded
 * @param facets what the explorer filters on, taken from the record when it was accepted and stored beside it
 */
public record StoredSession(String tenantId, String sessionId, String applicationId, Instant startedAt,
                            String canonicalRecord, String leafHash, int governanceScore, String band,
                            Map<String, Integer> factors, Instant receivedAt, String requestId,
                            boolean needsReview, SessionFacets facets) {
    public StoredSession {
        factors = Map.copyOf(factors);
    }

    /** A stored session whose facets are read from its record (parsed once more: ingest passes the facets it already has). */
    public StoredSession(String tenantId, String sessionId, String applicationId, Instant startedAt,
                         String canonicalRecord, String leafHash, int governanceScore, String band,
                         Map<String, Integer> factors, Instant receivedAt, String requestId, boolean needsReview) {
        this(tenantId, sessionId, applicationId, startedAt, canonicalRecord, leafHash, governanceScore, band, factors, receivedAt,
                requestId, needsReview, SessionFacets.of(canonicalRecord));
    }

    /** The typed view of the canonical record, read without validating it again (see {@link Session#fromStoredRecord}). */
    public Session session() {
        return Session.fromStoredRecord(Json.parse(canonicalRecord));
    }

    /**
     * A human review recorded after ingest gave it the oversight it required: it lacked oversight when it was stored
     * ({@code session} is {@link #session()}, passed in so that the record is read once) and has left the review queue.
     */
    public boolean reviewedAfterIngest(Session session) {
        return session.lacksRequiredOversight() && !needsReview;
    }
}
