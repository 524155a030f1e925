package dev.veriproof.adapters.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.core.access.Role;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.veriproof.adapters.telemetry.Telemetry;

/**
 * Base of every HTTP handler: maps the request to the domain through {@link #handle}, turns an
 * {@link ApiException} into the error body, and anything unexpected into a 500 that carries the
 * request id and no internals (the detail goes to the log). SnapStart priming handles the request
 * of {@link #primingEvent()} through all of that.
 */
public abstract class ApiHandler extends PrimedHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

    @Override
    public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        Telemetry.begin(context);
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

    /**
     * A request as API Gateway hands it over once the authorizer accepted a key of {@code role} in the
     * tenant {@value #PRIMING}: {@code routeKey} such as {@code GET /v1/sessions/{id}}, each path
     * parameter set to {@value #PRIMING}, a JSON body or null.
     */
    protected static APIGatewayV2HTTPEvent primingRequest(String routeKey, Role role, String body) {
        String[] methodAndPath = routeKey.split(" ", 2);
        Map<String, String> pathParameters = new HashMap<>();
        Matcher names = PATH_PARAMETER.matcher(methodAndPath[1]);
        while (names.find()) pathParameters.put(names.group(1), PRIMING);
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey(routeKey)
                .withRawPath(PATH_PARAMETER.matcher(methodAndPath[1]).replaceAll(PRIMING))
                .withPathParameters(pathParameters)
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(PRIMING)
                        .withRouteKey(routeKey)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(methodAndPath[0]).withPath(methodAndPath[1]).build())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder().withLambda(Map.of(
                                ApiRequest.CTX_AUTHENTICATED, "true", ApiRequest.CTX_TENANT, PRIMING,
                                ApiRequest.CTX_ROLE, role.wireName(), ApiRequest.CTX_KEY_ID, PRIMING,
                                ApiRequest.CTX_APPLICATIONS, "")).build())
                        .build())
                .build();
    }
}
