package dev.veriproof.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.chain.Web3jSigner;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.ingest.SignedReceipts;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.core.signing.Signer;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;

/** Ingest receipts signed by the deployment's key (issue 17 item 2): one signature per request, each receipt checkable alone. */
@ExtendWith(LocalAwsExtension.class)
class SignedReceiptsIngestTest {
    private static final Instant NOW = Instant.parse("2026-11-30T07:00:00.123456Z");
    private static final Web3jSigner KEY = Web3jSigner.fromPrivateKey("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

    private final AtomicInteger signings = new AtomicInteger();
    private SessionIngest ingest;
    private SessionIngest ingestAnHourEarlier;
    private Principal caller;

    @BeforeEach
    void setUp(LocalAws aws) {
        DynamoApplicationStore applications = new DynamoApplicationStore(DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build(),
                aws.tableName("GovernanceTable"));
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        caller = new Principal(tenant, Role.INGEST, "k-test", Set.of());
        applications.create(new Application(tenant, "loan-review", "Loans", RiskLevel.HIGH, 80, "risk", RedactionPolicy.NONE, 1, NOW, NOW), "test");
        Signer counting = new Signer() {
            @Override public String address() { return KEY.address(); }
            @Override public String signPersonalMessage(byte[] message) {
                signings.incrementAndGet();
                return KEY.signPersonalMessage(message);
            }
        };
        DynamoSessionStore sessions = new DynamoSessionStore(aws.client(), aws.tableName("SessionsTable"));
        ingest = new SessionIngest(sessions, applications, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO, counting);
        ingestAnHourEarlier = new SessionIngest(sessions, applications, Clock.fixed(NOW.minusSeconds(3600), ZoneOffset.UTC), Duration.ZERO, counting);
    }

    private static String session(String id) {
        return "{\"sessionId\":\"" + id + "\",\"applicationId\":\"loan-review\",\"startedAt\":\"2026-11-29T10:15:00Z\",\"intent\":\"i\",\"model\":\"m\"}";
    }

    /** The address that signed the receipt's statement, if the receipt leads to one. */
    private static Optional<String> signerOf(JsonNode receipt) {
        SignedReceipts.Checked checked = SignedReceipts.check(receipt);
        if (checked.failed()) return Optional.empty();
        byte[] sig = Numeric.hexStringToByteArray(checked.signature());
        try {
            BigInteger key = Sign.signedPrefixedMessageToKey(checked.statement(),
                    new Sign.SignatureData(sig[64], Arrays.copyOfRange(sig, 0, 32), Arrays.copyOfRange(sig, 32, 64)));
            return Optional.of(Keys.toChecksumAddress("0x" + Keys.getAddress(key)));
        } catch (java.security.SignatureException e) {
            return Optional.empty();
        }
    }

    @Test
    void aSingleSessionsReceiptIsSignedByTheDeploymentsKeyAndBindsTenantSessionLeafAndTime() {
        JsonNode receipt = ingest.ingest(caller, Json.parse(session("s-1")), Optional.empty(), "req-1").body();
        assertEquals(1, signings.get());
        assertEquals(Optional.of(KEY.address()), signerOf(receipt));
        assertEquals(KEY.address(), receipt.get("signature").get("signer").asText());
        assertEquals(caller.tenantId(), receipt.get("signature").get("tenantId").asText());
        assertEquals(NOW.toString(), receipt.get("receivedAt").asText());

        for (String field : List.of("sessionId", "leafHash", "receivedAt")) {
            ObjectNode changed = receipt.deepCopy();
            changed.put(field, field.equals("leafHash") ? "ab".repeat(32) : "2026-11-30T07:00:01Z");
            assertNotEquals(Optional.of(KEY.address()), signerOf(changed), field + " changed: the receipt no longer verifies");
        }
        ObjectNode otherTenant = receipt.deepCopy();
        ((ObjectNode) otherTenant.get("signature")).put("tenantId", "another-tenant");
        assertNotEquals(Optional.of(KEY.address()), signerOf(otherTenant));
        ObjectNode forged = receipt.deepCopy();
        ((ObjectNode) forged.get("signature")).put("value", Web3jSigner.fromPrivateKey("0x" + "11".repeat(32))
                .signPersonalMessage(SignedReceipts.check(receipt).statement()));
        assertNotEquals(Optional.of(KEY.address()), signerOf(forged), "signed by another key");
    }

    @Test
    void aBatchIsSignedOnceAndEveryAcceptedReceiptVerifiesAloneRejectedOnesCarryNone() {
        ingest.ingest(caller, Json.parse(session("b-dup")), Optional.empty(), "req-earlier");
        signings.set(0);
        String body = "{\"sessions\":[" + session("b-1") + "," + session("b-dup") + ",{\"sessionId\":\"b-bad\"}," + session("b-2") + "]}";
        JsonNode results = ingest.ingest(caller, Json.parse(body), Optional.empty(), "req-batch").body().get("results");
        assertEquals(1, signings.get(), "one signing operation for the whole request");
        assertEquals(List.of("stored", "duplicate", "rejected", "stored"), List.of(results.get(0).get("status").asText(),
                results.get(1).get("status").asText(), results.get(2).get("status").asText(), results.get(3).get("status").asText()));
        assertFalse(results.get(2).has("signature"), "a rejected item is no receipt");
        for (int i : new int[] {0, 1, 3}) {
            assertEquals(Optional.of(KEY.address()), signerOf(results.get(i)), "receipt " + i);
            assertEquals(3, results.get(i).get("signature").get("treeSize").asInt());
        }
        assertEquals(results.get(0).get("signature").get("value"), results.get(3).get("signature").get("value"), "the same signature");
        assertTrue(results.get(0).get("signature").get("leafIndex").asInt() != results.get(3).get("signature").get("leafIndex").asInt());
    }

    @Test
    void aDuplicateStoredEarlierBindsItsOwnReceivedAtAndStillVerifies() {
        ingestAnHourEarlier.ingest(caller, Json.parse(session("d-1")), Optional.empty(), "req-earlier");
        signings.set(0);
        String body = "{\"sessions\":[" + session("d-new") + "," + session("d-1") + "]}";
        JsonNode results = ingest.ingest(caller, Json.parse(body), Optional.empty(), "req-later").body().get("results");
        assertEquals("duplicate", results.get(1).get("status").asText());
        assertEquals(NOW.minusSeconds(3600).toString(), results.get(1).get("receivedAt").asText(), "the stored session's time, not this request's");
        assertEquals(NOW.toString(), results.get(0).get("receivedAt").asText());
        for (int i : new int[] {0, 1}) assertEquals(Optional.of(KEY.address()), signerOf(results.get(i)), "receipt " + i);
        assertEquals(results.get(0).get("signature").get("value"), results.get(1).get("signature").get("value"), "one signature for the answer");
        assertEquals(1, signings.get());
    }
}
