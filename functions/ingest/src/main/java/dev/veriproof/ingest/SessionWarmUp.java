package dev.veriproof.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.scoring.GovernanceScore;
import dev.veriproof.core.session.Session;
import dev.veriproof.core.session.SessionValidator;
import dev.veriproof.core.session.Validation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The SnapStart warm-up of the session code path: parse, validate, canonicalize, hash and score a
 * fixed sample, with no I/O and nothing unique, so that the snapshot holds the loaded, compiled code.
 */
final class SessionWarmUp {
    /** A valid session of an application that no tenant has. */
    static final String SAMPLE = """
            {"sessionId":"warm-up","applicationId":"warm-up","startedAt":"2026-01-01T00:00:00Z",
             "intent":"warm_up","model":"m","reasoning":"r","decision":{"outcome":"APPROVED","confidence":0.5},
             "riskLevel":"HIGH","humanOversight":{"required":true,"type":"HUMAN_IN_THE_LOOP"},
             "guardrails":[{"name":"g","action":"ALLOWED"}],"grounding":{"status":"GROUNDED","sources":1},
             "contentSafety":{"flags":["PII"],"handled":true},"attributes":{"a":"b"}}""";

    private SessionWarmUp() {}

    /** The sample as stored for {@code tenantId}: its canonical record, leaf hash and score (no I/O). */
    static StoredSession stored(String tenantId) {
        JsonNode node = Json.parse(SAMPLE);
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        Session session = ((Validation.Valid) SessionValidator.validate(node, at)).session();
        byte[] canonical = Canonical.jcs(node);
        GovernanceScore score = GovernanceScore.of(session);
        return new StoredSession(tenantId, session.sessionId(), session.applicationId(), session.startedAt(),
                new String(canonical, StandardCharsets.UTF_8), Hashes.hex(Hashes.leafHash(canonical)), score.value(), score.band().name(),
                score.factors(), at, tenantId, session.lacksRequiredOversight());
    }

    static void run() {
        // once a priming round: PrimedHandler repeats the rounds until C1 has compiled the path
        JsonNode node = Json.parse(SAMPLE);
        Validation validation = SessionValidator.validate(node, Instant.parse("2026-01-01T00:00:00Z"));
        if (!(validation instanceof Validation.Valid valid)) throw new IllegalStateException("warm-up sample is invalid: " + validation);
        Hashes.leafHash(Canonical.jcs(node));
        GovernanceScore.of(valid.session());
        Json.write(node);
    }
}
