package dev.veriproof.access;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.core.access.Role;
import java.util.Map;

/** {@code GET /health}: liveness, no authentication. */
public final class HealthHandler extends ApiHandler {
    private static final Map<String, String> OK = Map.of("status", "ok");

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /health", Role.ADMIN, null);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return ApiResponse.json(200, OK);
    }
}
