package dev.veriproof.anchoring;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.adapters.snapstart.Priming;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code GET /v1/sessions/{id}/proof} (any role): the session's leaf hash, RFC 9162 inclusion proof
 * and anchor; 404 for a session the caller's tenant (or key's applications) does not hold, 409
 * {@code not_yet_anchored} before its batch is anchored.
 */
public final class SessionProofHandler extends ApiHandler {
    private final DynamoDbClient dynamo;
    private final String table;
    @SuppressWarnings("unused") private final Priming priming;

    public SessionProofHandler() {
        this(AwsClients.dynamoDb(), Config.sessionsTable());
    }

    SessionProofHandler(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.priming = Priming.register(() -> read("priming", "priming"));
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        if (!request.routeKey().equals("GET /v1/sessions/{id}/proof")) throw noSuchRoute(request);
        Principal caller = request.requireRole(Role.INGEST, Role.ADMIN, Role.AUDITOR);
        String sessionId = request.pathParameter("id");
        Map<String, AttributeValue> item = read(caller.tenantId(), sessionId);
        if (item == null || !caller.mayRead(item.get("applicationId").s())) throw ApiException.notFound("Session " + sessionId);
        DynamoPendingSessions.Anchored anchored = DynamoPendingSessions.anchored(item).orElseThrow(() -> new ApiException(409,
                "not_yet_anchored", "Session " + sessionId + " is not anchored yet; anchoring runs every few minutes"));
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("sessionId", sessionId);
        body.put("leafHash", item.get("leafHash").s());
        body.set("proof", anchored.proof().toJson());
        body.set("anchor", anchored.anchor().toJson());
        return ApiResponse.json(200, body);
    }

    private Map<String, AttributeValue> read(String tenantId, String sessionId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS("S#" + tenantId + "#" + sessionId)))
                .projectionExpression("applicationId, leafHash, anchor, proof")).item();
        return item == null || item.isEmpty() ? null : item;
    }
}
