package dev.veriproof.adapters.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A JSON response of the HTTP API. */
public final class ApiResponse {
    private ApiResponse() {}

    public static APIGatewayV2HTTPResponse json(int status, Object body) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody(new String(Json.write(body), StandardCharsets.UTF_8))
                .withIsBase64Encoded(false)
                .build();
    }

    public static APIGatewayV2HTTPResponse error(ApiException e) {
        return json(e.status(), ErrorBody.of(e.code(), e.getMessage(), e.field()));
    }
}
