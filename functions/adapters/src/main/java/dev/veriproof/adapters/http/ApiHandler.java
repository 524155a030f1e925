package dev.veriproof.adapters.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.Log;

/**
 * Base of every HTTP handler: maps the request to the domain through {@link #handle}, turns an
 * {@link ApiException} into the error body, and anything unexpected into a 500 that carries the
 * request id and no internals (the detail goes to the log).
 */
public abstract class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    @Override
    public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        ApiRequest request = ApiRequest.of(event);
        try {
            return handle(request);
        } catch (ApiException e) {
            return ApiResponse.error(e);
        } catch (RuntimeException e) {
            Log.error("unhandled error", e, "route", request.routeKey(), "requestId", request.requestId());
            return ApiResponse.error(new ApiException(500, "internal_error",
                    "The request failed on the server; retry later. Request id: " + request.requestId()));
        }
    }

    protected abstract APIGatewayV2HTTPResponse handle(ApiRequest request);

    protected static ApiException noSuchRoute(ApiRequest request) {
        return new ApiException(404, "not_found", "No route " + request.routeKey());
    }
}
