package dev.veriproof.ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.adapters.http.QueryParameters;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.explorer.ExplorerCursor;
import dev.veriproof.core.explorer.QueryException;
import dev.veriproof.core.explorer.SessionExplorer;
import dev.veriproof.core.explorer.SessionFilter;
import dev.veriproof.core.explorer.SessionSummary;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /v1/sessions} (SPEC §14): the sessions explorer, newest first, a page at a time, from
 * indexes (docs/compliance-center-explorer.md says which index serves which filter). Admin and
 * auditor keys; an auditor key limited to applications sees only theirs, and another application's
 * id is 404 like an unknown one.
 */
public final class SessionExplorerHandler extends ApiHandler {
    private final SessionExplorer explorer;
    private final ApplicationStore applications;
    private final Clock clock;

    private final Supplier<SessionSummary> pageWarmUp;

    public SessionExplorerHandler() {
        this(new DynamoSessionStore(AwsClients.dynamoDb(), Config.sessionsTable()),
                new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), Config.governanceTable()), Clock.systemUTC());
    }

    SessionExplorerHandler(DynamoSessionStore sessions, ApplicationStore applications, Clock clock) {
        this(sessions, applications, clock, sessions::warmUpExplorerPage);
    }

    SessionExplorerHandler(SessionExplorer explorer, ApplicationStore applications, Clock clock, Supplier<SessionSummary> pageWarmUp) {
        this.explorer = explorer;
        this.applications = applications;
        this.clock = clock;
        this.pageWarmUp = pageWarmUp;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/sessions", Role.AUDITOR, null);
    }

    /** The priming tenant's page is empty: a page with sessions also reads their pointers and renders rows. */
    @Override
    protected void warmUp() {
        ApiResponse.json(200, Map.of("sessions", List.of(row(pageWarmUp.get()))));
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        if (!request.routeKey().equals("GET /v1/sessions")) throw noSuchRoute(request);
        Principal caller = request.requireRole(Role.ADMIN, Role.AUDITOR);
        Map<String, String> parameters = QueryParameters.of(request).values();
        SessionFilter filter = read(() -> SessionFilter.parse(parameters, clock.instant()));
        String applicationId = filter.applicationId();
        if (applicationId != null) {
            applications.find(caller.tenantId(), applicationId).filter(app -> caller.mayRead(app.applicationId()))
                    .orElseThrow(() -> ApiException.notFound("Application " + applicationId));
        }
        Optional<String> after = Optional.empty();
        if (parameters.containsKey("cursor")) {
            SessionFilter asked = filter;
            ExplorerCursor.Resume resume = read(() -> ExplorerCursor.decode(parameters.get("cursor"), asked,
                    parameters.containsKey("from"), parameters.containsKey("to"), caller.tenantId()));
            filter = resume.filter();
            after = Optional.of(resume.position());
        }
        SessionExplorer.Page page = explorer.page(caller.tenantId(), filter, caller.applications(), after);
        SessionFilter query = filter;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sessions", page.sessions().stream().map(SessionExplorerHandler::row).toList());
        body.put("nextCursor", page.next().map(position -> ExplorerCursor.encode(query, caller.tenantId(), position)).orElse(null));
        body.put("from", filter.from().toString());
        body.put("to", filter.to().toString());
        body.put("limit", filter.limit());
        return ApiResponse.json(200, body);
    }

    /** A query parameter's problem as the API's 400, naming the parameter. */
    private static <T> T read(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (QueryException e) {
            throw ApiException.badRequest(e.code(), e.getMessage(), ApiRequest.queryField(e.parameter()));
        }
    }

    private static Map<String, Object> row(SessionSummary s) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("sessionId", s.sessionId());
        row.put("applicationId", s.applicationId());
        row.put("startedAt", s.startedAt().toString());
        row.put("governanceScore", s.governanceScore());
        row.put("band", s.band());
        row.put("riskLevel", s.riskLevel());
        row.put("outcome", s.outcome());
        row.put("model", s.model());
        row.put("reviewState", s.reviewState().name());
        row.put("anchored", s.anchored());
        row.put("contentSafetyFlags", s.contentSafetyFlags());
        return row;
    }
}
