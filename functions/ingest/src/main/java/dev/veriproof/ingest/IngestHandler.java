package dev.veriproof.ingest;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.chain.Web3jSigner;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/** {@code POST /v1/sessions} (ingest, admin): one session or a batch of up to 100. */
public final class IngestHandler extends ApiHandler {
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final SessionIngest ingest;

    public IngestHandler() {
        this(new SessionIngest(new DynamoSessionStore(AwsClients.dynamoDb(), Config.sessionsTable()),
                new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), Config.governanceTable()), Clock.systemUTC(),
                Duration.ofSeconds(Config.optional("APPLICATION_CACHE_SECONDS").map(Long::parseLong).orElse(10L)), Web3jSigner.fromConfig()));
    }

    IngestHandler(SessionIngest ingest) {
        this.ingest = ingest;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("POST /v1/sessions", Role.INGEST, SessionWarmUp.SAMPLE);
    }

    /** The session code, a receipt's signature and the item mappings that a priming request (of an unknown application) does not reach. */
    @Override
    protected void warmUp() {
        SessionWarmUp.run();
        ingest.warmUp();
        DynamoApplicationStore.warmUpMapping();
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        if (!request.routeKey().equals("POST /v1/sessions")) throw noSuchRoute(request);
        try {
            SessionIngest.Result result = ingest(request);
            IngestMetrics.record(result.body());
            return ApiResponse.json(result.status(), result.body());
        } catch (ApiException e) {
            IngestMetrics.rejectedWhole(e.code());
            throw e;
        }
    }

    private SessionIngest.Result ingest(ApiRequest request) {
        Principal caller = request.requireRole(Role.INGEST, Role.ADMIN);
        JsonNode body = request.jsonBody(MAX_BODY_BYTES);
        String requestId = request.requestId().isBlank() ? UUID.randomUUID().toString() : request.requestId();
        return ingest.ingest(caller, body, request.header("x-batch-root"), requestId);
    }
}
