package dev.veriproof.scoring;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.adapters.http.QueryParameters;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.alerts.Alert;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.governance.DeploymentRecord;
import dev.veriproof.core.governance.DeploymentStore;
import dev.veriproof.core.governance.ReviewStore;
import dev.veriproof.core.governance.SdkTelemetryStore;
import dev.veriproof.core.overview.Overview;
import dev.veriproof.core.risk.RiskStore;
import dev.veriproof.core.session.RiskLevel;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /v1/overview?days=} (SPEC §14): the Compliance Center's first page, from rollups and
 * governance items only. Per application: its rollups of the period (one query), its risk
 * classification (one read), its deployment records and SDK states (one query each) and the length
 * of its review queue (the sparse review-queue index); for the tenant: its alerts. An auditor key
 * limited to applications sees only those, and the tenant figures are theirs.
 */
public final class OverviewHandler extends ApiHandler {
    private static final int QUEUE_PAGE = 1000;

    private final ApplicationStore applications;
    private final RollupStore rollups;
    private final RiskStore risks;
    private final AlertStore alerts;
    private final DeploymentStore deployments;
    private final SdkTelemetryStore sdk;
    private final ReviewStore reviews;
    private final Clock clock;

    public OverviewHandler() {
        this(Scoring.applications(), Scoring.rollups(), Scoring.risks(), Scoring.alerts(), Scoring.deployments(), Scoring.sdk(),
                Scoring.reviews(), Clock.systemUTC());
    }

    OverviewHandler(ApplicationStore applications, RollupStore rollups, RiskStore risks, AlertStore alerts, DeploymentStore deployments,
                    SdkTelemetryStore sdk, ReviewStore reviews, Clock clock) {
        this.applications = applications;
        this.rollups = rollups;
        this.risks = risks;
        this.alerts = alerts;
        this.deployments = deployments;
        this.sdk = sdk;
        this.reviews = reviews;
        this.clock = clock;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/overview", Role.AUDITOR, null);
    }

    /**
     * The priming request's tenant has no application, so the overview of one is built here: a made-up application of
     * tenant {@value #PRIMING}, whose every read (rollups, risk, review queue, deployments, SDK states) finds nothing,
     * and the answer serialized.
     */
    @Override
    protected void warmUp() {
        Instant epoch = Instant.EPOCH;
        Application made = new Application(PRIMING, PRIMING, PRIMING, RiskLevel.LOW, 75, PRIMING, RedactionPolicy.NONE, 1, epoch, epoch);
        ApiResponse.json(200, view(overview(new Principal(PRIMING, Role.AUDITOR, PRIMING, Set.of()), Overview.DEFAULT_DAYS, List.of(made))));
        DynamoApplicationStore.warmUpMapping();
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        if (!request.routeKey().equals("GET /v1/overview")) throw noSuchRoute(request);
        Principal caller = request.requireRole(Role.ADMIN, Role.AUDITOR);
        int days = QueryParameters.only(request, "days").wholeNumber("days", 1, Overview.MAX_DAYS).orElse(Overview.DEFAULT_DAYS);
        return ApiResponse.json(200, view(overview(caller, days)));
    }

    /** The overview as the response body (docs/compliance-center-explorer.md): times and dates as ISO-8601 text. */
    static Map<String, Object> view(Overview o) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("asOf", o.asOf().toString());
        body.put("days", o.days());
        body.put("from", o.from().toString());
        body.put("to", o.to().toString());
        body.put("sessions", o.sessions());
        body.put("anchorCoverage", o.anchorCoverage());
        body.put("averageScore", o.averageScore());
        Map<String, Object> alerts = new LinkedHashMap<>();
        alerts.put("open", o.alerts().open());
        alerts.put("acknowledged", o.alerts().acknowledged());
        alerts.put("resolvedInPeriod", o.alerts().resolvedInPeriod());
        alerts.put("recent", o.alerts().recent().stream().map(a -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("id", a.id());
            line.put("applicationId", a.applicationId());
            line.put("kind", a.kind());
            line.put("severity", a.severity());
            line.put("status", a.status());
            line.put("openedAt", a.openedAt().toString());
            line.put("resolvedAt", a.resolvedAt() == null ? null : a.resolvedAt().toString());
            return line;
        }).toList());
        body.put("alerts", alerts);
        body.put("applicationsByEffectiveRisk", o.applicationsByEffectiveRisk());
        body.put("guardrailActivity", o.guardrailActivity());
        body.put("applications", o.applications().stream().map(c -> {
            Map<String, Object> card = new LinkedHashMap<>();
            card.put("applicationId", c.applicationId());
            card.put("name", c.name());
            card.put("sessions", c.sessions());
            card.put("score7d", c.score7d());
            card.put("score30d", c.score30d());
            card.put("scoreTarget", c.scoreTarget());
            card.put("meetsTarget", c.meetsTarget());
            card.put("effectiveRisk", c.effectiveRisk());
            card.put("awaitingReview", c.awaitingReview());
            card.put("lastDeployment", c.lastDeployment() == null ? null
                    : Map.of("version", c.lastDeployment().version(), "deployedAt", c.lastDeployment().deployedAt().toString()));
            card.put("sdkHealth", c.sdkHealth());
            return card;
        }).toList());
        return body;
    }

    Overview overview(Principal caller, int days) {
        return overview(caller, days, applications.list(caller.tenantId()));
    }

    private Overview overview(Principal caller, int days, List<Application> tenantApplications) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        List<Overview.ApplicationFacts> facts = new ArrayList<>();
        for (Application app : tenantApplications) {
            if (!caller.mayRead(app.applicationId())) continue;
            String id = app.applicationId();
            facts.add(new Overview.ApplicationFacts(app, rollups.read(caller.tenantId(), id, Overview.firstDayNeeded(today, days), today),
                    risks.find(caller.tenantId(), id).map(RiskStore.Classification::observed).orElse(null),
                    awaitingReview(caller.tenantId(), id),
                    deployments.list(caller.tenantId(), id).stream().max(Comparator.comparing(DeploymentRecord::deployedAt)),
                    sdk.healthStates(caller.tenantId(), id)));
        }
        List<Alert> visible = alerts.alerts(caller.tenantId()).stream().filter(a -> caller.mayRead(a.applicationId())).toList();
        return Overview.of(days, now, facts, visible);
    }

    private long awaitingReview(String tenantId, String applicationId) {
        long count = 0;
        Optional<String> after = Optional.empty();
        do {
            ReviewStore.QueuePage page = reviews.queue(tenantId, applicationId, after, QUEUE_PAGE);
            count += page.sessions().size();
            after = page.next();
        } while (after.isPresent());
        return count;
    }
}
