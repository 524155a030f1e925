package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.InclusionProof;
import dev.veriproof.verifier.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Anchoring through the devstack: the fire endpoint, the proof route through the authorizer, devstack.json, the verifier. */
class AnchoringEndToEndTest {

    @Test
    void ingestedSessionsAreAnchoredWhenTheScheduleFiresAndVerifyAgainstTheChain() throws Exception {
        Devstack stack = RunningDevstack.get();
        ApiClient api = new ApiClient(stack.apiUrl());
        Seed.SeededTenant demo = stack.tenant("demo");
        String sessionId = "e2e-anchor-" + UUID.randomUUID();
        String body = """
                {"sessionId":"%s","applicationId":"loan-review","startedAt":"2026-11-20T10:15:00Z","intent":"i","model":"m"}"""
                .formatted(sessionId);
        assertEquals(201, api.post("/v1/sessions", demo.key("ingest"), body).status());

        ApiClient.Response fired = api.post(LocalChainService.FIRE_PATH, null, "");
        assertEquals(200, fired.status(), fired.body());
        assertTrue(fired.json().get("outcome").asText().matches("ANCHORED|NOTHING_PENDING"), fired.body());

        ApiClient.Response proofResponse = api.get("/v1/sessions/" + sessionId + "/proof", demo.key("auditor"));
        assertEquals(200, proofResponse.status(), proofResponse.body());
        JsonNode proof = proofResponse.json();
        assertTrue(InclusionProof.fromJson(proof.get("proof")).verifies(Hashes.fromHex(proof.get("leafHash").asText())));
        assertEquals(404, api.get("/v1/sessions/" + sessionId + "/proof", stack.tenant("acme").key("auditor")).status());

        JsonNode state = Json.parse(Files.readAllBytes(RunningDevstack.stateDir().resolve("devstack.json")));
        assertEquals(31337, state.get("chainId").asLong());
        assertEquals(proof.get("anchor").get("contract").asText(), state.get("anchorContract").asText());
        assertTrue(state.get("signerAddress").asText().matches("0x[0-9a-fA-F]{40}"));
        String rpcUrl = state.get("rpcUrl").asText();

        JsonNode session = api.get("/v1/sessions/" + sessionId, demo.key("auditor")).json();
        assertEquals(proof.get("proof"), session.get("proof"), "GET /v1/sessions/{id} carries the proof (SPEC 11)");
        assertEquals(proof.get("anchor"), session.get("anchor"), "GET /v1/sessions/{id} carries the anchor (SPEC 11)");

        ObjectNode evidence = Json.mapper().createObjectNode();
        evidence.put("sessionId", sessionId);
        evidence.set("record", session.get("record"));
        evidence.set("proof", proof.get("proof"));
        evidence.set("anchor", proof.get("anchor"));
        Path file = Files.createTempFile("evidence", ".json");
        Files.write(file, Json.write(evidence));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {file.toString(), "--rpc", rpcUrl}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        Files.delete(file);
        assertEquals(0, exit, out.toString(StandardCharsets.UTF_8));
    }
}
