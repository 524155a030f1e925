package dev.veriproof.anchoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.anchoring.AnchoringRun.Outcome;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.InclusionProof;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.LocalChain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /v1/sessions/{id}/proof} on real tables and a real chain, with the authorizer's context as API Gateway passes it. */
@ExtendWith(LocalAwsExtension.class)
class SessionProofHandlerTest {
    private static LocalChain node;
    private static String contract;

    @BeforeAll
    static void startChain() {
        node = LocalChain.start();
        contract = Web3jAnchorChain.deploy(node.rpcUrl(), LocalChain.CHAIN_ID, org.web3j.crypto.Credentials.create(LocalChain.DEV_PRIVATE_KEY));
    }

    @AfterAll
    static void stopChain() {
        node.close();
    }

    @Test
    void notYetAnchoredThenTheProofAndAnchor_forEveryRole_andNothingAcrossTenants(LocalAws aws) {
        AnchoringFixture fixture = new AnchoringFixture(aws);
        SessionProofHandler handler = new SessionProofHandler(fixture.sessions);
        List<String> ids = fixture.ingest("acme", 3);
        String id = ids.get(1);

        APIGatewayV2HTTPResponse before = handler.handleRequest(get(id, "acme", "auditor", ""), null);
        assertEquals(409, before.getStatusCode());
        assertEquals("not_yet_anchored", Json.parse(before.getBody()).get("error").get("code").asText(), before.getBody());

        assertEquals(Outcome.ANCHORED, fixture.run(AnchoringFixture.chain(node, contract)).run().outcome());

        for (String role : List.of("ingest", "admin", "auditor")) {
            APIGatewayV2HTTPResponse response = handler.handleRequest(get(id, "acme", role, ""), null);
            assertEquals(200, response.getStatusCode(), response.getBody());
            JsonNode body = Json.parse(response.getBody());
            InclusionProof proof = InclusionProof.fromJson(body.get("proof"));
            assertEquals(2, proof.leafIndex(), "after acme's header and first session");
            assertEquals(4, proof.treeSize(), "three sessions and their tenant's header");
            assertTrue(proof.verifies(Hashes.fromHex(body.get("leafHash").asText())));
            assertEquals(contract, body.get("anchor").get("contract").asText());
            assertEquals(LocalChain.CHAIN_ID, body.get("anchor").get("chainId").asLong());
        }
        assertEquals(200, handler.handleRequest(get(id, "acme", "auditor", "loan-review"), null).getStatusCode());

        assertEquals(404, handler.handleRequest(get(id, "demo", "admin", ""), null).getStatusCode(), "another tenant");
        assertEquals(404, handler.handleRequest(get(id, "acme", "auditor", "support-bot"), null).getStatusCode(), "a key for another application");
        assertEquals(404, handler.handleRequest(get("no-such-session", "acme", "admin", ""), null).getStatusCode());
        assertEquals(401, handler.handleRequest(get(id, "acme", null, ""), null).getStatusCode());
    }

    private static APIGatewayV2HTTPEvent get(String sessionId, String tenant, String role, String applications) {
        Map<String, Object> lambda = new HashMap<>();
        lambda.put("authenticated", role == null ? "false" : "true");
        lambda.put("tenantId", tenant);
        lambda.put("role", String.valueOf(role));
        lambda.put("keyId", "key-1");
        lambda.put("applications", applications);
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setLambda(lambda);
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAuthorizer(authorizer);
        context.setRequestId("req-1");
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey("GET /v1/sessions/{id}/proof");
        event.setRawPath("/v1/sessions/" + sessionId + "/proof");
        event.setPathParameters(Map.of("id", sessionId));
        event.setRequestContext(context);
        return event;
    }
}
