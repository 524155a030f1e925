package dev.veriproof.evidence;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.adapters.http.JsonFields;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.audit.AuditLog;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.evidence.ExportStore;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Evidence exports (SPEC §9, §11): {@code POST /v1/exports} (admin; 202), {@code GET /v1/exports},
 * {@code GET /v1/exports/{id}} and {@code GET /v1/exports/{id}/download} (admin or auditor), the last
 * answering a presigned URL valid for at most 15 minutes and writing an audit entry.
 */
public final class ExportsHandler extends ApiHandler {
    private final ExportStore exports;
    private final ExportLauncher launcher;
    private final ApplicationStore applications;
    private final EvidenceBucket bucket;
    private final AuditLog audit;
    private final Clock clock;

    public ExportsHandler() {
        this(Evidence.exports(), SfnExportStarter.fromConfig(),
                new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), Config.governanceTable()),
                EvidenceBucket.fromConfig(), Evidence.auditLog(), Clock.systemUTC());
    }

    ExportsHandler(ExportStore exports, ExportStarter starter, ApplicationStore applications, EvidenceBucket bucket, AuditLog audit, Clock clock) {
        this.exports = exports;
        this.launcher = new ExportLauncher(exports, starter, clock);
        this.applications = applications;
        this.bucket = bucket;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/exports", Role.ADMIN, null);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return switch (request.routeKey()) {
            case "POST /v1/exports" -> start(request.requireRole(Role.ADMIN), request.jsonBody());
            case "GET /v1/exports" -> {
                Principal p = request.requireRole(Role.ADMIN, Role.AUDITOR);
                List<Map<String, Object>> list = exports.list(p.tenantId()).stream().filter(j -> visible(p, j)).map(ExportsHandler::view).toList();
                yield ApiResponse.json(200, Map.of("exports", list));
            }
            case "GET /v1/exports/{id}" -> {
                Principal p = request.requireRole(Role.ADMIN, Role.AUDITOR);
                yield ApiResponse.json(200, view(find(p, request.pathParameter("id"))));
            }
            case "GET /v1/exports/{id}/download" -> download(request.requireRole(Role.ADMIN, Role.AUDITOR), request.pathParameter("id"));
            case "POST /v1/exports/{id}/retry" -> retry(request.requireRole(Role.ADMIN), request.pathParameter("id"));
            default -> throw noSuchRoute(request);
        };
    }

    private APIGatewayV2HTTPResponse start(Principal admin, JsonNode body) {
        JsonFields fields = JsonFields.of(body, "framework", "from", "to", "applications");
        String framework = fields.requiredString("framework", JsonFields.MAX_ID);
        if (!framework.equals(ExportRequest.Framework.ISO_42001.name())) {
            throw ApiException.badRequest("invalid_value", "framework must be ISO_42001", "$.framework");
        }
        LocalDate from = fields.requiredDate("from");
        LocalDate to = fields.requiredDate("to");
        if (to.isBefore(from)) throw ApiException.badRequest("invalid_value", "to must not be before from", "$.to");
        if (to.toEpochDay() - from.toEpochDay() + 1 > ExportRequest.MAX_DAYS) {
            throw ApiException.badRequest("invalid_value", "the period must not exceed " + ExportRequest.MAX_DAYS + " days", "$.to");
        }
        if (to.isAfter(LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC))) {
            throw ApiException.badRequest("invalid_value", "to must not be in the future: a package covers days that have ended or are today", "$.to");
        }
        Set<String> known = new TreeSet<>();
        for (Application a : applications.list(admin.tenantId())) known.add(a.applicationId());
        List<String> apps = fields.optionalIdList("applications", 100).orElse(List.of());
        for (int i = 0; i < apps.size(); i++) {
            if (!known.contains(apps.get(i)) || !admin.mayRead(apps.get(i))) {
                throw ApiException.badRequest("unknown_application", "Application '" + apps.get(i) + "' is not registered in this tenant.",
                        "$.applications[" + i + "]");
            }
        }
        if (apps.isEmpty() && !admin.applications().isEmpty()) apps = List.copyOf(new TreeSet<>(admin.applications()));
        ExportRequest request = new ExportRequest(admin.tenantId(), ExportRequest.Framework.ISO_42001, from, to, List.copyOf(new TreeSet<>(apps)));
        String id = "exp_" + UUID.randomUUID().toString().replace("-", "");
        ExportJob job;
        try {
            job = launcher.start(id, request, ExportJob.Trigger.API, admin.keyId()).job();
        } catch (RuntimeException e) {
            dev.veriproof.adapters.Log.error("evidence export not started", e, "exportId", id);
            throw new ApiException(503, "export_not_started", "Export " + id + " could not be started and is recorded as FAILED; retry later.");
        }
        return ApiResponse.json(202, view(job));
    }

    /** A FAILED export runs again under the same id (its audit trail shows each run); 409 for any other status. */
    private APIGatewayV2HTTPResponse retry(Principal admin, String id) {
        ExportJob job = find(admin, id);
        if (job.status() != ExportJob.Status.FAILED) {
            throw new ApiException(409, "export_not_failed", "Export " + id + " is " + job.status() + "; only a FAILED export can be retried.");
        }
        Optional<ExportJob> running;
        try {
            running = launcher.retry(job, admin.keyId());
        } catch (RuntimeException e) {
            dev.veriproof.adapters.Log.error("evidence export retry not started", e, "exportId", id);
            throw new ApiException(503, "export_not_started", "Export " + id + " could not be started again and is recorded as FAILED; retry later.");
        }
        return ApiResponse.json(202, view(running.orElseGet(() -> find(admin, id))));
    }

    private APIGatewayV2HTTPResponse download(Principal principal, String id) {
        ExportJob job = find(principal, id);
        if (job.status() != ExportJob.Status.SUCCEEDED) {
            throw new ApiException(409, "export_not_ready", "Export " + id + " is " + job.status() + "; only a SUCCEEDED export can be downloaded.");
        }
        Instant expiresAt = clock.instant().plus(EvidenceBucket.MAX_LINK);
        URI url = bucket.presignGet(job.objectKey().orElseThrow(), EvidenceBucket.MAX_LINK);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("role", principal.role().name());
        details.put("expiresAt", expiresAt.toString());
        audit.append(principal.tenantId(), new AuditEvent(principal.keyId(), "exports.download", "export/" + id, details));
        return ApiResponse.json(200, Map.of("url", url.toString(), "expiresAt", expiresAt.toString()));
    }

    private ExportJob find(Principal principal, String id) {
        return exports.find(principal.tenantId(), id).filter(j -> visible(principal, j)).orElseThrow(() -> ApiException.notFound("Export " + id));
    }

    /** An application-scoped key sees only exports limited to its applications. */
    private static boolean visible(Principal p, ExportJob job) {
        return p.applications().isEmpty() || !job.request().applications().isEmpty() && job.request().applications().stream().allMatch(p::mayRead);
    }

    static Map<String, Object> view(ExportJob job) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", job.exportId());
        view.put("framework", job.request().framework().name());
        view.put("from", job.request().from().toString());
        view.put("to", job.request().to().toString());
        view.put("applications", job.request().applications());
        view.put("status", job.status().name());
        view.put("trigger", job.trigger().name());
        view.put("createdAt", job.createdAt().toString());
        job.finishedAt().ifPresent(t -> view.put("finishedAt", t.toString()));
        job.failureReason().ifPresent(r -> view.put("reason", r));
        job.sessions().ifPresent(n -> view.put("sessions", n));
        if (job.attempt() > 1) view.put("attempt", job.attempt());
        return view;
    }
}
