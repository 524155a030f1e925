package dev.veriproof.ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoReviewStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.governance.Review;
import dev.veriproof.core.governance.ReviewStore;
import dev.veriproof.core.ingest.SessionStore;
import dev.veriproof.core.ingest.SessionView;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import java.time.Clock;
import java.util.List;

/**
 * {@code GET /v1/sessions/{id}} (admin, auditor): the stored record, its receipt and score, its human
 * reviews, and whether it waits in the review queue.
 */
public final class SessionQueryHandler extends ApiHandler {
    private final SessionStore sessions;
    private final ReviewStore reviews;

    public SessionQueryHandler() {
        this(new DynamoSessionStore(AwsClients.dynamoDb(), Config.sessionsTable()),
                new DynamoReviewStore(AwsClients.dynamoDb(), Config.governanceTable(), Config.sessionsTable(),
                        new DynamoAuditLog(AwsClients.dynamoDb(), Config.governanceTable(), Clock.systemUTC())));
    }

    SessionQueryHandler(SessionStore sessions, ReviewStore reviews) {
        this.sessions = sessions;
        this.reviews = reviews;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/sessions/{id}", Role.ADMIN, null);
    }

    /**
     * The priming request's session does not exist (404), so the found session's way is run here: a sample session's
     * item mapped back to a view (no I/O), the reviews read (DynamoDB, read only, finds nothing) and the answer rendered.
     */
    @Override
    protected void warmUp() {
        SessionWarmUp.run();
        StoredSession sample = SessionWarmUp.stored(PRIMING);
        ApiResponse.json(200, render(DynamoSessionStore.throughItem(sample), reviews.forSession(PRIMING, PRIMING)));
    }

    private static ObjectNode render(SessionView found, List<Review> reviews) {
        StoredSession stored = found.session();
        ObjectNode view = JsonNodeFactory.instance.objectNode();
        view.set("record", Json.parse(stored.canonicalRecord()));
        view.set("receipt", SessionIngest.receipt(stored, false));
        view.put("governanceScore", stored.governanceScore());
        view.put("band", stored.band());
        view.set("factors", Json.mapper().valueToTree(stored.factors()));
        found.anchor().ifPresent(anchor -> view.set("anchor", anchor.toJson()));
        found.proof().ifPresent(proof -> view.set("proof", proof.toJson()));
        view.set("reviews", JsonNodeFactory.instance.arrayNode().addAll(reviews.stream().map(Review::toJson).toList()));
        view.put("inReviewQueue", stored.needsReview());
        return view;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        if (!request.routeKey().equals("GET /v1/sessions/{id}")) throw noSuchRoute(request);
        Principal caller = request.requireRole(Role.ADMIN, Role.AUDITOR);
        String sessionId = request.pathParameter("id");
        SessionView found = sessions.view(caller.tenantId(), sessionId)
                .filter(v -> caller.mayRead(v.session().applicationId()))
                .orElseThrow(() -> ApiException.notFound("Session " + sessionId));
        ObjectNode view = render(found, reviews.forSession(caller.tenantId(), sessionId));
        return ApiResponse.json(200, view);
    }
}
