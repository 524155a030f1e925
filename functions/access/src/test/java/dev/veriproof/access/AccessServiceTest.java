package dev.veriproof.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoKeyStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.core.access.ApiKeys;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

@ExtendWith(LocalAwsExtension.class)
class AccessServiceTest {
    private LocalAws aws;
    private AccessService access;
    private DynamoKeyStore keys;
    private DynamoApplicationStore applications;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build();
        keys = new DynamoKeyStore(enhanced, aws.tableName("GovernanceTable"));
        applications = new DynamoApplicationStore(enhanced, aws.tableName("GovernanceTable"));
        access = new AccessService(keys, applications, Clock.systemUTC());
        tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void bootstrapCreatesTheTenantAndAnAdminKeyThatAuthenticates() {
        AccessService.IssuedKey admin = access.bootstrapTenant(tenant, "Tenant");
        assertTrue(admin.key().startsWith("vp_admin_"));
        assertTrue(admin.key().length() >= "vp_admin_".length() + 32);
        Principal principal = access.authenticate(admin.key()).orElseThrow();
        assertEquals(tenant, principal.tenantId());
        assertEquals(Role.ADMIN, principal.role());
        assertEquals(admin.record().keyId(), principal.keyId());
    }

    @Test
    void bootstrappingAnExistingTenantFailsAndMintsNoSecondKey() {
        access.bootstrapTenant(tenant, "Tenant");
        assertThrows(IllegalStateException.class, () -> access.bootstrapTenant(tenant, "Again"));
        assertEquals(1, keys.list(tenant).size());
    }

    @Test
    void bootstrapRejectsABadTenantIdAndStoresNothing() {
        assertThrows(IllegalArgumentException.class, () -> access.bootstrapTenant("Bad#Tenant", "x"));
        assertFalse(keys.tenantExists("Bad#Tenant"));
    }

    @Test
    void onlyTheHashOfAKeyIsStored() {
        AccessService.IssuedKey issued = access.bootstrapTenant(tenant, "Tenant");
        var items = aws.client().scan(ScanRequest.builder().tableName(aws.tableName("GovernanceTable")).build()).items();
        for (Map<String, AttributeValue> item : items) {
            assertFalse(item.toString().contains(issued.key()), "a stored item holds the raw key");
        }
        assertEquals(ApiKeys.hash(issued.key()), keys.find(tenant, issued.record().keyId()).orElseThrow().keyHash());
    }

    @Test
    void unknownMalformedAndRoleMismatchedKeysDoNotAuthenticate() {
        AccessService.IssuedKey admin = access.bootstrapTenant(tenant, "Tenant");
        assertTrue(access.authenticate(ApiKeys.generate(Role.ADMIN)).isEmpty(), "unknown key");
        assertTrue(access.authenticate("vp_admin_short").isEmpty(), "random part too short");
        assertTrue(access.authenticate(null).isEmpty());
        assertTrue(access.authenticate("").isEmpty());
        String sameSecretOtherRole = admin.key().replace("vp_admin_", "vp_ingest_");
        assertTrue(access.authenticate(sameSecretOtherRole).isEmpty(), "the role in the key must match the stored role");
    }

    @Test
    void aRevokedKeyStopsAuthenticatingAtOnceAndRevokingAgainIsHarmless() {
        access.bootstrapTenant(tenant, "Tenant");
        AccessService.IssuedKey ingest = access.issueKey(tenant, "test", Role.INGEST, "sdk", List.of());
        assertTrue(access.authenticate(ingest.key()).isPresent());

        var revoked = access.revokeKey(tenant, "test", ingest.record().keyId());
        assertFalse(revoked.active());
        assertTrue(access.authenticate(ingest.key()).isEmpty());
        assertEquals(revoked.revokedAt(), access.revokeKey(tenant, "test", ingest.record().keyId()).revokedAt());
    }

    @Test
    void aKeyOfAnotherTenantCannotBeRevoked() {
        access.bootstrapTenant(tenant, "Tenant");
        AccessService.IssuedKey ingest = access.issueKey(tenant, "test", Role.INGEST, "sdk", List.of());
        ApiException e = assertThrows(ApiException.class, () -> access.revokeKey("someone-else", "test", ingest.record().keyId()));
        assertEquals(404, e.status());
        assertTrue(access.authenticate(ingest.key()).isPresent());
    }

    @Test
    void auditorKeysCanBeLimitedToRegisteredApplicationsOnly() {
        access.bootstrapTenant(tenant, "Tenant");
        Instant now = Instant.now();
        applications.create(new Application(tenant, "app-a", "A", RiskLevel.LOW, 70, "o", RedactionPolicy.NONE, 1, now, now), "t");

        Principal auditor = access.authenticate(access.issueKey(tenant, "test", Role.AUDITOR, "ext", List.of("app-a")).key()).orElseThrow();
        assertEquals(Set.of("app-a"), auditor.applications());
        assertTrue(auditor.mayRead("app-a"));
        assertFalse(auditor.mayRead("app-b"));

        ApiException unknown = assertThrows(ApiException.class, () -> access.issueKey(tenant, "test", Role.AUDITOR, "x", List.of("app-a", "nope")));
        assertEquals("$.applications[1]", unknown.field());
        ApiException notAuditor = assertThrows(ApiException.class, () -> access.issueKey(tenant, "test", Role.INGEST, "x", List.of("app-a")));
        assertEquals(400, notAuditor.status());
        assertEquals(1, keys.list(tenant).stream().filter(k -> k.role() == Role.AUDITOR).count());
    }

    @Test
    void theAuthorizerPassesTheCallerInItsContextAndMarksBadKeysUnauthenticated() {
        AccessService.IssuedKey admin = access.bootstrapTenant(tenant, "Tenant");
        ApiKeyAuthorizerHandler authorizer = new ApiKeyAuthorizerHandler(access);

        Map<String, Object> ok = authorizer.authorize(Map.of("X-Api-Key", admin.key()));
        assertEquals(true, ok.get("isAuthorized"));
        @SuppressWarnings("unchecked") Map<String, Object> context = (Map<String, Object>) ok.get("context");
        assertEquals("true", context.get("authenticated"));
        assertEquals(tenant, context.get("tenantId"));
        assertEquals("admin", context.get("role"));

        @SuppressWarnings("unchecked") Map<String, Object> missing = (Map<String, Object>) authorizer.authorize(Map.of()).get("context");
        assertEquals("false", missing.get("authenticated"));
        assertFalse(missing.containsKey("tenantId"));
        @SuppressWarnings("unchecked") Map<String, Object> bogus = (Map<String, Object>) authorizer.authorize(Map.of("x-api-key", "nonsense")).get("context");
        assertEquals("false", bogus.get("authenticated"));
    }

    @Test
    void generatedKeysAreDistinctAndWellFormed() {
        String a = ApiKeys.generate(Role.INGEST), b = ApiKeys.generate(Role.INGEST);
        assertNotEquals(a, b);
        assertEquals(Role.INGEST, ApiKeys.roleOf(a).orElseThrow());
        assertTrue(a.matches("vp_ingest_[A-Za-z0-9]{43}"));
    }
}
