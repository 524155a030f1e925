package dev.veriproof.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.access.AccessService;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoKeyStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;

/**
 * The two tenants of SPEC §12. Each is bootstrapped the way a deployed stack is (the tenant and its
 * first admin key), then its applications and other keys are made through the HTTP API, as an
 * administrator would.
 */
public final class Seed {
    public record SeededTenant(String tenantId, Map<String, String> keys, List<String> applications) {
        public String key(String role) {
            return keys.get(role);
        }
    }

    private record Plan(String tenantId, String name, List<Map<String, Object>> applications) {}

    private static final List<Plan> PLANS = List.of(
            new Plan("demo", "Demo Lending Co", List.of(
                    Map.of("applicationId", "loan-review", "name", "Loan review assistant", "declaredRiskLevel", "HIGH",
                            "scoreTarget", 80, "owner", "credit-risk-team",
                            "redaction", Map.of("captureContent", true, "redactFields", List.of("content.input"))),
                    Map.of("applicationId", "support-bot", "name", "Customer support bot", "declaredRiskLevel", "LOW",
                            "scoreTarget", 75, "owner", "customer-care"))),
            new Plan("acme", "Acme Insurance", List.of(
                    Map.of("applicationId", "claims-triage", "name", "Claims triage", "declaredRiskLevel", "MEDIUM",
                            "scoreTarget", 80, "owner", "claims-ops"))));

    private Seed() {}

    static List<SeededTenant> seed(String apiUrl) {
        String table = Config.governanceTable();
        AccessService access = new AccessService(new DynamoKeyStore(AwsClients.enhancedDynamoDb(), table,
                        new DynamoAuditLog(AwsClients.dynamoDb(), table, Clock.systemUTC())),
                new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), table), Clock.systemUTC());
        return PLANS.stream().map(plan -> {
            String admin = access.bootstrapTenant(plan.tenantId(), plan.name()).key();
            ApiClient client = new ApiClient(apiUrl);
            Map<String, String> keys = new LinkedHashMap<>();
            for (Map<String, Object> app : plan.applications()) {
                client.expect(201, client.post("/v1/applications", admin, app));
            }
            keys.put("ingest", issue(client, admin, "ingest"));
            keys.put("admin", admin);
            keys.put("auditor", issue(client, admin, "auditor"));
            return new SeededTenant(plan.tenantId(), keys,
                    plan.applications().stream().map(a -> (String) a.get("applicationId")).toList());
        }).toList();
    }

    /** The tenants an earlier devstack seeded, as its devstack.json lists them (keys are stored hashed: this is their only copy). */
    static List<SeededTenant> fromState(JsonNode state) {
        List<SeededTenant> tenants = new ArrayList<>();
        for (JsonNode tenant : state.path("tenants")) {
            Map<String, String> keys = new LinkedHashMap<>();
            tenant.path("keys").fields().forEachRemaining(k -> keys.put(k.getKey(), k.getValue().asText()));
            List<String> applications = new ArrayList<>();
            tenant.path("applications").forEach(a -> applications.add(a.asText()));
            tenants.add(new SeededTenant(tenant.path("tenantId").asText(), keys, applications));
        }
        return tenants;
    }

    private static String issue(ApiClient client, String adminKey, String role) {
        JsonNode created = client.expect(201, client.post("/v1/keys", adminKey, Map.of("role", role, "name", "devstack " + role)));
        return created.get("key").textValue();
    }
}
