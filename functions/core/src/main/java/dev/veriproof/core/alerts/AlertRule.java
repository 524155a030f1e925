package dev.veriproof.core.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import java.time.Instant;

/**
 * An alert rule of a tenant (SPEC §7/§11). {@code applicationId} is an application or {@code "*"}
 * for all of them. {@code threshold} is a number for the metric kinds, a risk level name for
 * {@code RISK_LEVEL_AT_LEAST}, null for {@code SCORE_TARGET_MISSED} and {@code SESSION_CONDITION};
 * {@code window} is {@code 7d} or {@code 30d} for the score kinds; {@code condition} only for
 * {@code SESSION_CONDITION}.
 */
public record AlertRule(String tenantId, String ruleId, String name, String applicationId, AlertKind kind,
                        String window, Object threshold, Condition condition, Severity severity, Notify notification,
                        Instant createdAt, Instant updatedAt) {

    public static final String ALL_APPLICATIONS = "*";

    public boolean appliesTo(String application) {
        return ALL_APPLICATIONS.equals(applicationId) || applicationId.equals(application);
    }

    /** The rule in the request shape of SPEC §11, webhook secret included: what is stored and what a PATCH merges onto. */
    public ObjectNode toJson() {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("name", name);
        json.put("applicationId", applicationId);
        json.put("kind", kind.name());
        if (window != null) json.put("window", window);
        if (threshold instanceof Double d) json.put("threshold", d);
        if (threshold instanceof String level) json.put("threshold", level);
        if (condition != null) json.set("condition", condition.toJson());
        json.put("severity", severity.name());
        ObjectNode notify = json.putObject("notify");
        if (notification.webhookUrl() != null) notify.put("webhookUrl", notification.webhookUrl());
        if (notification.webhookSecret() != null) notify.put("webhookSecret", notification.webhookSecret());
        notify.put("eventBridge", notification.eventBridge());
        return json;
    }
}
