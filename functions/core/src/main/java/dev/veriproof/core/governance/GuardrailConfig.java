package dev.veriproof.core.governance;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One version of an application's guardrail configuration. Versions count from 1 per application;
 * a session's {@code guardrails[].configVersion} names one of them (as a string, e.g. {@code "7"}).
 *
 * @param guardrails the configuration as sent: an array of {@code {name, settings?}}
 */
public record GuardrailConfig(String tenantId, String applicationId, long version, JsonNode guardrails, String note,
                              String sha256, Instant createdAt, String createdBy) {
}
