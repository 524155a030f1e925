package dev.veriproof.core.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What happened, before it is placed in the chain: who (the API key id, or a system component),
 * what ({@code keys.create}, {@code guardrails.update}, ...), on what ({@code application/loan-review})
 * and the details an auditor needs (plain JSON values: strings, integers, booleans, lists, maps).
 */
public record AuditEvent(String actor, String action, String target, Map<String, Object> details) {
    public AuditEvent {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
}
