package dev.veriproof.core.ingest;

import java.time.Instant;
import java.util.Map;

/**
 * A session as stored: the canonical record (RFC 8785, after redaction) and what the server added
 * when it accepted it. The record is kept byte for byte so that anyone can recompute the leaf hash.
 *
 * @param requestId the API request that stored it, so that a retried write recognizes itself
 * @param needsReview the session required human oversight (SPEC §5) and recorded none: it waits in the
 *     review queue until a human review is recorded
 */
public record StoredSession(String tenantId, String sessionId, String applicationId, Instant startedAt,
                            String canonicalRecord, String leafHash, int governanceScore, String band,
                            Map<String, Integer> factors, Instant receivedAt, String requestId,
                            boolean needsReview) {
    public StoredSession {
        factors = Map.copyOf(factors);
    }
}
