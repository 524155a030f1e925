package dev.veriproof.governance;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.http.JsonFields;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.core.access.ApiKeys;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.governance.PlanItem;
import dev.veriproof.core.governance.PlanItem.Kind;
import dev.veriproof.core.governance.PlanStore;
import dev.veriproof.core.canonical.ContentIds;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.posture.Incident;
import dev.veriproof.core.posture.Iso42001;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Remediation items and the governance roadmap (admin writes, admin and auditor read):
 * <ul>
 * <li>{@code POST /v1/remediations} {@code {"gap", "owner", "dueDate", "status"?, "applicationId"?, "controlId"?, "incidentId"?,
 * "description"?}} (status OPEN | IN_PROGRESS | DONE | ACCEPTED_RISK, OPEN by default); {@code controlId} links the item to
 * an ISO/IEC 42001 gap ({@link Iso42001#CLAUSES}), {@code incidentId} to a 10.2 incident it corrects</li>
 * <li>{@code POST /v1/roadmap} {@code {"title", "targetDate", "owner"?, "status"?, "applicationId"?, "controlId"?, "description"?}}
 * (status PLANNED | IN_PROGRESS | DONE | CANCELLED, PLANNED by default)</li>
 * <li>{@code PATCH /v1/remediations/{id}}, {@code PATCH /v1/roadmap/{id}}: {@code status}, {@code owner},
 * the date, {@code note}</li>
 * <li>{@code GET /v1/remediations}, {@code GET /v1/roadmap}</li>
 * </ul>
 * Each write is stored with its audit entry in one transaction. A POST with an {@code Idempotency-Key}
 * header creates at most one item per key (a retry answers 200 with it); without one, every POST is
 * a new item. An auditor limited to some applications sees only the items of those applications.
 */
public final class PlansHandler extends ApiHandler {
    private final PlanStore plans;
    private final ApplicationStore applications;
    private final Clock clock;

    public PlansHandler() {
        this(GovernanceStores.plans(), new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), Config.governanceTable()),
                Clock.systemUTC());
    }

    PlansHandler(PlanStore plans, ApplicationStore applications, Clock clock) {
        this.plans = plans;
        this.applications = applications;
        this.clock = clock;
    }

    /** The JSON names of a kind's title and date fields, and its resource path. */
    private record Shape(Kind kind, String titleField, String dateField, String resource) {}

    private static final Shape REMEDIATION = new Shape(Kind.REMEDIATION, "gap", "dueDate", "remediation");
    private static final Shape ROADMAP = new Shape(Kind.ROADMAP, "title", "targetDate", "roadmap");

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/remediations", Role.ADMIN, null);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return switch (request.routeKey()) {
            case "POST /v1/remediations" -> create(REMEDIATION, request.requireRole(Role.ADMIN), request);
            case "POST /v1/roadmap" -> create(ROADMAP, request.requireRole(Role.ADMIN), request);
            case "PATCH /v1/remediations/{id}" -> update(REMEDIATION, request.requireRole(Role.ADMIN), request);
            case "PATCH /v1/roadmap/{id}" -> update(ROADMAP, request.requireRole(Role.ADMIN), request);
            case "GET /v1/remediations" -> list(REMEDIATION, request.requireRole(Role.ADMIN, Role.AUDITOR));
            case "GET /v1/roadmap" -> list(ROADMAP, request.requireRole(Role.ADMIN, Role.AUDITOR));
            default -> throw noSuchRoute(request);
        };
    }

    private APIGatewayV2HTTPResponse create(Shape shape, Principal admin, ApiRequest request) {
        JsonFields body = shape.kind() == Kind.REMEDIATION
                ? JsonFields.of(request.jsonBody(), shape.titleField(), shape.dateField(), "owner", "status", "applicationId", "controlId", "incidentId", "description")
                : JsonFields.of(request.jsonBody(), shape.titleField(), shape.dateField(), "owner", "status", "applicationId", "controlId", "description");
        String title = body.requiredString(shape.titleField(), 500);
        String owner = shape.kind() == Kind.REMEDIATION ? body.requiredString("owner", 256) : body.optionalString("owner", 256).orElse(null);
        var date = body.requiredDate(shape.dateField());
        String status = body.optionalChoice("status", shape.kind().statuses()).orElse(shape.kind().initialStatus());
        String applicationId = body.optionalId("applicationId").orElse(null);
        if (applicationId != null && applications.find(admin.tenantId(), applicationId).isEmpty()) {
            throw new ApiException(422, "unknown_application", "Application '" + applicationId + "' is not registered in this tenant.", "$.applicationId");
        }
        String controlId = body.optionalChoice("controlId", Iso42001.CLAUSES).orElse(null);
        String incidentId = body.optionalString("incidentId", 256).orElse(null);
        if (incidentId != null && Arrays.stream(Incident.Type.values()).noneMatch(t -> incidentId.startsWith(t.json() + ":"))) {
            throw ApiException.badRequest("invalid_value", "incidentId must be an incident id of GET /v1/incidents (alert:…, "
                    + "guardrail_bypass:…, high_risk_without_oversight:…, anchoring_failure:…).", "$.incidentId");
        }
        Instant now = clock.instant();
        Optional<String> idempotencyKey = request.header("idempotency-key").filter(k -> !k.isBlank());
        String id = shape.kind().idPrefix() + idempotencyKey
                .map(k -> ContentIds.of(admin.tenantId(), k).substring(0, 20))
                .orElseGet(() -> ApiKeys.newKeyId().substring(4));
        PlanItem item = new PlanItem(shape.kind(), admin.tenantId(), id, title,
                body.optionalString("description", 4000).orElse(null), owner, date, status, applicationId,
                controlId, incidentId, null, 1, now, admin.keyId(), now, admin.keyId());
        if (!plans.create(item, event(shape, admin, "create", item))) {
            // only an Idempotency-Key can name an existing item: the request is a retry, or a reused key
            PlanItem existing = plans.find(admin.tenantId(), shape.kind(), id).orElseThrow();
            if (!existing.title().equals(item.title()) || !existing.dueDate().equals(item.dueDate())) {
                throw new ApiException(409, "idempotency_key_reused", "This Idempotency-Key already created " + existing.id()
                        + " with another " + shape.titleField() + " or " + shape.dateField() + "; use a new key for a new item.");
            }
            return ApiResponse.json(200, existing.view());
        }
        return ApiResponse.json(201, item.view());
    }

    private APIGatewayV2HTTPResponse update(Shape shape, Principal admin, ApiRequest request) {
        String id = request.pathParameter("id");
        PlanItem current = plans.find(admin.tenantId(), shape.kind(), id).orElseThrow(() -> ApiException.notFound(shape.resource() + " item " + id));
        JsonFields body = JsonFields.of(request.jsonBody(), "status", "owner", shape.dateField(), "note");
        if (!body.has("status") && !body.has("owner") && !body.has(shape.dateField()) && !body.has("note")) {
            throw ApiException.badRequest("missing_field", "Nothing to change: send at least one of status, owner, " + shape.dateField() + ", note.", "$");
        }
        PlanItem updated = new PlanItem(shape.kind(), current.tenantId(), current.id(), current.title(), current.description(),
                body.optionalString("owner", 256).orElse(current.owner()),
                body.optionalDate(shape.dateField()).orElse(current.dueDate()),
                body.optionalChoice("status", shape.kind().statuses()).orElse(current.status()),
                current.applicationId(), current.controlId(), current.incidentId(), body.optionalString("note", 4000).orElse(current.note()),
                current.version() + 1, current.createdAt(), current.createdBy(), clock.instant(), admin.keyId());
        if (!plans.update(updated, event(shape, admin, "update", updated))) {
            throw new ApiException(409, "concurrent_update", "The item changed while this request was processed; read it again and retry.");
        }
        return ApiResponse.json(200, updated.view());
    }

    private APIGatewayV2HTTPResponse list(Shape shape, Principal caller) {
        return ApiResponse.json(200, Map.of("items", plans.list(caller.tenantId(), shape.kind()).stream()
                .filter(item -> item.applicationId() == null ? Scope.seesTenantWideRecords(caller) : caller.mayRead(item.applicationId()))
                .map(PlanItem::view).toList()));
    }

    private static AuditEvent event(Shape shape, Principal admin, String verb, PlanItem item) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", item.status());
        details.put("version", item.version());
        if (item.owner() != null) details.put("owner", item.owner());
        if (item.dueDate() != null) details.put(shape.dateField(), item.dueDate().toString());
        if (item.applicationId() != null) details.put("applicationId", item.applicationId());
        if (item.controlId() != null) details.put("controlId", item.controlId());
        if (item.incidentId() != null) details.put("incidentId", item.incidentId());
        return new AuditEvent(admin.keyId(), shape.resource() + "." + verb, shape.resource() + "/" + item.id(), details);
    }
}
