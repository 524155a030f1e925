package dev.veriproof.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.sun.net.httpserver.HttpServer;
import dev.veriproof.adapters.dynamo.DynamoAlertStore;
import dev.veriproof.core.alerts.AlertRule;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.alerts.Rules;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.EmfOutput;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The notifier against a real HTTP receiver that always fails: each failure is re-queued with the
 * next delay of 5 s, 25 s, 125 s, and the notification is given up after the third retry. (The
 * queue port records what would go to SQS; delivery through the local SQS endpoint, with a receiver
 * that fails twice then succeeds, is in the devstack's end-to-end test.)
 */
@ExtendWith(LocalAwsExtension.class)
class NotifierHandlerTest {
    private static final String SECRET = "notifier-test-secret-0123";
    private HttpServer receiver;
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    private final List<String> signatures = new CopyOnWriteArrayList<>();
    private AlertStore alerts;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            try (exchange) {
                bodies.add(exchange.getRequestBody().readAllBytes());
                signatures.add(exchange.getRequestHeaders().getFirst("X-Signature-256"));
                exchange.sendResponseHeaders(503, -1);
            }
        });
        receiver.start();
        alerts = new DynamoAlertStore(aws.client(), aws.tableName("GovernanceTable"));
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private record Queued(String message, int delay) {
    }

    @Test
    void failedDeliveriesAreRetriedAfter5_25_125SecondsThenGivenUp() throws Exception {
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        AlertRule rule = Rules.parse(Json.parse("{\"name\":\"n\",\"applicationId\":\"*\",\"kind\":\"ANCHOR_COVERAGE_BELOW\",\"threshold\":0.5,"
                + "\"severity\":\"LOW\",\"notify\":{\"webhookUrl\":\"" + url + "\",\"webhookSecret\":\"" + SECRET + "\"}}"), tenant, "rule_n", Instant.EPOCH, Instant.EPOCH, true);
        alerts.createRule(rule, new AuditEvent("key-admin", "alert_rule.create", "alert-rule/" + rule.ruleId(), Map.of()));
        List<Queued> queued = new ArrayList<>();
        NotifierHandler handler = new NotifierHandler(alerts, (message, delay) -> queued.add(new Queued(message, delay)),
                (t, type, detail) -> { }, () -> List.of(5, 25, 125), true);
        String body = "{\"id\":\"evt_1\",\"type\":\"alert.opened\"}";
        String message = Notifications.message("webhook", rule, body, 0);
        String[] next = {message};
        EmfOutput emf = EmfOutput.capture(() -> {
            for (int attempt = 0; attempt < 4; attempt++) {
                assertTrue(handler.handleRequest(event(next[0]), null).getBatchItemFailures().isEmpty());
                if (attempt < 3) next[0] = queued.get(attempt).message();
            }
        });
        assertEquals(4, emf.sum("NotificationsFailed", Map.of("Service", "veriproof")), "every failed attempt, the last one too");
        assertEquals(1, emf.sum("NotificationsAbandoned", Map.of("Service", "veriproof")));
        assertEquals(0, emf.sum("NotificationsDelivered"));
        assertEquals(EmfOutput.declarations(EmfOutput.powertoolsDocument("NotificationsAbandoned")),
                EmfOutput.declarations(emf.documentsWith("NotificationsAbandoned").get(0)), "the names, units and dimension sets the dashboard reads");
        assertEquals(List.of(5, 25, 125), queued.stream().map(Queued::delay).toList());
        assertEquals(List.of(1, 2, 3), queued.stream().map(q -> Json.parse(q.message()).get("attempt").asInt()).toList());
        assertEquals(4, bodies.size(), "the first delivery and three retries, then given up");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < 4; i++) {
            assertEquals(body, new String(bodies.get(i), StandardCharsets.UTF_8));
            assertEquals(expected, signatures.get(i));
        }
    }

    @Test
    void aLoopbackWebhookIsNotCalledWhereTheDeploymentForbidsIt() {
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        AlertRule rule = Rules.parse(Json.parse("{\"name\":\"n\",\"applicationId\":\"*\",\"kind\":\"ANCHOR_COVERAGE_BELOW\",\"threshold\":0.5,"
                + "\"severity\":\"LOW\",\"notify\":{\"webhookUrl\":\"" + url + "\",\"webhookSecret\":\"" + SECRET + "\"}}"), tenant, "rule_l", Instant.EPOCH, Instant.EPOCH, true);
        alerts.createRule(rule, new AuditEvent("key-admin", "alert_rule.create", "alert-rule/" + rule.ruleId(), Map.of()));
        List<Queued> queued = new ArrayList<>();
        NotifierHandler handler = new NotifierHandler(alerts, (m, d) -> queued.add(new Queued(m, d)), (t, type, detail) -> { }, () -> List.of(5, 25, 125), false);
        handler.handleRequest(event(Notifications.message("webhook", rule, "{}", 0)), null);
        assertTrue(bodies.isEmpty());
        assertTrue(queued.isEmpty());
    }

    @Test
    void snapStartPrimingHandlesANotificationOfAMissingRuleAndSendsNothing() {
        List<Queued> queued = new ArrayList<>();
        List<String> published = new ArrayList<>();
        NotifierHandler handler = new NotifierHandler(alerts, (m, d) -> queued.add(new Queued(m, d)), (t, type, detail) -> published.add(detail),
                () -> List.of(5, 25, 125), true);
        assertTrue(handler.prime().getBatchItemFailures().isEmpty());
        assertTrue(bodies.isEmpty());
        assertTrue(queued.isEmpty());
        assertTrue(published.isEmpty());
    }

    private static SQSEvent event(String body) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(UUID.randomUUID().toString());
        message.setBody(body);
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        return event;
    }
}
