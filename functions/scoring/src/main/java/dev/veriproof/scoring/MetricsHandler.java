package dev.veriproof.scoring;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.aggregation.ApplicationMetrics;
import dev.veriproof.core.aggregation.Monitoring;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.governance.SdkHealthState;
import dev.veriproof.core.governance.SdkTelemetryStore;
import dev.veriproof.core.risk.RiskClassifier;
import dev.veriproof.core.risk.RiskStore;
import dev.veriproof.core.scoring.Band;
import dev.veriproof.core.session.RiskLevel;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /v1/applications/{id}/metrics} (SPEC §11), read from the daily rollups only, and
 * {@code GET /v1/applications/{id}/risk}: the risk classification and every change of it.
 */
public final class MetricsHandler extends ApiHandler {
    private final ApplicationStore applications;
    private final RollupStore rollups;
    private final RiskStore risks;
    private final SdkTelemetryStore sdk;
    private final Clock clock;

    public MetricsHandler() {
        this(Scoring.applications(), Scoring.rollups(), Scoring.risks(), Scoring.sdk(), Clock.systemUTC());
    }

    MetricsHandler(ApplicationStore applications, RollupStore rollups, RiskStore risks, SdkTelemetryStore sdk, Clock clock) {
        this.applications = applications;
        this.rollups = rollups;
        this.risks = risks;
        this.sdk = sdk;
        this.clock = clock;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/applications/{id}/metrics", Role.ADMIN, null);
    }

    /**
     * The priming request stops at the application lookup (tenant {@value #PRIMING} has none), so the metrics and risk
     * answers are built here for a made-up application of that tenant: every store read they make (rollups, model
     * rollups, risk, SDK states) runs and finds nothing, and the answers are serialized.
     */
    @Override
    protected void warmUp() {
        Instant epoch = Instant.EPOCH;
        Application made = new Application(PRIMING, PRIMING, PRIMING, RiskLevel.LOW, 75, PRIMING, RedactionPolicy.NONE, 1, epoch, epoch);
        ApiResponse.json(200, metrics(made));
        ApiResponse.json(200, risk(made));
        DynamoApplicationStore.warmUpMapping();
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return switch (request.routeKey()) {
            case "GET /v1/applications/{id}/metrics" -> ApiResponse.json(200, metrics(readable(request)));
            case "GET /v1/applications/{id}/risk" -> ApiResponse.json(200, risk(readable(request)));
            default -> throw noSuchRoute(request);
        };
    }

    private Application readable(ApiRequest request) {
        Principal caller = request.requireRole(Role.ADMIN, Role.AUDITOR);
        String id = request.pathParameter("id");
        return applications.find(caller.tenantId(), id).filter(app -> caller.mayRead(app.applicationId()))
                .orElseThrow(() -> ApiException.notFound("Application " + id));
    }

    private Map<String, Object> metrics(Application app) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        ApplicationMetrics m = ApplicationMetrics.of(rollups.read(app.tenantId(), app.applicationId(), today.minusDays(29), today), today);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("applicationId", app.applicationId());
        body.put("asOf", now.toString());
        body.put("rolling7d", window(m.rolling7d()));
        body.put("rolling30d", window(m.rolling30d()));
        body.put("guardrailFailureRate", m.guardrailFailureRate());
        body.put("anchorCoverage", m.anchorCoverage());
        body.put("humanOversightCoverage", m.humanOversightCoverage());
        body.put("risk", riskLevels(app));
        body.put("scoreTarget", app.scoreTarget());
        Double average = m.rolling7d().averageScore();
        body.put("meetsTarget", average == null ? null : average >= app.scoreTarget());
        body.put("daily", m.daily().stream().map(day -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("date", day.date().toString());
            d.put("sessions", day.sessions());
            d.put("averageScore", day.averageScore());
            Map<String, Long> bands = new LinkedHashMap<>();
            for (Band band : Band.values()) bands.put(band.name(), day.bands().get(band));
            d.put("bands", bands);
            return d;
        }).toList());
        body.put("outcomes", Monitoring.outcomes(m.rolling30d()));
        body.put("byModel", Monitoring.byModel(rollups.readModels(app.tenantId(), app.applicationId(), today.minusDays(29), today),
                m.rolling30d(), today).stream().map(MetricsHandler::modelUsage).toList());
        Monitoring.ContentSafety safety = Monitoring.contentSafety(m.rolling30d());
        Map<String, Object> contentSafety = new LinkedHashMap<>();
        contentSafety.put("flaggedSessions", safety.flaggedSessions());
        contentSafety.put("flaggedRate", safety.flaggedRate());
        contentSafety.put("byFlag", safety.byFlag());
        body.put("contentSafety", contentSafety);
        body.put("sdkHealth", sdkHealth(sdk.healthStates(app.tenantId(), app.applicationId()), now));
        return body;
    }

    private static Map<String, Object> modelUsage(Monitoring.ModelUsage usage) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("model", usage.model());
        model.put("sessions", usage.sessions());
        model.put("averageScore", usage.averageScore());
        model.put("guardrailFailureRate", usage.guardrailFailureRate());
        return model;
    }

    /** The SDK health summary: one word for the application, and the latest report of each current SDK version. */
    static Map<String, Object> sdkHealth(List<SdkHealthState> states, Instant now) {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("state", SdkHealthState.overall(states, now).name());
        health.put("versions", SdkHealthState.current(states, now).stream().map(s -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("sdk", Map.of("name", s.sdkName(), "version", s.sdkVersion()));
            v.put("lastReportAt", s.lastReportAt().toString());
            v.put("silent", s.silent(now));
            v.put("circuitBreaker", s.circuitBreaker());
            v.put("exportSuccessRate", s.exportSuccessRate());
            v.put("p95LatencyMs", s.p95LatencyMs());
            v.put("queueDepth", s.queueDepth());
            v.put("droppedSessions", s.droppedSessions());
            return v;
        }).toList());
        return health;
    }

    private static Map<String, Object> window(ApplicationMetrics.Window w) {
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("sessions", w.sessions());
        window.put("averageScore", w.averageScore());
        return window;
    }

    /** Declared now, observed as last classified from the stream, effective the higher of the two. */
    private Map<String, Object> riskLevels(Application app) {
        RiskLevel observed = risks.find(app.tenantId(), app.applicationId()).map(RiskStore.Classification::observed).orElse(null);
        Map<String, Object> risk = new LinkedHashMap<>();
        risk.put("declared", app.declaredRiskLevel().name());
        risk.put("observed", observed == null ? null : observed.name());
        risk.put("effective", RiskClassifier.effective(app.declaredRiskLevel(), observed).name());
        return risk;
    }

    private Map<String, Object> risk(Application app) {
        Optional<RiskStore.Classification> current = risks.find(app.tenantId(), app.applicationId());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("applicationId", app.applicationId());
        body.putAll(riskLevels(app));
        body.put("reason", current.map(RiskStore.Classification::reason).orElse("no sessions classified yet"));
        body.put("changedAt", current.map(c -> c.changedAt().toString()).orElse(null));
        body.put("history", risks.history(app.tenantId(), app.applicationId()).stream().map(change -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("at", change.at().toString());
            c.put("old", name(change.oldEffective()));
            c.put("new", name(change.newEffective()));
            c.put("oldObserved", name(change.oldObserved()));
            c.put("newObserved", name(change.newObserved()));
            c.put("declared", name(change.declared()));
            c.put("reason", change.reason());
            return c;
        }).toList());
        return body;
    }

    private static String name(RiskLevel level) {
        return level == null ? null : level.name();
    }
}
