package dev.veriproof.governance;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.adapters.http.JsonFields;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.chain.Web3jSigner;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.governance.DeploymentRecord;
import dev.veriproof.core.governance.DeploymentStore;
import dev.veriproof.core.governance.SdkHealthReport;
import dev.veriproof.core.governance.SdkTelemetryStore;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.signing.Signer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ingest side of the governance records (SPEC §4; roles ingest and admin):
 * <ul>
 * <li>{@code POST /v1/deployments}: a deployment context record, stored with the SHA-256 of its
 * canonical JSON (RFC 8785) and the deployment signer's EIP-191 signature of those bytes, both
 * returned. The SHA-256 identifies the record: sending it again answers 200 with the stored one.</li>
 * <li>{@code POST /v1/sdk-health}: an SDK health report. {@code applicationId}, {@code sdk.name},
 * {@code sdk.version}, {@code exportSuccessRate}, {@code circuitBreaker} and {@code reportedAt} are
 * required; {@code latencyMs}, {@code queueDepth} and {@code droppedSessions} optional. The report
 * also moves the first/last seen of its SDK version.</li>
 * </ul>
 */
public final class RecordsIngestHandler extends ApiHandler {
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final String[] DEPLOYMENT_FIELDS = {"applicationId", "version", "intendedUse", "environment", "adapter", "deployedAt"};
    private static final String[] HEALTH_FIELDS = {"applicationId", "sdk", "exportSuccessRate", "circuitBreaker", "latencyMs",
            "queueDepth", "droppedSessions", "reportedAt"};

    enum CircuitBreaker { CLOSED, OPEN, HALF_OPEN }

    /** A health report of an application that no tenant has: answered 422 after one read. */
    private static final String SDK_HEALTH_SAMPLE = "{\"applicationId\":\"" + PRIMING + "\"}";

    private final DeploymentStore deployments;
    private final SdkTelemetryStore sdk;
    private final ApplicationStore applications;
    private final Signer signer;
    private final Clock clock;

    public RecordsIngestHandler() {
        this(GovernanceStores.deployments(), GovernanceStores.sdk(), new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), Config.governanceTable()),
                Web3jSigner.fromConfig(), Clock.systemUTC());
    }

    RecordsIngestHandler(DeploymentStore deployments, SdkTelemetryStore sdk, ApplicationStore applications, Signer signer, Clock clock) {
        this.deployments = deployments;
        this.sdk = sdk;
        this.applications = applications;
        this.signer = signer;
        this.clock = clock;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("POST /v1/sdk-health", Role.INGEST, SDK_HEALTH_SAMPLE);
    }

    @Override
    protected void warmUp() {
        signer.signPersonalMessage(Canonical.jcs(Json.parse("{\"warm\":\"up\"}")));
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return switch (request.routeKey()) {
            case "POST /v1/deployments" -> deployment(request.requireRole(Role.INGEST, Role.ADMIN), body(request));
            case "POST /v1/sdk-health" -> health(request.requireRole(Role.INGEST, Role.ADMIN), body(request));
            default -> throw noSuchRoute(request);
        };
    }

    private static JsonNode body(ApiRequest request) {
        return request.jsonBody(MAX_BODY_BYTES);
    }

    private APIGatewayV2HTTPResponse deployment(Principal caller, JsonNode json) {
        Instant now = clock.instant();
        JsonFields body = JsonFields.of(json, DEPLOYMENT_FIELDS);
        String applicationId = registered(caller, body);
        String version = body.requiredString("version", 128);
        body.requiredString("intendedUse", 4000);
        body.requiredString("environment", 64);
        body.requiredFreeObject("adapter", 32 * 1024);
        Instant deployedAt = body.requiredPastInstant("deployedAt", now);
        DeploymentRecord signed = DeploymentRecord.sign(caller.tenantId(), applicationId, version, deployedAt, json, signer, now, caller.keyId());
        Optional<DeploymentRecord> existing = deployments.putIfAbsent(signed);
        return ApiResponse.json(existing.isPresent() ? 200 : 201, deploymentView(existing.orElse(signed), existing.isPresent()));
    }

    static Map<String, Object> deploymentView(DeploymentRecord d, boolean duplicate) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", d.sha256());
        view.put("applicationId", d.applicationId());
        view.put("version", d.version());
        view.put("deployedAt", d.deployedAt().toString());
        view.put("record", Json.parse(d.canonicalRecord()));
        view.put("canonicalRecord", d.canonicalRecord());
        view.put("sha256", d.sha256());
        view.put("signature", d.signature());
        view.put("signatureScheme", "EIP-191 personal_sign over the canonical record's UTF-8 bytes");
        view.put("signerAddress", d.signerAddress());
        view.put("recordedAt", d.recordedAt().toString());
        view.put("duplicate", duplicate);
        return view;
    }

    private APIGatewayV2HTTPResponse health(Principal caller, JsonNode json) {
        Instant now = clock.instant();
        JsonFields body = JsonFields.of(json, HEALTH_FIELDS);
        String applicationId = registered(caller, body);
        JsonFields sdkBody = body.requiredObject("sdk", "name", "version");
        String sdkName = sdkBody.requiredString("name", 128);
        String sdkVersion = sdkBody.requiredString("version", 64);
        body.requiredNumber("exportSuccessRate", 0, 1);
        body.requiredEnum("circuitBreaker", CircuitBreaker.class);
        body.optionalObject("latencyMs", "p50", "p95", "p99").ifPresent(latency -> {
            double p50 = latency.requiredNonNegative("p50");
            double p95 = latency.requiredNonNegative("p95");
            double p99 = latency.requiredNonNegative("p99");
            if (p95 < p50) throw ApiException.badRequest("invalid_value", "latencyMs.p95 must not be below p50.", latency.field("p95"));
            if (p99 < p95) throw ApiException.badRequest("invalid_value", "latencyMs.p99 must not be below p95.", latency.field("p99"));
        });
        body.optionalCount("queueDepth");
        body.optionalCount("droppedSessions");
        Instant reportedAt = body.requiredPastInstant("reportedAt", now);
        byte[] canonical = Canonical.jcs(json);
        SdkHealthReport report = new SdkHealthReport(caller.tenantId(), applicationId, sdkName, sdkVersion, reportedAt,
                new String(canonical, StandardCharsets.UTF_8), Hashes.hex(Hashes.sha256(canonical)), now);
        boolean stored = sdk.putIfAbsent(report);
        sdk.sawSdk(caller.tenantId(), applicationId, sdkName, sdkVersion, reportedAt, "health");
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("applicationId", applicationId);
        view.put("sha256", report.sha256());
        view.put("status", stored ? "stored" : "duplicate");
        view.put("duplicate", !stored);
        return ApiResponse.json(stored ? 201 : 200, view);
    }

    private String registered(Principal caller, JsonFields body) {
        String applicationId = body.requiredId("applicationId");
        if (applications.find(caller.tenantId(), applicationId).isEmpty()) {
            throw new ApiException(422, "unknown_application", "Application '" + applicationId
                    + "' is not registered in this tenant; register it with POST /v1/applications first.", "$.applicationId");
        }
        return applicationId;
    }
}
