package dev.veriproof.core.session;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
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

    /** Oversight is required when the record says so or the risk level is HIGH or CRITICAL. */
    public boolean requiresOversight() {
        return humanOversight != null && Boolean.TRUE.equals(humanOversight.required())
                || riskLevel != null && riskLevel.compareTo(RiskLevel.HIGH) >= 0;
    }

    /** A human oversight type other than NONE was recorded. */
    public boolean hadOversight() {
        return humanOversight != null && humanOversight.type() != null && humanOversight.type() != OversightType.NONE;
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
