package dev.veriproof.access;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/whoami} (any valid key): the tenant, role and application scope the authorizer
 * resolved the key to, so that a client such as the console can show only what the key may do.
 * It reads nothing beyond the authorizer's answer.
 */
public final class WhoAmIHandler extends ApiHandler {
    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/whoami", Role.AUDITOR, null);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        if (!request.routeKey().equals("GET /v1/whoami")) throw noSuchRoute(request);
        return ApiResponse.json(200, view(request.principal()));
    }

    private static Map<String, Object> view(Principal principal) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("tenantId", principal.tenantId());
        view.put("role", principal.role().wireName());
        view.put("keyId", principal.keyId());
        // empty: every application of the tenant
        view.put("applications", principal.applications().stream().sorted().toList());
        return view;
    }
}
