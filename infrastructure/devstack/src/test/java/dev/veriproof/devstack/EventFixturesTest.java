package dev.veriproof.devstack;

import dev.veriproof.local.LocalLambdaContext;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.access.ApiKeyAuthorizerHandler;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.ingest.IngestHandler;
import dev.veriproof.local.CloudFormationTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fixtures under events/, deserialized by the Lambda runtime's own serializers and handed to the handlers. */
class EventFixturesTest {
    private static Path events;

    @BeforeAll
    static void start() {
        RunningDevstack.get(); // the handlers' configuration and tables
        events = CloudFormationTemplate.locate().getParent().resolve("events");
    }

    private static <T> T load(String name, Class<T> type) throws IOException {
        try (InputStream in = Files.newInputStream(events.resolve(name))) {
            return LambdaEventSerializers.serializerFor(type, EventFixturesTest.class.getClassLoader()).fromJson(in);
        }
    }

    @Test
    void thePostSessionFixtureIngestsItsSessionForTheAuthorizedTenant() throws IOException {
        APIGatewayV2HTTPEvent event = load("api/post-session.json", APIGatewayV2HTTPEvent.class);
        APIGatewayV2HTTPResponse response = new IngestHandler().handleRequest(event, new LocalLambdaContext("IngestFunction"));

        assertEquals(201, response.getStatusCode(), response.getBody());
        JsonNode receipt = Json.parse(response.getBody());
        JsonNode sent = Json.parse(event.getBody());
        assertEquals("loan-7f3a-0001", receipt.get("sessionId").asText());
        // loan-review redacts content.input, so the stored leaf differs from the as-sent hash
        assertEquals(64, receipt.get("leafHash").asText().length());
        assertEquals(false, receipt.get("leafHash").asText().equals(Hashes.hex(Hashes.leafHash(Canonical.jcs(sent)))));
    }

    @Test
    void theAuthorizerFixtureWithAPlaceholderKeyIsNotAuthenticated() throws IOException {
        APIGatewayV2CustomAuthorizerEvent event = load("api/authorizer-request.json", APIGatewayV2CustomAuthorizerEvent.class);
        Map<String, Object> decision = new ApiKeyAuthorizerHandler().handleRequest(event, new LocalLambdaContext("AuthorizerFunction"));
        assertEquals(true, decision.get("isAuthorized"));
        assertEquals("false", ((Map<?, ?>) decision.get("context")).get("authenticated"));
    }
}
