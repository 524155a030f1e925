package dev.veriproof.governance;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.http.JsonFields;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoReviewStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.governance.Review;
import dev.veriproof.core.governance.ReviewOutcome;
import dev.veriproof.core.governance.ReviewStore;
import dev.veriproof.core.ingest.SessionStore;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.posture.SessionIncident;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Human oversight: {@code POST /v1/sessions/{id}/reviews} (admin) records a review
 * {@code {"outcome": "APPROVED|REJECTED|ESCALATED", "reviewer", "note"?}} with its audit entry;
 * {@code GET /v1/review-queue?applicationId=&after=&limit=} (admin, auditor within its applications) lists the sessions that required
 * oversight (SPEC §5) and have neither oversight nor a review, oldest first. The same review sent
 * again (a retry) is recognized by its content and answers 200 with the stored one.
 */
public final class ReviewsHandler extends ApiHandler {
    private static final int MAX_CURSOR = 200;
    private final SessionStore sessions;
    private final ReviewStore reviews;
    private final ApplicationStore applications;
    private final Clock clock;

    public ReviewsHandler() {
        this(new DynamoSessionStore(AwsClients.dynamoDb(), Config.sessionsTable()),
                new DynamoReviewStore(AwsClients.dynamoDb(), Config.governanceTable(), Config.sessionsTable(),
                        new DynamoAuditLog(AwsClients.dynamoDb(), Config.governanceTable(), Clock.systemUTC())),
                new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), Config.governanceTable()), Clock.systemUTC());
    }

    ReviewsHandler(SessionStore sessions, ReviewStore reviews, ApplicationStore applications, Clock clock) {
        this.sessions = sessions;
        this.reviews = reviews;
        this.applications = applications;
        this.clock = clock;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/review-queue", Role.ADMIN, null);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return switch (request.routeKey()) {
            case "POST /v1/sessions/{id}/reviews" -> review(request.requireRole(Role.ADMIN), request);
            case "GET /v1/review-queue" -> queue(request.requireRole(Role.ADMIN, Role.AUDITOR), request);
            default -> throw noSuchRoute(request);
        };
    }

    private APIGatewayV2HTTPResponse review(Principal admin, ApiRequest request) {
        String sessionId = request.pathParameter("id");
        StoredSession session = sessions.find(admin.tenantId(), sessionId)
                .orElseThrow(() -> ApiException.notFound("Session " + sessionId));
        JsonFields body = JsonFields.of(request.jsonBody(), "outcome", "note", "reviewer");
        ReviewOutcome outcome = body.requiredEnum("outcome", ReviewOutcome.class);
        String reviewer = body.requiredString("reviewer", 256);
        String note = body.optionalString("note", 4000).orElse(null);
        Review review = new Review(admin.tenantId(), Review.idOf(sessionId, outcome, note, reviewer), sessionId,
                session.applicationId(), outcome, note, reviewer, clock.instant(), admin.keyId());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reviewId", review.reviewId());
        details.put("applicationId", review.applicationId());
        details.put("outcome", outcome.name());
        details.put("reviewer", reviewer);
        Optional<Review> existing = reviews.addIfAbsent(review, incident(session), new AuditEvent(admin.keyId(), "review.create", "session/" + sessionId, details));
        return ApiResponse.json(existing.isPresent() ? 200 : 201, existing.orElse(review).toJson());
    }

    /** The session as a 10.2 incident (guardrail bypassed, or high-risk without oversight), which this review corrects. */
    private static Optional<SessionIncident> incident(StoredSession session) {
        return SessionIncident.of(session.session());
    }

    /** One application's queue, or every application's merged in start order; the cursor is the last one's start key. */
    private APIGatewayV2HTTPResponse queue(Principal caller, ApiRequest request) {
        int limit = Scope.pageLimit(request);
        // the cursor is a start key (timestamp, '#', session id): bounded so that it always fits a key
        Optional<String> after = request.queryParameter("after").map(cursor -> {
            if (cursor.length() > MAX_CURSOR) {
                throw ApiException.badRequest("invalid_value", "after is a cursor from a previous page (at most " + MAX_CURSOR
                        + " characters); send the nextCursor you were given.", ApiRequest.queryField("after"));
            }
            return cursor;
        });
        List<String> apps = request.queryId("applicationId")
                .map(id -> List.of(Scope.readableApplication(applications, caller, id).applicationId()))
                .orElseGet(() -> applications.list(caller.tenantId()).stream().map(Application::applicationId).filter(caller::mayRead).toList());
        List<ReviewStore.QueuedSession> merged = new ArrayList<>();
        boolean more = false;
        for (String app : apps) {
            ReviewStore.QueuePage page = reviews.queue(caller.tenantId(), app, after, limit);
            merged.addAll(page.sessions());
            more |= page.next().isPresent();
        }
        merged.sort(Comparator.comparing(ReviewsHandler::startKey));
        if (merged.size() > limit) {
            merged = merged.subList(0, limit);
            more = true;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sessions", merged.stream().map(s -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("sessionId", s.sessionId());
            view.put("applicationId", s.applicationId());
            view.put("startedAt", s.startedAt());
            view.put("governanceScore", s.governanceScore());
            view.put("band", s.band());
            return view;
        }).toList());
        body.put("next", more && !merged.isEmpty() ? startKey(merged.get(merged.size() - 1)) : null);
        return ApiResponse.json(200, body);
    }

    private static String startKey(ReviewStore.QueuedSession s) {
        return s.startedAt() + "#" + s.sessionId();
    }
}
