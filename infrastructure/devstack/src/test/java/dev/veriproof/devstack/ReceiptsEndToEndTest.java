package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.veriproof.adapters.Config;
import dev.veriproof.core.json.Json;
import dev.veriproof.verifier.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Signed receipts (issue 17 item 2) through the devstack: a client keeps the receipts of a batch; an operator deletes
 * one receipted session before it is anchored; the receipts check names it — against the evidence package and
 * against the API — and passes the receipts of the sessions that are there.
 */
class ReceiptsEndToEndTest {

    @Test
    void aReceiptedSessionDeletedBeforeAnchoringIsNamedByTheReceiptsCheck() throws Exception {
        Devstack stack = RunningDevstack.get();
        ApiClient api = new ApiClient(stack.apiUrl());
        Seed.SeededTenant demo = stack.tenant("demo");
        String prefix = "e2e-receipt-" + UUID.randomUUID().toString().substring(0, 8);
        StringBuilder sessions = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            sessions.append(i == 0 ? "" : ",").append("""
                    {"sessionId":"%s-%d","applicationId":"loan-review","startedAt":"2026-03-1%dT10:15:00Z","intent":"i","model":"m"}"""
                    .formatted(prefix, i, i + 1));
        }
        ApiClient.Response batch = api.post("/v1/sessions", demo.key("ingest"), "{\"sessions\":[" + sessions + "]}");
        assertEquals(207, batch.status(), batch.body());
        JsonNode results = batch.json().get("results");
        results.forEach(r -> assertTrue(r.path("signature").path("value").asText().startsWith("0x"), "every receipt is signed: " + r));
        Path receipts = Files.writeString(Files.createTempFile("receipts", ".json"), batch.body());
        ArrayNode kept = Json.mapper().createArrayNode().add(results.get(0)).add(results.get(2));
        Path genuine = Files.writeString(Files.createTempFile("receipts-kept", ".json"), kept.toString());

        String deleted = prefix + "-1";
        stack.dynamoDb().client().deleteItem(d -> d.tableName(Config.sessionsTable())
                .key(Map.of("pk", AttributeValue.fromS("S#demo#" + deleted))));
        assertEquals(200, api.post(LocalChainService.FIRE_PATH, null, "").status());

        ApiClient.Response started = api.post("/v1/exports", demo.key("admin"), "{\"framework\":\"ISO_42001\",\"from\":\"2026-03-11\",\"to\":\"2026-03-13\"}");
        assertEquals(202, started.status(), started.body());
        String id = started.json().get("id").asText();
        stack.evidence().awaitExports();
        String url = api.get("/v1/exports/" + id + "/download", demo.key("auditor")).json().get("url").asText();
        HttpResponse<byte[]> zip = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zip.statusCode());
        Path file = Files.write(Files.createTempFile("evidence", ".zip"), zip.body());
        String rpc = Json.parse(Files.readAllBytes(RunningDevstack.stateDir().resolve("devstack.json"))).get("rpcUrl").asText();
        try {
            String out = run(1, "receipts", receipts.toString(), file.toString(), "--rpc", rpc);
            assertTrue(out.contains("FAIL receipt " + deleted + ": receipted but not in the package"), out);
            assertTrue(out.contains("PASS receipt " + prefix + "-0") && out.contains("PASS receipt " + prefix + "-2"), out);

            out = run(1, "receipts", receipts.toString(), "--api", stack.apiUrl(), "--key", demo.key("auditor"), "--rpc", rpc);
            assertTrue(out.contains("FAIL receipt " + deleted + ": receipted but the service does not have it (404)"), out);
            assertFalse(out.contains("FAIL receipt " + prefix + "-0"), out);

            out = run(0, "receipts", genuine.toString(), file.toString(), "--rpc", rpc);
            assertTrue(out.contains("receipts: 2 receipt(s), all signed, present and anchored"), out);
        } finally {
            Files.delete(file);
            Files.delete(receipts);
            Files.delete(genuine);
        }
    }

    private static String run(int expectedExit, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, exit, printed);
        return printed;
    }
}
