package dev.veriproof.scoring;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.adapters.http.QueryParameters;
import dev.veriproof.adapters.http.JsonFields;
import dev.veriproof.adapters.webhook.WebhookDelivery;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.alerts.Alert;
import dev.veriproof.core.alerts.AlertRule;
import dev.veriproof.core.alerts.AlertStatus;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.alerts.RuleException;
import dev.veriproof.core.alerts.Rules;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.audit.AuditEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Alert rules ({@code POST/GET /v1/alert-rules}, {@code GET/PATCH/DELETE /v1/alert-rules/{id}}) and
 * alerts ({@code GET /v1/alerts}, {@code GET /v1/alerts/{id}}, {@code POST /v1/alerts/{id}/acknowledge},
 * {@code POST /v1/alerts/{id}/resolve} with the corrective-action note). Admin only.
 */
public final class AlertsHandler extends ApiHandler {

    private final AlertStore alerts;
    private final ApplicationStore applications;
    private final Notifications notifications;
    private final boolean allowLoopback;
    private final Clock clock;

    public AlertsHandler() {
        this(Scoring.alerts(), Scoring.applications(), Scoring.notifications(), Scoring.allowLoopbackWebhooks(), Clock.systemUTC());
    }

    AlertsHandler(AlertStore alerts, ApplicationStore applications, Notifications notifications, boolean allowLoopback, Clock clock) {
        this.alerts = alerts;
        this.applications = applications;
        this.notifications = notifications;
        this.allowLoopback = allowLoopback;
        this.clock = clock;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/alert-rules", Role.ADMIN, null);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        // auditors read alerts (the evidence behind 10.2), within the applications their key may read
        switch (request.routeKey()) {
            case "GET /v1/alerts" -> {
                return listAlerts(request.requireRole(Role.ADMIN, Role.AUDITOR), request);
            }
            case "GET /v1/alerts/{id}" -> {
                return ApiResponse.json(200, view(alert(request.requireRole(Role.ADMIN, Role.AUDITOR), request.pathParameter("id"))));
            }
            default -> { }
        }
        Principal admin = request.requireRole(Role.ADMIN);
        return switch (request.routeKey()) {
            case "POST /v1/alert-rules" -> createRule(admin, request);
            case "GET /v1/alert-rules" -> ApiResponse.json(200, Map.of("rules", alerts.rules(admin.tenantId()).stream()
                    .sorted(Comparator.comparing(AlertRule::createdAt)).map(AlertsHandler::view).toList()));
            case "GET /v1/alert-rules/{id}" -> ApiResponse.json(200, view(rule(admin, request.pathParameter("id"))));
            case "PATCH /v1/alert-rules/{id}" -> updateRule(admin, request);
            case "DELETE /v1/alert-rules/{id}" -> {
                String id = request.pathParameter("id");
                if (!alerts.deleteRule(admin.tenantId(), id, new AuditEvent(admin.keyId(), "alert_rule.delete", "alert-rule/" + id, Map.of()))) {
                    throw ApiException.notFound("Alert rule " + id);
                }
                yield ApiResponse.json(200, Map.of("ruleId", request.pathParameter("id"), "deleted", true));
            }
            case "POST /v1/alerts/{id}/acknowledge" -> acknowledge(admin, request);
            case "POST /v1/alerts/{id}/resolve" -> resolve(admin, request);
            default -> throw noSuchRoute(request);
        };
    }

    private APIGatewayV2HTTPResponse createRule(Principal admin, ApiRequest request) {
        JsonNode body = request.jsonBody();
        Instant now = clock.instant();
        AlertRule rule = parse(body, admin.tenantId(), AlertStore.newId("rule_"), now, now);
        if (!alerts.createRule(rule, new AuditEvent(admin.keyId(), "alert_rule.create", "alert-rule/" + rule.ruleId(), auditDetails(rule)))) {
            throw new IllegalStateException("rule id collision");
        }
        return ApiResponse.json(201, view(rule));
    }

    private APIGatewayV2HTTPResponse updateRule(Principal admin, ApiRequest request) {
        AlertRule current = rule(admin, request.pathParameter("id"));
        JsonNode patch = request.jsonBody();
        if (!(patch instanceof ObjectNode patchObject) || patch.isEmpty()) {
            throw ApiException.badRequest("missing_field", "Send a JSON object with at least one of " + String.join(", ", Rules.FIELDS) + ".", "$");
        }
        // JSON merge patch (RFC 7396) onto the stored rule, then the whole rule is validated again
        ObjectNode merged = current.toJson();
        for (Iterator<Map.Entry<String, JsonNode>> fields = patchObject.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isNull()) merged.remove(field.getKey());
            else merged.set(field.getKey(), field.getValue());
        }
        AlertRule updated = parse(merged, admin.tenantId(), current.ruleId(), current.createdAt(), clock.instant());
        if (!alerts.replaceRule(updated, new AuditEvent(admin.keyId(), "alert_rule.update", "alert-rule/" + updated.ruleId(), auditDetails(updated)))) {
            throw ApiException.notFound("Alert rule " + current.ruleId());
        }
        return ApiResponse.json(200, view(updated));
    }

    private AlertRule parse(JsonNode body, String tenantId, String ruleId, Instant createdAt, Instant now) {
        AlertRule rule;
        try {
            rule = Rules.parse(body, tenantId, ruleId, createdAt, now, allowLoopback);
        } catch (RuleException e) {
            throw ApiException.badRequest(e.code(), e.getMessage(), e.field());
        }
        if (rule.notification().webhookUrl() != null) {
            try {
                new WebhookDelivery(allowLoopback).checkTarget(java.net.URI.create(rule.notification().webhookUrl()));
            } catch (WebhookDelivery.RefusedTarget e) {
                throw ApiException.badRequest("invalid_value", "webhookUrl must point at a public address: " + e.getMessage() + ".", "$.notify.webhookUrl");
            }
        }
        if (!rule.applicationId().equals(AlertRule.ALL_APPLICATIONS) && applications.find(tenantId, rule.applicationId()).isEmpty()) {
            throw new ApiException(422, "unknown_application", "Application '" + rule.applicationId()
                    + "' is not registered; register it first or use \"*\" for all applications.", "$.applicationId");
        }
        return rule;
    }

    /** What the audit log keeps of a rule: never the webhook secret. */
    private static Map<String, Object> auditDetails(AlertRule rule) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", rule.name());
        details.put("applicationId", rule.applicationId());
        details.put("kind", rule.kind().name());
        details.put("severity", rule.severity().name());
        return details;
    }

    private APIGatewayV2HTTPResponse listAlerts(Principal caller, ApiRequest request) {
        Optional<AlertStatus> status = QueryParameters.of(request).oneOf("status", AlertStatus.class);
        Optional<String> application = request.queryId("applicationId");
        return ApiResponse.json(200, Map.of("alerts", alerts.alerts(caller.tenantId()).stream()
                .filter(a -> caller.mayRead(a.applicationId()))
                .filter(a -> status.map(s -> a.status() == s).orElse(true))
                .filter(a -> application.map(a.applicationId()::equals).orElse(true))
                .sorted(Comparator.comparing(Alert::openedAt).reversed())
                .map(AlertsHandler::view).toList()));
    }

    private APIGatewayV2HTTPResponse acknowledge(Principal admin, ApiRequest request) {
        String id = request.pathParameter("id");
        Alert before = alert(admin, id);
        if (before.status() != AlertStatus.OPEN) throw transition(before, "acknowledged");
        Instant now = clock.instant();
        Alert after = alerts.acknowledge(admin.tenantId(), id, admin.keyId(), now, new AuditEvent(admin.keyId(), "alert.acknowledge", "alert/" + id, Map.of()))
                .orElseThrow(() -> ApiException.notFound("Alert " + id));
        if (after.status() != AlertStatus.ACKNOWLEDGED || !admin.keyId().equals(after.acknowledgedBy())) throw transition(after, "acknowledged");
        notify("alert.updated", after, now);
        return ApiResponse.json(200, view(after));
    }

    private APIGatewayV2HTTPResponse resolve(Principal admin, ApiRequest request) {
        String id = request.pathParameter("id");
        JsonFields body = JsonFields.of(request.jsonBody(), "note");
        String note = body.requiredString("note", JsonFields.MAX_TEXT);
        Alert before = alert(admin, id);
        if (before.status() == AlertStatus.RESOLVED) throw transition(before, "resolved");
        Instant now = clock.instant();
        // the resolution note is the corrective-action record of ISO/IEC 42001 10.2
        Alert after = alerts.resolve(admin.tenantId(), id, admin.keyId(), note, now,
                Optional.of(new AuditEvent(admin.keyId(), "alert.resolve", "alert/" + id, Map.of("note", note))))
                .orElseThrow(() -> ApiException.notFound("Alert " + id));
        if (!note.equals(after.resolution())) throw transition(after, "resolved");
        notify("alert.resolved", after, now);
        return ApiResponse.json(200, view(after));
    }

    private void notify(String type, Alert alert, Instant now) {
        alerts.findRule(alert.tenantId(), alert.ruleId()).ifPresent(rule -> notifications.publish(type, rule, alert, now));
    }

    private static ApiException transition(Alert alert, String wanted) {
        return new ApiException(409, "invalid_transition", "Alert " + alert.alertId() + " is " + alert.status() + " and cannot be " + wanted
                + "; alerts move OPEN → ACKNOWLEDGED → RESOLVED.");
    }

    private AlertRule rule(Principal admin, String id) {
        return alerts.findRule(admin.tenantId(), id).orElseThrow(() -> ApiException.notFound("Alert rule " + id));
    }

    private Alert alert(Principal caller, String id) {
        return alerts.findAlert(caller.tenantId(), id).filter(a -> caller.mayRead(a.applicationId()))
                .orElseThrow(() -> ApiException.notFound("Alert " + id));
    }

    /** A rule as the API shows it: the webhook secret is never shown again. */
    static Map<String, Object> view(AlertRule rule) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("ruleId", rule.ruleId());
        view.put("name", rule.name());
        view.put("applicationId", rule.applicationId());
        view.put("kind", rule.kind().name());
        view.put("window", rule.window());
        view.put("threshold", rule.threshold());
        view.put("condition", rule.condition() == null ? null : rule.condition().toJson());
        view.put("severity", rule.severity().name());
        Map<String, Object> notify = new LinkedHashMap<>();
        notify.put("webhookUrl", rule.notification().webhookUrl());
        notify.put("webhookSecretSet", rule.notification().webhookSecret() != null);
        notify.put("eventBridge", rule.notification().eventBridge());
        view.put("notify", notify);
        view.put("createdAt", rule.createdAt().toString());
        view.put("updatedAt", rule.updatedAt().toString());
        return view;
    }

    static Map<String, Object> view(Alert a) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", a.alertId());
        view.put("ruleId", a.ruleId());
        view.put("applicationId", a.applicationId());
        view.put("kind", a.kind().name());
        view.put("severity", a.severity().name());
        view.put("status", a.status().name());
        view.put("value", a.value());
        view.put("threshold", a.threshold());
        view.put("occurrences", a.occurrences());
        view.put("openedAt", a.openedAt().toString());
        view.put("updatedAt", a.updatedAt().toString());
        view.put("acknowledgedAt", a.acknowledgedAt() == null ? null : a.acknowledgedAt().toString());
        view.put("acknowledgedBy", a.acknowledgedBy());
        view.put("resolvedAt", a.resolvedAt() == null ? null : a.resolvedAt().toString());
        view.put("resolvedBy", a.resolvedBy());
        view.put("resolution", a.resolution());
        return view;
    }
}
