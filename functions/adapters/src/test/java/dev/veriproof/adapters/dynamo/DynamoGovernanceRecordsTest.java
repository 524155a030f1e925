package dev.veriproof.adapters.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.governance.DeploymentRecord;
import dev.veriproof.core.governance.GuardrailConfig;
import dev.veriproof.core.governance.PlanItem;
import dev.veriproof.core.governance.Review;
import dev.veriproof.core.governance.ReviewOutcome;
import dev.veriproof.core.governance.SdkHealthReport;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Reviews, the review queue and plan items on DynamoDB Local: each write and its audit entry together. */
@ExtendWith(LocalAwsExtension.class)
class DynamoGovernanceRecordsTest {
    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    private DynamoAuditLog audit;
    private DynamoSessionStore sessions;
    private DynamoReviewStore reviews;
    private DynamoPlanStore plans;
    private DynamoSdkTelemetryStore sdk;
    private DynamoSettingsStore settings;
    private String tenant;
    private DynamoDbClient client;
    private String table;

    @BeforeEach
    void setUp(LocalAws aws) {
        String governance = aws.tableName("GovernanceTable");
        audit = new DynamoAuditLog(aws.client(), governance, Clock.systemUTC());
        sessions = new DynamoSessionStore(aws.client(), aws.tableName("SessionsTable"));
        reviews = new DynamoReviewStore(aws.client(), governance, aws.tableName("SessionsTable"), audit);
        plans = new DynamoPlanStore(aws.client(), governance, audit);
        sdk = new DynamoSdkTelemetryStore(aws.client(), governance);
        client = aws.client();
        table = governance;
        settings = new DynamoSettingsStore(aws.client(), governance, audit);
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void session(String id, String startedAt, boolean needsReview) {
        sessions.putIfAbsent(new StoredSession(tenant, id, "app", Instant.parse(startedAt), "{}", "00".repeat(32), 40, "POOR",
                Map.of(), NOW, "req", needsReview));
    }

    private static AuditEvent event(String action) {
        return new AuditEvent("key_admin", action, "x", Map.of());
    }

    private Review review(String sessionId, String note) {
        return new Review(tenant, Review.idOf(sessionId, ReviewOutcome.APPROVED, note, "u-1"), sessionId, "app",
                ReviewOutcome.APPROVED, note, "u-1", NOW, "key_admin");
    }

    @Test
    void onlySessionsNeedingReviewAreQueuedAndAReviewTakesOneOffWithItsAuditEntry() {
        session("a", "2026-11-20T10:00:00Z", true);
        session("b", "2026-11-20T11:00:00Z", true);
        session("c", "2026-11-20T09:00:00Z", false);
        assertEquals(List.of("a", "b"), queued());
        assertTrue(sessions.find(tenant, "a").orElseThrow().needsReview());

        assertEquals(Optional.empty(), reviews.addIfAbsent(review("a", "ok"), event("review.create")));
        assertEquals(List.of("b"), queued());
        assertFalse(sessions.find(tenant, "a").orElseThrow().needsReview());
        assertEquals(1, audit.list(tenant, 0, 10).size());

        Optional<Review> again = reviews.addIfAbsent(review("a", "ok"), event("review.create"));
        assertEquals("ok", again.orElseThrow().note());
        assertEquals(1, reviews.forSession(tenant, "a").size(), "the same review is stored once");
        assertEquals(1, audit.list(tenant, 0, 10).size(), "and audited once");
        reviews.addIfAbsent(review("a", "second look"), event("review.create"));
        assertEquals(2, reviews.forSession(tenant, "a").size());
    }

    @Test
    void theQueuePagesInStartOrder() {
        for (int i = 0; i < 5; i++) session("s" + i, "2026-11-20T1" + i + ":00:00Z", true);
        var first = reviews.queue(tenant, "app", Optional.empty(), 2);
        assertEquals(List.of("s0", "s1"), first.sessions().stream().map(s -> s.sessionId()).toList());
        var second = reviews.queue(tenant, "app", first.next(), 10);
        assertEquals(List.of("s2", "s3", "s4"), second.sessions().stream().map(s -> s.sessionId()).toList());
    }

    @Test
    void planUpdatesAreConditionalOnTheVersionAndAudited() {
        PlanItem item = new PlanItem(PlanItem.Kind.REMEDIATION, tenant, "rem_1", "gap", null, "owner", LocalDate.parse("2026-12-01"),
                "OPEN", null, "10.1", "alert:alt_1", null, 1, NOW, "key_admin", NOW, "key_admin");
        assertTrue(plans.create(item, event("remediation.create")));
        assertFalse(plans.create(item, event("remediation.create")), "an id is created once");
        PlanItem done = new PlanItem(item.kind(), tenant, item.id(), item.title(), null, item.owner(), item.dueDate(), "DONE", null,
                item.controlId(), item.incidentId(), "closed", 2, NOW, "key_admin", NOW, "key_admin");
        assertTrue(plans.update(done, event("remediation.update")));
        assertFalse(plans.update(done, event("remediation.update")), "a stale version is refused");
        PlanItem stored = plans.find(tenant, PlanItem.Kind.REMEDIATION, "rem_1").orElseThrow();
        assertEquals("DONE", stored.status());
        assertEquals("10.1", stored.controlId());
        assertEquals("alert:alt_1", stored.incidentId());
        assertEquals(List.of("remediation.create", "remediation.update"), audit.list(tenant, 0, 10).stream().map(e -> e.action()).toList());
        assertTrue(plans.list(tenant, PlanItem.Kind.ROADMAP).isEmpty());
    }

    /** The Compliance Center reads deployments, guardrail history and SDK health once per tenant, not once per application. */
    @Test
    void tenantWideReadsHoldEveryApplicationsRecordsAndNoOtherTenants() {
        DynamoDeploymentStore deployments = new DynamoDeploymentStore(client, table);
        DynamoGuardrailStore guardrails = new DynamoGuardrailStore(client, table, audit);
        String other = tenant + "-other";
        for (String t : List.of(tenant, other)) {
            for (String app : List.of("ab", "a")) {
                for (int i = 0; i < 2; i++) {
                    Instant at = NOW.minusSeconds(3600L * (2 - i));
                    deployments.putIfAbsent(new DeploymentRecord(t, app, "1." + i, at, "{}", (app + i).repeat(16), "0xsig", "0xsigner", NOW, "k"));
                    sdk.putIfAbsent(new SdkHealthReport(t, app, "sdk", "1." + i, at, "{}", (app + i + "h").repeat(8), NOW));
                    guardrails.putVersion(new GuardrailConfig(t, app, i + 1, Json.mapper().createArrayNode(), null, (app + i + "g").repeat(8), at, "k"),
                            event("guardrails.update"));
                }
            }
        }
        assertEquals(List.of("a 1.0", "a 1.1", "ab 1.0", "ab 1.1"), deployments.listOfTenant(tenant).stream()
                .map(d -> d.applicationId() + " " + d.version()).toList());
        assertEquals(deployments.list(tenant, "a"), deployments.listOfTenant(tenant).subList(0, 2), "each application's in its own order");
        assertEquals(List.of("a 1.0", "a 1.1", "ab 1.0", "ab 1.1"), sdk.healthReportsOfTenant(tenant).stream()
                .map(r -> r.applicationId() + " " + r.sdkVersion()).toList());
        assertEquals(List.of("a 1", "a 2", "ab 1", "ab 2"), guardrails.historyOfTenant(tenant).stream()
                .map(c -> c.applicationId() + " " + c.version()).toList());
    }

    @Test
    void sdkSightingsKeepTheWidestBoundsWhateverTheOrder() {
        sdk.sawSdk(tenant, "app", "py", "1.0", Instant.parse("2026-11-20T10:00:00Z"), "session");
        sdk.sawSdk(tenant, "app", "py", "1.0", Instant.parse("2026-11-18T10:00:00Z"), "health");
        sdk.sawSdk(tenant, "app", "py", "1.0", Instant.parse("2026-11-19T10:00:00Z"), "session");
        sdk.sawSdk(tenant, "app", "py", "1.0", Instant.parse("2026-11-18T10:00:00Z"), "health");
        var version = sdk.versions(tenant, "app").get(0);
        assertEquals(Instant.parse("2026-11-18T10:00:00Z"), version.firstSeen());
        assertEquals(Instant.parse("2026-11-20T10:00:00Z"), version.lastSeen());
        assertEquals(java.util.Set.of("session", "health"), version.sources());
        assertTrue(settings.get(tenant).quarterlyExport(), "settings default to the quarterly export on");
    }

    /**
     * Until 2026-11-30 an SDK version's key was the hash of name and version joined with "\n". Items
     * stored under such keys are read together with the new ones, merged by the name and version they hold.
     */
    @Test
    void sdkVersionsAndStatesStoredUnderTheKeysOfBeforeMergeWithTheNewOnesByNameAndVersion(LocalAws aws) {
        String oldKey = dev.veriproof.core.hash.Hashes.hex(dev.veriproof.core.hash.Hashes.sha256("py\n1.0".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .substring(0, 32);
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> version = new java.util.HashMap<>(Map.of(
                "pk", s("TENANT#" + tenant), "sk", s("SDKVER#app#" + oldKey), "applicationId", s("app"), "sdkName", s("py"), "sdkVersion", s("1.0"),
                "firstSeen", s("2026-11-10T10:00:00Z"), "lastSeen", s("2026-11-12T10:00:00Z"),
                "sources", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromSs(List.of("session"))));
        aws.client().putItem(r -> r.tableName(aws.tableName("GovernanceTable")).item(version));
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> state = new java.util.HashMap<>(Map.of(
                "pk", s("TENANT#" + tenant), "sk", s("SDKSTATE#app#" + oldKey), "applicationId", s("app"), "sdkName", s("py"), "sdkVersion", s("1.0"),
                "tenantId", s(tenant), "reportedAt", s("2026-11-12T10:00:00Z"), "circuitBreaker", s("OPEN"),
                "exportSuccessRate", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN("0.2")));
        aws.client().putItem(r -> r.tableName(aws.tableName("GovernanceTable")).item(state));

        sdk.sawSdk(tenant, "app", "py", "1.0", Instant.parse("2026-11-20T10:00:00Z"), "health");
        sdk.putIfAbsent(new dev.veriproof.core.governance.SdkHealthReport(tenant, "app", "py", "1.0", Instant.parse("2026-11-20T10:00:00Z"),
                "{\"circuitBreaker\":\"CLOSED\",\"exportSuccessRate\":1}", "ab".repeat(32), NOW));

        var versions = sdk.versions(tenant, "app");
        assertEquals(1, versions.size(), versions.toString());
        assertEquals(Instant.parse("2026-11-10T10:00:00Z"), versions.get(0).firstSeen());
        assertEquals(Instant.parse("2026-11-20T10:00:00Z"), versions.get(0).lastSeen());
        assertEquals(java.util.Set.of("session", "health"), versions.get(0).sources());
        var states = sdk.healthStates(tenant, "app");
        assertEquals(1, states.size(), states.toString());
        assertEquals("CLOSED", states.get(0).circuitBreaker(), "the latest report's state, not the stale one under the old key");
    }

    private static software.amazon.awssdk.services.dynamodb.model.AttributeValue s(String text) {
        return software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(text);
    }

    private List<String> queued() {
        return reviews.queue(tenant, "app", Optional.empty(), 100).sessions().stream().map(s -> s.sessionId()).toList();
    }
}
