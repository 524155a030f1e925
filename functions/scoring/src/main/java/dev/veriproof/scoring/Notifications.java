package dev.veriproof.scoring;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.Log;
import dev.veriproof.core.alerts.Alert;
import dev.veriproof.core.alerts.AlertRule;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.json.Json;
import java.time.Instant;

/**
 * Turns alert changes into notification messages on the notification queue: one per channel of the
 * rule, delivered (and retried) by {@link NotifierHandler}, so the stream is never held up by a slow
 * or failing receiver.
 */
public final class Notifications {

    /** Where messages go: SQS on AWS, the devstack's local queue in the local runtime. */
    public interface Queue {
        void send(String message, int delaySeconds);
    }

    private final Queue queue;

    public Notifications(Queue queue) {
        this.queue = queue;
    }

    /**
     * Queues the rule's notifications of an alert change. The alert itself is already recorded (and
     * readable through the API); a queue that refuses the message is logged rather than failing the
     * stream batch, because a retried batch finds the change already made and would not notify again.
     */
    public void publish(String type, AlertRule rule, Alert alert, Instant at) {
        if (rule.notification().webhookUrl() == null && !rule.notification().eventBridge()) return;
        String body = Json.writeString(body(type, alert, at));
        if (rule.notification().webhookUrl() != null) send(message("webhook", rule, body, 0), alert);
        if (rule.notification().eventBridge()) send(message("eventBridge", rule, body, 0), alert);
    }

    private void send(String message, Alert alert) {
        try {
            queue.send(message, 0);
        } catch (RuntimeException e) {
            Log.error("alert notification could not be queued", e, "tenantId", alert.tenantId(), "alertId", alert.alertId());
        }
    }

    /** The webhook body of SPEC §11; also the detail of the EventBridge event. */
    static ObjectNode body(String type, Alert alert, Instant at) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("id", AlertStore.newId("evt_"));
        body.put("type", type);
        body.put("occurredAt", at.toString());
        body.put("tenantId", alert.tenantId());
        ObjectNode a = body.putObject("alert");
        a.put("id", alert.alertId());
        a.put("ruleId", alert.ruleId());
        a.put("applicationId", alert.applicationId());
        a.put("kind", alert.kind().name());
        a.put("severity", alert.severity().name());
        a.put("status", alert.status().name());
        a.set("value", Json.mapper().valueToTree(alert.value()));
        a.set("threshold", Json.mapper().valueToTree(alert.threshold()));
        a.put("occurrences", alert.occurrences());
        return body;
    }

    static String message(String channel, AlertRule rule, String body, int attempt) {
        ObjectNode message = Json.mapper().createObjectNode();
        message.put("channel", channel);
        message.put("tenantId", rule.tenantId());
        message.put("ruleId", rule.ruleId());
        message.put("body", body);
        message.put("attempt", attempt);
        return Json.writeString(message);
    }
}
