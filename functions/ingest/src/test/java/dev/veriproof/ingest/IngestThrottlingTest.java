package dev.veriproof.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.MerkleTree;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.ThrottlingInterceptor;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB throttling on ingest: the answers of half the writes are lost after DynamoDB carried them
 * out, so the SDK retries (with backoff) requests that happened. Every session is stored once and
 * answered as stored, not as a duplicate.
 */
@ExtendWith(LocalAwsExtension.class)
class IngestThrottlingTest {
    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    @Test
    void throttledWritesAreRetriedAndEverySessionIsStoredOnceAsNew(LocalAws aws) {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        ThrottlingInterceptor throttle = new ThrottlingInterceptor(Set.of("PutItem", "TransactWriteItems", "GetItem"), 2);
        List<String> ids = new ArrayList<>();
        try (DynamoDbClient throttled = aws.client(throttle)) {
            DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(throttled).build();
            DynamoApplicationStore applications = new DynamoApplicationStore(enhanced, aws.tableName("GovernanceTable"));
            applications.create(new Application(tenant, "loan-review", "Loans", RiskLevel.HIGH, 80, "risk", RedactionPolicy.NONE, 1, NOW, NOW), "test");
            SessionIngest ingest = new SessionIngest(new DynamoSessionStore(throttled, aws.tableName("SessionsTable")), applications,
                    Clock.fixed(NOW, ZoneOffset.UTC));
            Principal caller = new Principal(tenant, Role.INGEST, "key_test", Set.of());
            for (boolean withRoot : new boolean[] {false, true}) {
                ObjectNode body = Json.mapper().createObjectNode();
                List<byte[]> leaves = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String id = "s-" + UUID.randomUUID();
                    ids.add(id);
                    JsonNode session = Json.parse("""
                            {"sessionId":"%s","applicationId":"loan-review","startedAt":"2026-11-20T10:15:00Z","intent":"i","model":"m"}""".formatted(id));
                    body.withArray("sessions").add(session);
                    leaves.add(Hashes.leafHash(Canonical.jcs(session)));
                }
                Optional<String> root = withRoot ? Optional.of(Hashes.hex(MerkleTree.rootOf(leaves))) : Optional.empty();
                SessionIngest.Result result = ingest.ingest(caller, body, root, "req-" + UUID.randomUUID());
                assertEquals(207, result.status());
                for (JsonNode receipt : result.body().get("results")) assertEquals("stored", receipt.get("status").asText(), receipt.toString());
            }
        }
        assertTrue(throttle.injected() >= 4, "throttled " + throttle.injected() + " times");
        List<Map<String, AttributeValue>> stored = aws.client().scan(s -> s.tableName(aws.tableName("SessionsTable"))
                .filterExpression("tenantId = :t").expressionAttributeValues(Map.of(":t", AttributeValue.fromS(tenant)))).items();
        assertEquals(16, stored.size(), "each session once");
        assertEquals(Set.copyOf(ids), Set.copyOf(stored.stream().map(i -> i.get("sessionId").s()).toList()));
    }
}
