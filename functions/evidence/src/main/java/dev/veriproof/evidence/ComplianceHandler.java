package dev.veriproof.evidence;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.adapters.http.JsonFields;
import dev.veriproof.adapters.http.QueryParameters;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.aggregation.DailyRollup;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.audit.AuditCheckpoint;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.posture.Incident;
import dev.veriproof.core.posture.Iso42001;
import dev.veriproof.core.posture.PostureInputs;
import dev.veriproof.core.posture.PostureJson;
import dev.veriproof.core.session.RiskLevel;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The live Compliance Center (SPEC §14; admin or auditor): {@code GET /v1/scorecards/iso-42001},
 * {@code GET /v1/gap-analysis/iso-42001} and {@code GET /v1/incidents}, each over {@code from}..{@code to} (UTC days;
 * the 90 days ending today by default). The posture is computed by the same core code from the same inputs as the
 * evidence package's scorecard and gap analysis (docs/compliance-center.md).
 */
public final class ComplianceHandler extends ApiHandler {
    static final int DEFAULT_DAYS = 90;

    private final PostureReader reader;
    private final ApplicationStore applications;
    private final Clock clock;

    public ComplianceHandler() {
        this(new PostureReader(Evidence.postureStores(AwsClients.dynamoDb(), Config.governanceTable(), Clock.systemUTC())),
                new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), Config.governanceTable()), Clock.systemUTC());
    }

    ComplianceHandler(PostureReader reader, ApplicationStore applications, Clock clock) {
        this.reader = reader;
        this.applications = applications;
        this.clock = clock;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/scorecards/iso-42001", Role.ADMIN, null);
    }

    /**
     * The priming request's tenant has no application, so the posture of one is built here: a made-up application of
     * tenant {@value #PRIMING}, whose every read finds nothing, evaluated and rendered as the scorecard and the gap
     * analysis.
     */
    @Override
    protected void warmUp() {
        Instant epoch = Instant.EPOCH;
        Application made = new Application(PRIMING, PRIMING, PRIMING, RiskLevel.LOW, 75, PRIMING, RedactionPolicy.NONE, 1, epoch, epoch);
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        var inputs = reader.read(PRIMING, () -> new PostureReader.View(PRIMING, List.of(made), true), today.minusDays(DEFAULT_DAYS - 1), today,
                Optional.empty());
        Iso42001.Posture posture = Iso42001.evaluate(inputs);
        ApiResponse.json(200, PostureJson.scorecard(posture, clock.instant()));
        ApiResponse.json(200, PostureJson.gapAnalysis(posture, clock.instant()));
        // what the reads of a real tenant bring (a quarter of rollups, incidents with and without a corrective action),
        // which the priming tenant's empty reads never do: evaluated and rendered, so that this code is compiled too
        Iso42001.Posture full = Iso42001.evaluate(madeUpInputs(inputs.from(), inputs.to()));
        ApiResponse.json(200, PostureJson.scorecard(full, clock.instant()));
        ApiResponse.json(200, PostureJson.gapAnalysis(full, clock.instant()));
        // the audit walk of a log that has entries: each is parsed and its hash recomputed (canonical JSON, SHA-256)
        // and the sweep of a checkpointed one over the same entries
        PostureReader.AuditFacts audit = new PostureReader.AuditFacts(AuditCheckpoint.NONE);
        AuditChain.Head head = AuditChain.Head.EMPTY;
        List<AuditEntry> entries = new ArrayList<>();
        for (String action : List.of("key.create", "exports.download", "review.create")) {
            AuditEntry entry = AuditChain.next(head, new AuditEvent(PRIMING, action, PRIMING, Map.of("note", PRIMING, "n", 1)), epoch);
            entries.add(AuditEntry.fromJson(Json.parse(Json.writeString(entry.toJson()))));
            audit.add(entries.get(entries.size() - 1));
            head = new AuditChain.Head(entry.seq(), entry.hash(), entry.at());
        }
        new PostureReader.AuditFacts(audit.checkpoint()).sweep(entries, PostureReader.SWEEP);
        DynamoApplicationStore.warmUpMapping();
    }

    private static PostureInputs madeUpInputs(LocalDate from, LocalDate to) {
        List<DailyRollup> days = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            Map<String, Long> counters = new HashMap<>();
            for (String counter : Iso42001.COUNTERS) counters.put(counter, day.getDayOfMonth() % 3 == 0 ? 0L : 10L + day.getDayOfMonth());
            days.add(new DailyRollup(PRIMING, day, counters));
        }
        Instant at = to.atStartOfDay(ZoneOffset.UTC).toInstant();
        List<Incident> incidents = new ArrayList<>();
        for (Incident.Type type : Incident.Type.values()) {
            String application = type == Incident.Type.ANCHORING_FAILURE ? null : PRIMING;
            incidents.add(new Incident(type.id(PRIMING), type, at, application, PRIMING, PRIMING, Map.of("riskLevel", "HIGH"), null));
            incidents.add(new Incident(type.id(PRIMING + "-corrected"), type, at, application, PRIMING, PRIMING, Map.of(),
                    new Incident.CorrectiveAction("review", at, PRIMING, PRIMING, PRIMING)));
        }
        PostureInputs.App app = new PostureInputs.App(PRIMING, true, 1, 80, 0, false, 1, 0, days);
        return new PostureInputs(from, to, List.of(app), new PostureInputs.Tenant(0, 1, 0, 1, true), incidents, List.of());
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return switch (request.routeKey()) {
            case "GET /v1/scorecards/iso-42001" -> posture(request, PostureJson::scorecard);
            case "GET /v1/gap-analysis/iso-42001" -> posture(request, PostureJson::gapAnalysis);
            case "GET /v1/incidents" -> {
                Principal caller = request.requireRole(Role.ADMIN, Role.AUDITOR);
                Period period = period(request);
                yield ApiResponse.json(200, PostureJson.incidents(period.from, period.to,
                        reader.incidents(caller.tenantId(), () -> view(caller, readable(caller)), period.from, period.to), clock.instant()));
            }
            default -> throw noSuchRoute(request);
        };
    }

    private interface Render {
        Object apply(Iso42001.Posture posture, Instant generatedAt);
    }

    private APIGatewayV2HTTPResponse posture(ApiRequest request, Render render) {
        Principal caller = request.requireRole(Role.ADMIN, Role.AUDITOR);
        Period period = period(request);
        // the applications are listed (and the named ones checked) while the tenant's records are read
        var inputs = reader.read(caller.tenantId(), () -> view(caller, requested(caller, request.queryParameter("applications"))),
                period.from, period.to, Optional.empty());
        return ApiResponse.json(200, render.apply(Iso42001.evaluate(inputs), clock.instant()));
    }

    private record Period(LocalDate from, LocalDate to) {}

    /** {@code from} and {@code to}: whole UTC days, at most {@link ExportRequest#MAX_DAYS} of them, {@code to} not after today. */
    private Period period(ApiRequest request) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        QueryParameters query = QueryParameters.of(request);
        LocalDate to = query.day("to").orElse(today);
        if (to.isAfter(today)) throw ApiException.badRequest("invalid_value", "to must not be after today (" + today + ", UTC).", ApiRequest.queryField("to"));
        LocalDate from = query.day("from").orElse(to.minusDays(DEFAULT_DAYS - 1));
        if (from.isAfter(to)) throw ApiException.badRequest("invalid_period", "from (" + from + ") must not be after to (" + to + ").", ApiRequest.queryField("from"));
        if (to.toEpochDay() - from.toEpochDay() + 1 > ExportRequest.MAX_DAYS) {
            throw ApiException.badRequest("invalid_period", "The period from " + from + " to " + to + " is longer than "
                    + ExportRequest.MAX_DAYS + " days; ask for a shorter one.", ApiRequest.queryField("from"));
        }
        return new Period(from, to);
    }

    /** The applications asked for (all the caller may read when none are named); 404 for one it may not read, as for one that does not exist. */
    private List<Application> requested(Principal caller, Optional<String> names) {
        List<Application> readable = readable(caller);
        if (names.isEmpty()) return readable;
        Map<String, Application> byId = readable.stream().collect(Collectors.toMap(Application::applicationId, Function.identity()));
        Set<String> wanted = new LinkedHashSet<>(Arrays.asList(names.get().split(",", -1)));
        List<Application> apps = new ArrayList<>();
        for (String id : wanted) {
            if (id.isBlank()) throw ApiException.badRequest("invalid_value", "applications is a comma-separated list of application ids without empty entries.", ApiRequest.queryField("applications"));
            Application app = byId.get(id.trim());
            if (app == null) throw ApiException.notFound("Application " + JsonFields.shorten(id.trim()));
            apps.add(app);
        }
        return apps;
    }

    private List<Application> readable(Principal caller) {
        return applications.list(caller.tenantId()).stream().filter(a -> caller.mayRead(a.applicationId())).toList();
    }

    /** Tenant-wide records (anchoring failures, tenant-wide remediations) are in view for keys not limited to some applications. */
    private static PostureReader.View view(Principal caller, List<Application> apps) {
        return new PostureReader.View(caller.tenantId(), apps, caller.applications().isEmpty());
    }
}
