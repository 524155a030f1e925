package dev.veriproof.access;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoKeyStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.adapters.http.JsonFields;
import dev.veriproof.core.access.ApiKeyRecord;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/keys}, {@code GET /v1/keys}, {@code DELETE /v1/keys/{id}} (admin). Creating a key and
 * revoking an active one are recorded in the tenant's audit log in the same transaction (the role
 * assignments of ISO/IEC 42001 A.3.2), never the key itself.
 */
public final class KeysHandler extends ApiHandler {
    private final AccessService access;

    public KeysHandler() {
        this(new AccessService(new DynamoKeyStore(AwsClients.enhancedDynamoDb(), Config.governanceTable(),
                        new DynamoAuditLog(AwsClients.dynamoDb(), Config.governanceTable(), Clock.systemUTC())),
                new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), Config.governanceTable()), Clock.systemUTC()));
    }

    KeysHandler(AccessService access) {
        this.access = access;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/keys", Role.ADMIN, null);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        Principal admin = request.requireRole(Role.ADMIN);
        return switch (request.routeKey()) {
            case "POST /v1/keys" -> create(admin, request);
            case "GET /v1/keys" -> ApiResponse.json(200, Map.of("keys",
                    access.listKeys(admin.tenantId()).stream().map(KeysHandler::view).toList()));
            case "DELETE /v1/keys/{id}" -> revoke(admin, request.pathParameter("id"));
            default -> throw noSuchRoute(request);
        };
    }

    private APIGatewayV2HTTPResponse create(Principal admin, ApiRequest request) {
        JsonFields body = JsonFields.of(request.jsonBody(), "role", "name", "applications");
        String roleName = body.requiredString("role", JsonFields.MAX_NAME);
        Role role = Role.fromWireName(roleName).orElseThrow(() -> ApiException.badRequest("invalid_value",
                "role must be one of ingest, admin, auditor, got \"" + JsonFields.shorten(roleName) + "\".", "$.role"));
        AccessService.IssuedKey issued = access.issueKey(admin.tenantId(), admin.keyId(), role,
                body.optionalString("name", JsonFields.MAX_NAME).orElse(role.wireName() + " key"),
                body.optionalIdList("applications", 100).orElse(List.of()));
        Map<String, Object> view = view(issued.record());
        view.put("key", issued.key());
        return ApiResponse.json(201, view);
    }

    private APIGatewayV2HTTPResponse revoke(Principal admin, String keyId) {
        return ApiResponse.json(200, view(access.revokeKey(admin.tenantId(), admin.keyId(), keyId)));
    }

    private static Map<String, Object> view(ApiKeyRecord key) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", key.keyId());
        view.put("role", key.role().wireName());
        view.put("name", key.name());
        view.put("applications", key.applications().stream().sorted().toList());
        view.put("status", key.active() ? "active" : "revoked");
        view.put("createdAt", key.createdAt().toString());
        if (key.revokedAt() != null) view.put("revokedAt", key.revokedAt().toString());
        return view;
    }
}
