package dev.veriproof.scoring;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.aws.EventBridgeBus;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.adapters.webhook.WebhookDelivery;
import dev.veriproof.adapters.telemetry.MetricUnit;
import dev.veriproof.adapters.telemetry.Telemetry;
import dev.veriproof.core.alerts.AlertRule;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.alerts.RuleException;
import dev.veriproof.core.alerts.Rules;
import dev.veriproof.core.alerts.WebhookSignature;
import dev.veriproof.core.events.EventBus;
import dev.veriproof.core.json.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Delivers alert notifications from the notification queue: a signed webhook POST or an
 * EventBridge event. A failed delivery goes back on the queue with the next backoff delay
 * (5 s, 25 s, 125 s by default) and is given up, with a log line, after the last one. Only a failure
 * to re-queue is reported as a batch item failure (SQS then redelivers the message itself).
 */
public final class NotifierHandler extends PrimedHandler<SQSEvent, SQSBatchResponse> {
    private final AlertStore alerts;
    private final Notifications.Queue queue;
    private final EventBus bus;
    private final WebhookDelivery webhooks;
    private final Supplier<List<Integer>> delays;
    private final boolean allowLoopback;

    public NotifierHandler() {
        this(Scoring.alerts(), Scoring.queue(), new EventBridgeBus("veriproof.alerts"), Scoring::retryDelays, Scoring.allowLoopbackWebhooks());
    }

    NotifierHandler(AlertStore alerts, Notifications.Queue queue, EventBus bus, Supplier<List<Integer>> delays, boolean allowLoopback) {
        this.alerts = alerts;
        this.queue = queue;
        this.bus = bus;
        this.delays = delays;
        this.allowLoopback = allowLoopback;
        this.webhooks = new WebhookDelivery(allowLoopback);
    }

    /** A notification of a rule that does not exist: one read that finds nothing, and the message is dropped. */
    @Override
    protected SQSEvent primingEvent() {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(PRIMING);
        message.setBody(Json.writeString(Map.of("channel", "webhook", "tenantId", PRIMING, "ruleId", PRIMING, "body", "{}", "attempt", 0)));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        return event;
    }

    @Override
    protected void warmUp() {
        WebhookSignature.of(new byte[0], "priming-secret-0000");
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Telemetry.begin(context);
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            try {
                handle(Json.parse(message.getBody()));
            } catch (RuntimeException e) {
                Log.error("notification could not be handled or re-queued", e, "messageId", message.getMessageId());
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private void handle(JsonNode message) {
        String channel = message.get("channel").asText();
        String tenantId = message.get("tenantId").asText();
        String ruleId = message.get("ruleId").asText();
        String body = message.get("body").asText();
        int attempt = message.get("attempt").asInt();
        Optional<AlertRule> rule = alerts.findRule(tenantId, ruleId);
        if (rule.isEmpty()) {
            Log.warn("alert rule deleted; notification dropped", "tenantId", tenantId, "ruleId", ruleId);
            return;
        }
        String problem = channel.equals("webhook") ? webhook(rule.get(), body) : eventBridge(tenantId, body);
        if (problem == null) {
            Log.info("notification delivered", "channel", channel, "ruleId", ruleId, "attempt", attempt);
            Telemetry.count("NotificationsDelivered", 1);
            return;
        }
        List<Integer> delays = this.delays.get();
        if (attempt >= delays.size()) {
            Log.warn("notification given up after retries", "channel", channel, "ruleId", ruleId, "attempts", attempt + 1, "problem", problem);
            Telemetry.emit(m -> {
                m.metric("NotificationsFailed", 1, MetricUnit.COUNT);
                m.metric("NotificationsAbandoned", 1, MetricUnit.COUNT);
            });
            return;
        }
        Telemetry.count("NotificationsFailed", 1);
        Log.warn("notification failed; retrying", "channel", channel, "ruleId", ruleId, "attempt", attempt, "delaySeconds", delays.get(attempt), "problem", problem);
        queue.send(Notifications.message(channel, rule.get(), body, attempt + 1), delays.get(attempt));
    }

    /** Null when delivered, else what went wrong. */
    private String webhook(AlertRule rule, String body) {
        String url = rule.notification().webhookUrl();
        if (url == null) return null;
        try {
            Rules.checkWebhookUrl(url, allowLoopback);
        } catch (RuleException e) {
            Log.warn("webhook URL no longer allowed; notification dropped", "ruleId", rule.ruleId());
            return null;
        }
        byte[] raw = body.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "VeriProof-Webhooks/1");
        headers.put(WebhookSignature.HEADER, WebhookSignature.of(raw, rule.notification().webhookSecret()));
        try {
            int status = webhooks.post(URI.create(url), headers, raw);
            return status >= 200 && status < 300 ? null : "HTTP " + status;
        } catch (WebhookDelivery.RefusedTarget e) {
            Log.warn("webhook target not allowed; notification dropped", "ruleId", rule.ruleId(), "problem", e.getMessage());
            return null;
        } catch (java.io.IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private String eventBridge(String tenantId, String body) {
        try {
            bus.put(tenantId, Json.parse(body).get("type").asText(), body);
            return null;
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
