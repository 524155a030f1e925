package dev.veriproof.ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.adapters.snapstart.Priming;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.ingest.SessionStore;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;

/** {@code GET /v1/sessions/{id}} (admin, auditor): the stored record, its receipt and score. */
public final class SessionQueryHandler extends ApiHandler {
    private final SessionStore sessions;
    @SuppressWarnings("unused") private final Priming priming;

    public SessionQueryHandler() {
        this(new DynamoSessionStore(AwsClients.enhancedDynamoDb(), Config.sessionsTable()));
    }

    SessionQueryHandler(SessionStore sessions) {
        this.sessions = sessions;
        this.priming = Priming.register(() -> {
            SessionWarmUp.run();
            sessions.find("priming", "priming");
        });
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        if (!request.routeKey().equals("GET /v1/sessions/{id}")) throw noSuchRoute(request);
        Principal caller = request.requireRole(Role.ADMIN, Role.AUDITOR);
        String sessionId = request.pathParameter("id");
        StoredSession stored = sessions.find(caller.tenantId(), sessionId)
                .filter(s -> caller.mayRead(s.applicationId()))
                .orElseThrow(() -> ApiException.notFound("Session " + sessionId));
        ObjectNode view = JsonNodeFactory.instance.objectNode();
        view.set("record", Json.parse(stored.canonicalRecord()));
        view.set("receipt", SessionIngest.receipt(stored, false));
        view.put("governanceScore", stored.governanceScore());
        view.put("band", stored.band());
        view.set("factors", Json.mapper().valueToTree(stored.factors()));
        view.set("reviews", JsonNodeFactory.instance.arrayNode());
        return ApiResponse.json(200, view);
    }
}
