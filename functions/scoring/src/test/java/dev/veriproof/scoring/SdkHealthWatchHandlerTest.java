package dev.veriproof.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.adapters.dynamo.DynamoAlertStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoIncidentStore;
import dev.veriproof.adapters.dynamo.DynamoSdkTelemetryStore;
import dev.veriproof.adapters.dynamo.DynamoRiskStore;
import dev.veriproof.adapters.dynamo.DynamoRollupStore;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.alerts.Alert;
import dev.veriproof.core.alerts.AlertRule;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.alerts.AlertStatus;
import dev.veriproof.core.alerts.Rules;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.governance.SdkHealthReport;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.risk.RiskStore;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;

/**
 * The SDK health watch against DynamoDB Local: reports stored through the real governance store,
 * rules through the real alert store; each SDK kind opens its alert once and resolves it when the
 * SDK recovers, and another tenant's reports never touch this tenant's alerts.
 */
@ExtendWith(LocalAwsExtension.class)
class SdkHealthWatchHandlerTest {
    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

    private DynamoSdkTelemetryStore governance;
    private AlertStore alerts;
    private RollupStore rollups;
    private RiskStore risks;
    private DynamoApplicationStore applications;
    private final List<String> queued = Collections.synchronizedList(new ArrayList<>());
    private String tenant;

    private DynamoIncidentStore incidents;

    @BeforeEach
    void setUp(LocalAws aws) {
        String table = aws.tableName("GovernanceTable");
        DynamoAuditLog audit = new DynamoAuditLog(aws.client(), table, Clock.fixed(T0, ZoneOffset.UTC));
        governance = new DynamoSdkTelemetryStore(aws.client(), table);
        alerts = new DynamoAlertStore(aws.client(), table, audit);
        rollups = new DynamoRollupStore(aws.client(), table);
        risks = new DynamoRiskStore(aws.client(), table);
        incidents = new DynamoIncidentStore(aws.client(), table);
        applications = new DynamoApplicationStore(DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build(), table);
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Map<String, Object> tick(Instant at) {
        Clock clock = Clock.fixed(at, ZoneOffset.UTC);
        Aggregation aggregation = new Aggregation(rollups, risks, alerts, applications, new Notifications((m, d) -> queued.add(m)),
                incidents, clock);
        return new SdkHealthWatchHandler(governance::sdkStatesOfAllTenants, alerts::rules, aggregation, clock).handleRequest(Map.of(), null);
    }

    private void report(String tenantId, String app, String version, String breaker, double exportRate, Instant at) {
        String json = "{\"applicationId\":\"" + app + "\",\"circuitBreaker\":\"" + breaker + "\",\"exportSuccessRate\":" + exportRate
                + ",\"reportedAt\":\"" + at + "\",\"sdk\":{\"name\":\"veriproof-python\",\"version\":\"" + version + "\"}}";
        governance.putIfAbsent(new SdkHealthReport(tenantId, app, "veriproof-python", version, at, json,
                dev.veriproof.core.hash.Hashes.hex(dev.veriproof.core.hash.Hashes.sha256(json.getBytes())), at));
    }

    private void rule(String kind) {
        AlertRule rule = Rules.parse(Json.parse("{\"name\":\"n\",\"applicationId\":\"*\",\"severity\":\"HIGH\",\"notify\":{\"eventBridge\":true},\"kind\":" + kind + "}"),
                tenant, AlertStore.newId("rule_"), T0, T0, false);
        assertTrue(alerts.createRule(rule, new AuditEvent("key-admin", "alert_rule.create", "alert-rule/" + rule.ruleId(), Map.of())));
    }

    private Map<String, Alert> byKind() {
        return alerts.alerts(tenant).stream().collect(Collectors.toMap(a -> a.kind().name() + "/" + a.status(), a -> a, (a, b) -> a));
    }

    @Test
    void eachSdkKindOpensOnceAndResolvesWhenTheSdkRecovers() {
        rule("\"SDK_CIRCUIT_BREAKER_OPEN\"");
        rule("\"SDK_EXPORT_SUCCESS_BELOW\",\"threshold\":0.95");
        rule("\"SDK_SILENT\",\"threshold\":10");
        report(tenant, "bot", "1.4.2", "OPEN", 0.80, T0.minusSeconds(60));
        report("other-" + tenant, "bot", "1.4.2", "OPEN", 0.10, T0.minusSeconds(60)); // another tenant: no rules of ours apply
        tick(T0);
        tick(T0.plusSeconds(30)); // nothing new: the open alerts stay as they are
        Map<String, Alert> open = byKind();
        assertEquals(2, alerts.alerts(tenant).size(), alerts.alerts(tenant).toString());
        assertEquals(1, open.get("SDK_CIRCUIT_BREAKER_OPEN/OPEN").occurrences());
        assertEquals(1.0, open.get("SDK_CIRCUIT_BREAKER_OPEN/OPEN").value());
        assertEquals(0.8, open.get("SDK_EXPORT_SUCCESS_BELOW/OPEN").value());
        assertEquals(0.95, open.get("SDK_EXPORT_SUCCESS_BELOW/OPEN").threshold());

        // an older report arriving late does not move the state back
        report(tenant, "bot", "1.4.2", "CLOSED", 1.0, T0.minusSeconds(120));
        tick(T0.plusSeconds(60));
        assertEquals(2, byKind().values().stream().filter(a -> a.status() == AlertStatus.OPEN).count());

        report(tenant, "bot", "1.4.2", "CLOSED", 0.99, T0.plusSeconds(90));
        tick(T0.plusSeconds(120));
        Map<String, Alert> recovered = byKind();
        assertEquals(AlertStatus.RESOLVED, recovered.get("SDK_CIRCUIT_BREAKER_OPEN/RESOLVED").status());
        assertEquals(AlertStatus.RESOLVED, recovered.get("SDK_EXPORT_SUCCESS_BELOW/RESOLVED").status());

        tick(T0.plusSeconds(90 + 10 * 60)); // ten minutes after the last report
        Alert silent = byKind().get("SDK_SILENT/OPEN");
        assertEquals(10.0, silent.value());
        assertEquals(10.0, silent.threshold());
        report(tenant, "bot", "1.5.0", "CLOSED", 1.0, T0.plusSeconds(90 + 11 * 60)); // a new version reports
        tick(T0.plusSeconds(90 + 12 * 60));
        assertEquals(AlertStatus.RESOLVED, byKind().get("SDK_SILENT/RESOLVED").status());
        assertTrue(alerts.alerts("other-" + tenant).isEmpty());
        assertEquals(List.of("alert.opened", "alert.opened", "alert.resolved", "alert.resolved", "alert.opened", "alert.resolved"),
                queued.stream().map(m -> Json.parse(Json.parse(m).get("body").asText()).get("type").asText()).toList());
    }

    @Test
    void theLatestReportOfEachVersionIsItsStateWhateverTheOrderOfArrival() {
        report(tenant, "bot", "1.0", "OPEN", 0.5, T0.minusSeconds(30));
        report(tenant, "bot", "1.0", "CLOSED", 0.9, T0.minusSeconds(10));
        report(tenant, "bot", "1.0", "HALF_OPEN", 0.7, T0.minusSeconds(20));
        report(tenant, "bot", "1.0", "CLOSED", 0.9, T0.minusSeconds(10)); // a retried report
        report(tenant, "bot", "2.0", "OPEN", 0.1, T0.minusSeconds(5));
        var states = governance.healthStates(tenant, "bot");
        assertEquals(List.of("1.0 CLOSED 0.9", "2.0 OPEN 0.1"),
                states.stream().map(s -> s.sdkVersion() + " " + s.circuitBreaker() + " " + s.exportSuccessRate()).toList());
        assertEquals(T0.minusSeconds(10), states.get(0).lastReportAt());
        assertTrue(governance.healthStates(tenant, "other-app").isEmpty());
        assertTrue(governance.healthStates("nobody", "bot").isEmpty());
    }
}
