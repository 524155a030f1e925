package dev.veriproof.governance;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoRiskStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.adapters.http.JsonFields;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.risk.RiskStore;
import dev.veriproof.core.risk.RiskClassifier;
import dev.veriproof.core.session.RiskLevel;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST/GET /v1/applications}, {@code GET/PATCH /v1/applications/{id}},
 * {@code GET /v1/applications/{id}/history}: the registered AI applications of a tenant. Every
 * change is stored with its history version and its audit log entry in one transaction.
 */
public final class ApplicationsHandler extends ApiHandler {
    static final Set<RiskLevel> DECLARABLE = EnumSet.of(RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL);
    private static final String[] FIELDS = {"applicationId", "name", "declaredRiskLevel", "scoreTarget", "owner", "redaction"};
    private static final String[] MUTABLE_FIELDS = {"name", "declaredRiskLevel", "scoreTarget", "owner", "redaction"};

    private final ApplicationStore applications;
    private final RiskStore risks;
    private final Clock clock;

    public ApplicationsHandler() {
        this(new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), Config.governanceTable(),
                        new DynamoAuditLog(AwsClients.dynamoDb(), Config.governanceTable(), Clock.systemUTC())),
                new DynamoRiskStore(AwsClients.dynamoDb(), Config.governanceTable()), Clock.systemUTC());
    }

    ApplicationsHandler(ApplicationStore applications, RiskStore risks, Clock clock) {
        this.applications = applications;
        this.risks = risks;
        this.clock = clock;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/applications", Role.ADMIN, null);
    }

    /**
     * What the priming tenant's empty listing does not reach: an application and its risk classification found (the
     * stores' read paths, offline) and rendered into an answer.
     */
    @Override
    protected void warmUp() {
        Application found = DynamoApplicationStore.warmUpMapping();
        RiskStore.Classification risk = DynamoRiskStore.warmUpRead();
        ApiResponse.json(200, Map.of("applications", List.of(view(found, Optional.of(risk.observed())))));
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return switch (request.routeKey()) {
            case "POST /v1/applications" -> create(request.requireRole(Role.ADMIN), request);
            case "GET /v1/applications" -> list(request.requireRole(Role.ADMIN, Role.AUDITOR));
            case "GET /v1/applications/{id}" -> ApiResponse.json(200, view(readable(request.requireRole(Role.ADMIN, Role.AUDITOR), request.pathParameter("id"))));
            case "GET /v1/applications/{id}/history" -> history(request.requireRole(Role.ADMIN, Role.AUDITOR), request.pathParameter("id"));
            case "PATCH /v1/applications/{id}" -> update(request.requireRole(Role.ADMIN), request);
            default -> throw noSuchRoute(request);
        };
    }

    private APIGatewayV2HTTPResponse create(Principal admin, ApiRequest request) {
        JsonFields body = JsonFields.of(request.jsonBody(), FIELDS);
        String id = body.requiredId("applicationId");
        Instant now = clock.instant();
        Application app = new Application(admin.tenantId(), id, body.requiredString("name", JsonFields.MAX_NAME),
                body.requiredEnum("declaredRiskLevel", RiskLevel.class, DECLARABLE),
                body.optionalInt("scoreTarget", 0, 100).orElseThrow(() -> ApiException.badRequest("missing_field", "scoreTarget is required.", "$.scoreTarget")),
                body.requiredString("owner", JsonFields.MAX_NAME), redaction(body).orElse(RedactionPolicy.NONE), 1, now, now);
        if (!applications.create(app, admin.keyId())) {
            throw new ApiException(409, "application_exists", "Application '" + id + "' is already registered; change it with PATCH /v1/applications/" + id + ".", "$.applicationId");
        }
        return ApiResponse.json(201, view(app));
    }

    private APIGatewayV2HTTPResponse update(Principal admin, ApiRequest request) {
        Application current = readable(admin, request.pathParameter("id"));
        JsonFields body = JsonFields.of(request.jsonBody(), MUTABLE_FIELDS);
        if (List.of(MUTABLE_FIELDS).stream().noneMatch(body::has)) {
            throw ApiException.badRequest("missing_field", "Nothing to change: send at least one of " + String.join(", ", MUTABLE_FIELDS) + ".", "$");
        }
        Application updated = new Application(current.tenantId(), current.applicationId(),
                body.optionalString("name", JsonFields.MAX_NAME).orElse(current.name()),
                body.optionalEnum("declaredRiskLevel", RiskLevel.class, DECLARABLE).orElse(current.declaredRiskLevel()),
                body.optionalInt("scoreTarget", 0, 100).orElse(current.scoreTarget()),
                body.optionalString("owner", JsonFields.MAX_NAME).orElse(current.owner()),
                redaction(body).orElse(current.redaction()),
                current.version() + 1, current.createdAt(), clock.instant());
        if (!applications.update(updated, admin.keyId())) {
            throw new ApiException(409, "concurrent_update", "The application changed while this request was processed; read it again and retry.");
        }
        return ApiResponse.json(200, view(updated));
    }

    private APIGatewayV2HTTPResponse list(Principal caller) {
        return ApiResponse.json(200, Map.of("applications", applications.list(caller.tenantId()).stream()
                .filter(app -> caller.mayRead(app.applicationId())).map(this::view).toList()));
    }

    private APIGatewayV2HTTPResponse history(Principal caller, String id) {
        readable(caller, id);
        return ApiResponse.json(200, Map.of("applicationId", id, "versions",
                applications.history(caller.tenantId(), id).stream().map(app -> view(app, Optional.empty())).toList()));
    }

    /** The application, if it is the caller's tenant's and the caller may see it; 404 otherwise. */
    private Application readable(Principal caller, String id) {
        return applications.find(caller.tenantId(), id)
                .filter(app -> caller.mayRead(app.applicationId()))
                .orElseThrow(() -> ApiException.notFound("Application " + id));
    }

    private static Optional<RedactionPolicy> redaction(JsonFields body) {
        return body.optionalObject("redaction", "captureContent", "redactFields").map(r -> {
            List<String> fields = r.optionalStringList("redactFields", 0, 64, JsonFields.MAX_NAME).orElse(List.of());
            for (int i = 0; i < fields.size(); i++) {
                if (!RedactionPolicy.isRedactableField(fields.get(i))) {
                    throw ApiException.badRequest("invalid_value", "redactFields entries name a field as attributes.<name> or content.<name>, got \""
                            + JsonFields.shorten(fields.get(i)) + "\".", "$.redaction.redactFields[" + i + "]");
                }
            }
            return new RedactionPolicy(r.optionalBoolean("captureContent").orElse(true), fields);
        });
    }

    /** The application with its current effective risk: the higher of declared and observed (SPEC §5). */
    private Map<String, Object> view(Application app) {
        return view(app, risks.find(app.tenantId(), app.applicationId()).map(RiskStore.Classification::observed));
    }

    private static Map<String, Object> view(Application app, Optional<RiskLevel> observed) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("applicationId", app.applicationId());
        view.put("name", app.name());
        view.put("declaredRiskLevel", app.declaredRiskLevel().name());
        view.put("scoreTarget", app.scoreTarget());
        view.put("owner", app.owner());
        view.put("redaction", Map.of("captureContent", app.redaction().captureContent(), "redactFields", app.redaction().redactFields()));
        Map<String, Object> risk = new LinkedHashMap<>();
        risk.put("declared", app.declaredRiskLevel().name());
        risk.put("observed", observed.map(RiskLevel::name).orElse(null));
        risk.put("effective", RiskClassifier.effective(app.declaredRiskLevel(), observed.orElse(null)).name());
        view.put("risk", risk);
        view.put("version", app.version());
        view.put("createdAt", app.createdAt().toString());
        view.put("updatedAt", app.updatedAt().toString());
        return view;
    }
}
