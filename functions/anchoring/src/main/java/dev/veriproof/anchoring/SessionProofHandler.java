package dev.veriproof.anchoring;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
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
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.ingest.SessionStore;
import dev.veriproof.core.ingest.SessionView;

/**
 * {@code GET /v1/sessions/{id}/proof} (any role): the session's leaf hash, RFC 9162 inclusion proof
 * and anchor; 404 for a session the caller's tenant (or key's applications) does not hold, 409
 * {@code not_yet_anchored} before its batch is anchored.
 */
public final class SessionProofHandler extends ApiHandler {
    private final SessionStore sessions;

    public SessionProofHandler() {
        this(new DynamoSessionStore(AwsClients.dynamoDb(), Config.sessionsTable()));
    }

    SessionProofHandler(SessionStore sessions) {
        this.sessions = sessions;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/sessions/{id}/proof", Role.ADMIN, null);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        if (!request.routeKey().equals("GET /v1/sessions/{id}/proof")) throw noSuchRoute(request);
        Principal caller = request.requireRole(Role.INGEST, Role.ADMIN, Role.AUDITOR);
        String sessionId = request.pathParameter("id");
        SessionView found = sessions.view(caller.tenantId(), sessionId)
                .filter(view -> caller.mayRead(view.session().applicationId()))
                .orElseThrow(() -> ApiException.notFound("Session " + sessionId));
        if (found.proof().isEmpty() || found.anchor().isEmpty()) {
            throw new ApiException(409, "not_yet_anchored", "Session " + sessionId + " is not anchored yet; anchoring runs every few minutes");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("sessionId", sessionId);
        body.put("leafHash", found.session().leafHash());
        body.set("proof", found.proof().get().toJson());
        body.set("anchor", found.anchor().get().toJson());
        return ApiResponse.json(200, body);
    }
}
