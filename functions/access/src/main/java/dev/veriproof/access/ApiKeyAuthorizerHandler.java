package dev.veriproof.access;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoKeyStore;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.adapters.telemetry.Telemetry;
import dev.veriproof.core.access.Principal;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The HTTP API's Lambda REQUEST authorizer (simple responses): resolves the X-API-Key header to a
 * tenant, role and key id.
 *
 * <p>It lets every request through to the route and says in the context whether the key was valid:
 * an HTTP API authorizer that denies makes API Gateway answer 403 with its own body, while the
 * contract (SPEC §2, §4) wants 401 with the error body, which the route's handler then writes.
 */
public final class ApiKeyAuthorizerHandler extends PrimedHandler<APIGatewayV2CustomAuthorizerEvent, Map<String, Object>> {
    private final AccessService access;

    public ApiKeyAuthorizerHandler() {
        this(new AccessService(new DynamoKeyStore(AwsClients.enhancedDynamoDb(), Config.governanceTable()),
                new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), Config.governanceTable()), Clock.systemUTC()));
    }

    ApiKeyAuthorizerHandler(AccessService access) {
        this.access = access;
    }

    /** A well-formed key that no tenant has: one lookup that finds nothing. */
    @Override
    protected APIGatewayV2CustomAuthorizerEvent primingEvent() {
        APIGatewayV2CustomAuthorizerEvent event = new APIGatewayV2CustomAuthorizerEvent();
        event.setHeaders(Map.of("x-api-key", "vp_admin_" + "0".repeat(43)));
        return event;
    }

    @Override
    public Map<String, Object> handleRequest(APIGatewayV2CustomAuthorizerEvent event, Context context) {
        Telemetry.begin(context);
        return authorize(event.getHeaders());
    }

    Map<String, Object> authorize(Map<String, String> headers) {
        Map<String, String> caseless = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) caseless.putAll(headers);
        Optional<Principal> principal = Optional.ofNullable(caseless.get("x-api-key")).flatMap(access::authenticate);
        Map<String, Object> context = new HashMap<>();
        context.put(ApiRequest.CTX_AUTHENTICATED, principal.isPresent() ? "true" : "false");
        principal.ifPresent(p -> {
            context.put(ApiRequest.CTX_TENANT, p.tenantId());
            context.put(ApiRequest.CTX_ROLE, p.role().wireName());
            context.put(ApiRequest.CTX_KEY_ID, p.keyId());
            context.put(ApiRequest.CTX_APPLICATIONS, String.join(",", p.applications().stream().sorted().toList()));
        });
        return Map.of("isAuthorized", true, "context", context);
    }
}
