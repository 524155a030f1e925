package dev.veriproof.core.session;

import dev.veriproof.core.json.Json;
import java.time.Instant;

/** Session records shared by tests. */
public final class SessionExamples {

    /** The server clock the examples are validated against: five minutes after the example started. */
    public static final Instant NOW = Instant.parse("2026-11-20T10:20:00Z");

    /** The example of SPEC §3, with real timestamps. */
    public static final String SPEC_EXAMPLE = """
            {
              "sessionId": "loan-7f3a-0001",
              "applicationId": "loan-review",
              "startedAt": "2026-11-20T10:15:00Z",
              "endedAt": "2026-11-20T10:15:02.500Z",
              "sdk": {"name": "veriproof-python", "version": "1.4.2"},
              "intent": "credit_decision",
              "model": "gpt-4.1",
              "reasoning": "Income verified; DTI 0.31",
              "decision": {"outcome": "APPROVED", "confidence": 0.82},
              "riskLevel": "HIGH",
              "humanOversight": {"required": true, "type": "HUMAN_IN_THE_LOOP", "reviewer": "u-17"},
              "guardrails": [{"name": "pii-filter", "action": "ALLOWED", "configVersion": "7"}],
              "grounding": {"status": "GROUNDED", "sources": 3},
              "contentSafety": {"flags": ["PII"], "handled": true},
              "steps": [{"spanId": "a1", "type": "LLM_CALL", "name": "assess", "model": "gpt-4.1",
                         "startedAt": "2026-11-20T10:15:00.100Z", "endedAt": "2026-11-20T10:15:01.900Z",
                         "inputTokens": 812, "outputTokens": 96}],
              "content": {"input": "Applicant 1234 asks for 20k", "output": "Approved at 4.1%"},
              "attributes": {"region": "eu-west-1"}
            }
            """;

    private SessionExamples() {
    }

    /** The SPEC §3 example, validated. */
    public static Session specExample() {
        return ((Validation.Valid) SessionValidator.validate(Json.parse(SPEC_EXAMPLE), NOW)).session();
    }
}
