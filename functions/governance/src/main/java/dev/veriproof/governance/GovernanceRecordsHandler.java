package dev.veriproof.governance;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.veriproof.adapters.http.JsonFields;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.governance.DeploymentStore;
import dev.veriproof.core.governance.GuardrailConfig;
import dev.veriproof.core.governance.GuardrailStore;
import dev.veriproof.core.governance.SdkTelemetryStore;
import dev.veriproof.core.governance.SdkVersion;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An application's governance records (admin, auditor; writes admin only):
 * {@code GET /v1/applications/{id}/deployments}, {@code .../sdk-health}, {@code .../sdk-versions},
 * {@code GET|PUT /v1/applications/{id}/guardrails} and {@code GET .../guardrails/{version}}, which
 * resolves a session's {@code guardrails[].configVersion} to the configuration it names.
 *
 * <p>A guardrail configuration is {@code {"guardrails": [{"name", "enabled"?, "settings"?}], "note"?}}.
 * Every PUT that changes it stores a new version (1, 2, ...) with who and when, and an audit entry,
 * in one transaction; a PUT of the configuration already current changes nothing and answers 200.
 */
public final class GovernanceRecordsHandler extends ApiHandler {
    private static final int MAX_GUARDRAILS = 64;
    private static final int PUT_ATTEMPTS = 10;

    private final ApplicationStore applications;
    private final DeploymentStore deployments;
    private final SdkTelemetryStore sdk;
    private final GuardrailStore guardrails;
    private final Clock clock;

    public GovernanceRecordsHandler() {
        this(new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), Config.governanceTable()),
                GovernanceStores.deployments(), GovernanceStores.sdk(), GovernanceStores.guardrails(), Clock.systemUTC());
    }

    GovernanceRecordsHandler(ApplicationStore applications, DeploymentStore deployments, SdkTelemetryStore sdk,
                             GuardrailStore guardrails, Clock clock) {
        this.applications = applications;
        this.deployments = deployments;
        this.sdk = sdk;
        this.guardrails = guardrails;
        this.clock = clock;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/applications/{id}/guardrails", Role.ADMIN, null);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        if (request.routeKey().equals("PUT /v1/applications/{id}/guardrails")) {
            Principal admin = request.requireRole(Role.ADMIN);
            return putGuardrails(admin, Scope.readableApplication(applications, admin, request.pathParameter("id")).applicationId(), request.jsonBody());
        }
        Principal caller = request.requireRole(Role.ADMIN, Role.AUDITOR);
        String tenant = caller.tenantId();
        String app = Scope.readableApplication(applications, caller, request.pathParameter("id")).applicationId();
        return switch (request.routeKey()) {
            case "GET /v1/applications/{id}/deployments" -> ApiResponse.json(200, Map.of("applicationId", app, "deployments",
                    deployments.list(tenant, app).stream().map(d -> RecordsIngestHandler.deploymentView(d, false)).toList()));
            case "GET /v1/applications/{id}/sdk-health" -> ApiResponse.json(200, Map.of("applicationId", app, "reports",
                    sdk.healthReports(tenant, app).stream().map(r -> {
                        Map<String, Object> view = new LinkedHashMap<>();
                        view.put("report", Json.parse(r.canonicalReport()));
                        view.put("sha256", r.sha256());
                        view.put("receivedAt", r.receivedAt().toString());
                        return view;
                    }).toList()));
            case "GET /v1/applications/{id}/sdk-versions" -> ApiResponse.json(200, Map.of("applicationId", app, "versions",
                    sdk.versions(tenant, app).stream().map(GovernanceRecordsHandler::versionView).toList()));
            case "GET /v1/applications/{id}/guardrails" -> {
                List<GuardrailConfig> history = guardrails.history(tenant, app);
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("applicationId", app);
                view.put("currentVersion", history.isEmpty() ? null : Long.toString(history.get(history.size() - 1).version()));
                view.put("versions", history.stream().map(GovernanceRecordsHandler::guardrailView).toList());
                yield ApiResponse.json(200, view);
            }
            case "GET /v1/applications/{id}/guardrails/{version}" -> {
                String version = request.pathParameter("version");
                yield ApiResponse.json(200, guardrailView(parseVersion(version)
                        .flatMap(v -> guardrails.find(tenant, app, v))
                        .orElseThrow(() -> ApiException.notFound("Guardrail configuration version " + version + " of application " + app))));
            }
            default -> throw noSuchRoute(request);
        };
    }

    private APIGatewayV2HTTPResponse putGuardrails(Principal admin, String app, JsonNode json) {
        JsonFields body = JsonFields.of(json, "guardrails", "note");
        ArrayNode list = body.requiredArray("guardrails", 1, MAX_GUARDRAILS);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonFields guardrail = JsonFields.at(list.get(i), "$.guardrails[" + i + "]", "name", "enabled", "settings");
            String name = guardrail.requiredString("name", 128);
            if (!names.add(name)) {
                throw ApiException.badRequest("invalid_value", "Guardrail '" + name + "' is listed twice; list each guardrail once.", guardrail.field("name"));
            }
            guardrail.optionalBoolean("enabled");
            if (guardrail.has("settings")) guardrail.requiredFreeObject("settings", 16 * 1024);
        }
        String note = body.optionalString("note", 2000).orElse(null);
        String sha256 = Hashes.hex(Hashes.sha256(Canonical.jcs(list)));
        for (int attempt = 0; attempt < PUT_ATTEMPTS; attempt++) {
            Optional<GuardrailConfig> latest = guardrails.latest(admin.tenantId(), app);
            if (latest.isPresent() && latest.get().sha256().equals(sha256)) {
                Map<String, Object> view = guardrailView(latest.get());
                view.put("changed", false);
                return ApiResponse.json(200, view);
            }
            long version = latest.map(GuardrailConfig::version).orElse(0L) + 1;
            GuardrailConfig config = new GuardrailConfig(admin.tenantId(), app, version, list, note, sha256, clock.instant(), admin.keyId());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("version", Long.toString(version));
            details.put("sha256", sha256);
            details.put("guardrails", names.stream().sorted().toList());
            if (note != null) details.put("note", note);
            if (guardrails.putVersion(config, new AuditEvent(admin.keyId(), "guardrails.update", "application/" + app, details))) {
                Map<String, Object> view = guardrailView(config);
                view.put("changed", true);
                return ApiResponse.json(201, view);
            }
        }
        throw new ApiException(409, "concurrent_update", "The guardrail configuration kept changing while this request was processed; read it again and retry.");
    }

    private static Optional<Long> parseVersion(String text) {
        if (!text.matches("[1-9][0-9]{0,9}")) return Optional.empty();
        return Optional.of(Long.parseLong(text));
    }

    static Map<String, Object> guardrailView(GuardrailConfig c) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("applicationId", c.applicationId());
        view.put("version", Long.toString(c.version()));
        view.put("guardrails", c.guardrails());
        view.put("note", c.note());
        view.put("sha256", c.sha256());
        view.put("createdAt", c.createdAt().toString());
        view.put("createdBy", c.createdBy());
        return view;
    }

    private static Map<String, Object> versionView(SdkVersion v) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("sdk", Map.of("name", v.sdkName(), "version", v.sdkVersion()));
        view.put("firstSeen", v.firstSeen().toString());
        view.put("lastSeen", v.lastSeen().toString());
        view.put("sources", v.sources().stream().sorted().toList());
        return view;
    }
}
