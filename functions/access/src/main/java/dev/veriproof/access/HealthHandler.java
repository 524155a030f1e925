package dev.veriproof.access;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.adapters.snapstart.Priming;
import java.util.Map;

/** {@code GET /health}: liveness, no authentication. */
public final class HealthHandler extends ApiHandler {
    private static final Map<String, String> OK = Map.of("status", "ok");
    @SuppressWarnings("unused") private final Priming priming = Priming.register(() -> ApiResponse.json(200, OK));

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return ApiResponse.json(200, OK);
    }
}
