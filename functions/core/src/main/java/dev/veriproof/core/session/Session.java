package dev.veriproof.core.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.time.Timestamps;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The typed view of a validated session record (SPEC §3) that scoring and aggregation work on.
 * Optional parts of the record are null when absent; {@code guardrails} is never null.
 * Free-form parts ({@code content}, {@code attributes}, the steps themselves) are not carried:
 * the canonical JSON record is the full account.
 */
public record Session(
        String sessionId,
        String applicationId,
        Instant startedAt,
        Instant endedAt,
        String sdkName,
        String sdkVersion,
        String intent,
        String model,
        String reasoning,
        Outcome outcome,
        Double confidence,
        RiskLevel riskLevel,
        HumanOversight humanOversight,
        List<Guardrail> guardrails,
        Grounding grounding,
        ContentSafety contentSafety,
        int stepCount) {

    public Session {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(startedAt, "startedAt");
        guardrails = guardrails == null ? List.of() : List.copyOf(guardrails);
    }

    /**
     * The typed view of a record that was validated when it was stored (its canonical JSON). Nothing is checked again,
     * so that a rule tightened since never drops a stored session from what is computed over it; anything a client
     * sends goes through {@link SessionValidator}. Both map a valid record to the same session.
     */
    public static Session fromStoredRecord(JsonNode record) {
        JsonNode sdk = record.path("sdk");
        JsonNode decision = record.path("decision");
        JsonNode oversight = record.get("humanOversight");
        JsonNode grounding = record.get("grounding");
        JsonNode safety = record.get("contentSafety");
        List<Guardrail> guardrails = new ArrayList<>();
        for (JsonNode g : record.path("guardrails")) {
            guardrails.add(new Guardrail(g.path("name").asText(), GuardrailAction.valueOf(g.path("action").asText()), text(g, "configVersion")));
        }
        List<SafetyFlag> flags = new ArrayList<>();
        if (safety != null) safety.path("flags").forEach(f -> flags.add(SafetyFlag.valueOf(f.asText())));
        return new Session(record.path("sessionId").asText(), record.path("applicationId").asText(),
                instant(record.get("startedAt")), record.has("endedAt") ? instant(record.get("endedAt")) : null,
                text(sdk, "name"), text(sdk, "version"), text(record, "intent"), text(record, "model"), text(record, "reasoning"),
                decision.has("outcome") ? Outcome.valueOf(decision.get("outcome").asText()) : null,
                decision.has("confidence") ? decision.get("confidence").asDouble() : null,
                record.has("riskLevel") ? RiskLevel.valueOf(record.get("riskLevel").asText()) : null,
                oversight == null ? null : new HumanOversight(oversight.has("required") ? oversight.get("required").asBoolean() : null,
                        oversight.has("type") ? OversightType.valueOf(oversight.get("type").asText()) : null, text(oversight, "reviewer")),
                guardrails,
                grounding == null ? null : new Grounding(GroundingStatus.valueOf(grounding.path("status").asText()),
                        grounding.has("sources") ? grounding.get("sources").asInt() : null),
                safety == null ? null : new ContentSafety(flags, safety.has("handled") ? safety.get("handled").asBoolean() : null),
                record.path("steps").size());
    }

    private static Instant instant(JsonNode timestamp) {
        String text = timestamp == null ? "" : timestamp.asText();
        return Timestamps.parse(text).orElseThrow(() -> new IllegalArgumentException("stored session record has no readable timestamp: " + text));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null ? null : value.asText();
    }

    /** The risk level is HIGH or CRITICAL. */
    public boolean highRisk() {
        return riskLevel != null && riskLevel.compareTo(RiskLevel.HIGH) >= 0;
    }

    /** Oversight is required when the record says so or the risk level is HIGH or CRITICAL (SPEC §5). */
    public boolean requiresOversight() {
        return humanOversight != null && Boolean.TRUE.equals(humanOversight.required()) || highRisk();
    }

    /** A human oversight type other than NONE was recorded. */
    public boolean hadOversight() {
        return humanOversight != null && humanOversight.type() != null && humanOversight.type() != OversightType.NONE;
    }

    /**
     * Oversight was required and the record shows none: the session waits for a human review (SPEC §8's review queue).
     * Ingest stores this as {@code needsReview}; a review recorded later clears that, never this.
     */
    public boolean lacksRequiredOversight() {
        return requiresOversight() && !hadOversight();
    }

    /** A HIGH or CRITICAL session that recorded no human oversight: an incident (ISO/IEC 42001 10.2) until reviewed. */
    public boolean highRiskWithoutOversight() {
        return highRisk() && !hadOversight();
    }

    /** The record says something about oversight: whether it was required, or its type (a reviewer alone says nothing). */
    public boolean recordsOversight() {
        return humanOversight != null && (humanOversight.required() != null || humanOversight.type() != null);
    }

    /** A guardrail acted: any FLAGGED, BLOCKED or BYPASSED action (the numerator of the guardrail failure rate, SPEC §5). */
    public boolean guardrailFailed() {
        return guardrails.stream().anyMatch(g -> g.action() != GuardrailAction.ALLOWED);
    }

    /** A guardrail was bypassed. */
    public boolean guardrailBypassed() {
        return guardrails.stream().anyMatch(g -> g.action() == GuardrailAction.BYPASSED);
    }

    /** The UTC day of {@code startedAt}: the day the session counts in. */
    public LocalDate day() {
        return LocalDate.ofInstant(startedAt, ZoneOffset.UTC);
    }

    /** Every part optional. */
    public record HumanOversight(Boolean required, OversightType type, String reviewer) {
    }

    /** {@code name} and {@code action} always present; {@code configVersion} optional. */
    public record Guardrail(String name, GuardrailAction action, String configVersion) {

        public Guardrail {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(action, "action");
        }
    }

    /** {@code status} always present; {@code sources} optional. */
    public record Grounding(GroundingStatus status, Integer sources) {

        public Grounding {
            Objects.requireNonNull(status, "status");
        }
    }

    /** {@code flags} never null (empty when absent); {@code handled} optional. */
    public record ContentSafety(List<SafetyFlag> flags, Boolean handled) {

        public ContentSafety {
            flags = flags == null ? List.of() : List.copyOf(flags);
        }
    }
}
