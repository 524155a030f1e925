package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Compliance Center's overview and sessions explorer through the running devstack's gateway:
 * what each shows, tenant isolation (404 or nothing), a limited auditor's scope, bad parameters
 * (400 naming them) and cursors that stay exact while sessions keep arriving.
 */
class ExplorerAndOverviewEndToEndTest extends EndToEndTest {

    private static String newApplication(String declared, int target) {
        String id = "cc-" + UUID.randomUUID().toString().substring(0, 8);
        api.expect(201, api.post("/v1/applications", demo.key("admin"), Map.of("applicationId", id, "name", "App " + id,
                "declaredRiskLevel", declared, "scoreTarget", target, "owner", "e2e")));
        return id;
    }

    private static Map<String, Object> session(String app, String id, Instant startedAt, Map<String, Object> extra) {
        Map<String, Object> s = new LinkedHashMap<>(Map.of("sessionId", id, "applicationId", app, "startedAt", startedAt.toString()));
        s.putAll(extra);
        return s;
    }

    private static void post(Map<String, Object> session) {
        api.expect(201, api.post("/v1/sessions", demo.key("ingest"), session));
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("sessions").forEach(s -> ids.add(s.get("sessionId").asText()));
        return ids;
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void theOverviewSumsUpTheTenantAndCardsEachApplication() {
        String loan = newApplication("MEDIUM", 60);
        String bot = newApplication("LOW", 90);
        Instant t = Instant.now().minus(2, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        post(session(loan, "ov-" + UUID.randomUUID(), t, Map.of("intent", "i", "model", "m", "reasoning", "r",
                "guardrails", List.of(Map.of("name", "g", "action", "ALLOWED")))));
        post(session(loan, "ov-" + UUID.randomUUID(), t, Map.of("riskLevel", "HIGH", "guardrails", List.of(Map.of("name", "g", "action", "BLOCKED")))));
        post(session(bot, "ov-" + UUID.randomUUID(), t, Map.of()));
        api.expect(201, api.post("/v1/deployments", demo.key("ingest"), Map.of("applicationId", loan, "version", "2.3.0",
                "intendedUse", "Loan pre-screening", "environment", "production", "adapter", Map.of("model", "m"),
                "deployedAt", t.toString())));
        api.expect(201, api.post("/v1/sdk-health", demo.key("ingest"), Map.of("applicationId", loan,
                "sdk", Map.of("name", "veriproof-python", "version", "1.4.2"), "exportSuccessRate", 1.0, "circuitBreaker", "CLOSED",
                "reportedAt", Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS).toString())));
        stack.drainStreams();

        JsonNode overview = api.expect(200, api.get("/v1/overview?days=7", demo.key("admin")));
        assertEquals(7, overview.get("days").asInt());
        assertTrue(overview.get("sessions").asLong() >= 3);
        Map<String, JsonNode> cards = new LinkedHashMap<>();
        overview.get("applications").forEach(c -> cards.put(c.get("applicationId").asText(), c));
        JsonNode card = cards.get(loan);
        assertEquals(2, card.get("sessions").asInt(), card.toString());
        assertEquals("App " + loan, card.get("name").asText());
        assertEquals(1, card.get("awaitingReview").asInt(), "the HIGH-risk session without oversight waits for review");
        assertEquals("2.3.0", card.get("lastDeployment").get("version").asText());
        assertEquals("HEALTHY", card.get("sdkHealth").asText());
        assertEquals(60, card.get("scoreTarget").asInt());
        assertTrue(card.get("score7d").isNumber());
        assertEquals("NO_REPORTS", cards.get(bot).get("sdkHealth").asText());
        assertTrue(cards.get(bot).get("lastDeployment").isNull());
        assertTrue(overview.get("guardrailActivity").get("BLOCKED").asLong() >= 1);
        long byRisk = 0;
        for (JsonNode n : overview.get("applicationsByEffectiveRisk")) byRisk += n.asLong();
        assertEquals(overview.get("applications").size(), byRisk);

        String limited = api.expect(201, api.post("/v1/keys", demo.key("admin"), Map.of("role", "auditor", "applications", List.of(bot))))
                .get("key").asText();
        JsonNode scoped = api.expect(200, api.get("/v1/overview", limited));
        assertEquals(List.of(bot), ids(scoped, "applications", "applicationId"));
        assertEquals(1, scoped.get("sessions").asInt());
        assertFalse(ids(api.expect(200, api.get("/v1/overview", acme.key("auditor"))), "applications", "applicationId").contains(loan));

        assertError(api.get("/v1/overview?days=0", demo.key("admin")), 400, "invalid_value", "query.days");
        assertError(api.get("/v1/overview?days=91", demo.key("admin")), 400, "invalid_value", "query.days");
        assertError(api.get("/v1/overview?weeks=2", demo.key("admin")), 400, "unknown_parameter", "query.weeks");
        assertError(api.get("/v1/overview", demo.key("ingest")), 403, "forbidden", null);
    }

    private static List<String> ids(JsonNode body, String array, String field) {
        List<String> ids = new ArrayList<>();
        body.get(array).forEach(n -> ids.add(n.get(field).asText()));
        return ids;
    }

    @Test
    void theExplorerFiltersPagesAndStaysExactWhileSessionsArrive() {
        String app = newApplication("LOW", 50);
        Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<String> posted = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = String.format("ex-%s-%02d", app, i);
            Map<String, Object> extra = new LinkedHashMap<>();
            if (i % 3 == 0) extra.put("riskLevel", "HIGH"); // required oversight, none recorded: waits for review
            if (i % 4 == 0) extra.put("decision", Map.of("outcome", "DENIED"));
            if (i == 5) extra.put("contentSafety", Map.of("flags", List.of("PII")));
            if (i == 7) extra.put("model", "gpt-4.1");
            post(session(app, id, base.plusSeconds(i * 60L), extra));
            posted.add(0, id); // newest first
        }
        String byApp = "/v1/sessions?applicationId=" + app;
        JsonNode all = api.expect(200, api.get(byApp, demo.key("auditor")));
        assertEquals(posted, ids(all));
        assertTrue(all.get("nextCursor").isNull());
        JsonNode row = all.get("sessions").get(posted.indexOf(String.format("ex-%s-%02d", app, 5)));
        assertEquals(List.of("sessionId", "applicationId", "startedAt", "governanceScore", "band", "riskLevel", "outcome", "model",
                "reviewState", "anchored", "contentSafetyFlags"), fieldNames(row));
        assertEquals("PII", row.get("contentSafetyFlags").get(0).asText());

        assertEquals(4, ids(api.expect(200, api.get(byApp + "&riskLevel=HIGH", demo.key("admin")))).size());
        assertEquals(4, ids(api.expect(200, api.get(byApp + "&reviewState=PENDING", demo.key("admin")))).size());
        assertEquals(3, ids(api.expect(200, api.get(byApp + "&outcome=DENIED", demo.key("admin")))).size());
        assertEquals(List.of(String.format("ex-%s-07", app)), ids(api.expect(200, api.get(byApp + "&model=gpt-4.1", demo.key("admin")))));
        assertEquals(List.of(String.format("ex-%s-05", app)), ids(api.expect(200, api.get(byApp + "&contentSafety=PII", demo.key("admin")))));
        assertEquals(11, ids(api.expect(200, api.get(byApp + "&contentSafety=CLEAN", demo.key("admin")))).size());
        assertEquals(12, ids(api.expect(200, api.get(byApp + "&anchored=false&band=EXCELLENT,GOOD,FAIR,POOR,CRITICAL", demo.key("admin")))).size());
        assertEquals(posted.subList(0, 2), ids(api.expect(200, api.get(byApp + "&from=" + q(base.plusSeconds(600).toString()), demo.key("admin")))));

        // paging while sessions keep arriving: no duplicates, none of those listed at first skipped
        for (String query : List.of(byApp + "&limit=5", "/v1/sessions?limit=5&from=" + q(base.toString()) + "&to=" + q(base.plusSeconds(3600).toString()))) {
            JsonNode page = api.expect(200, api.get(query, demo.key("admin")));
            List<String> seen = new ArrayList<>(ids(page));
            int arrivals = 0;
            List<String> arrived = new ArrayList<>();
            while (!page.get("nextCursor").isNull()) {
                String newer = "arrive-" + UUID.randomUUID();
                arrived.add(newer);
                post(session(app, newer, Instant.now().minusSeconds(1), Map.of())); // newer than the first page
                post(session(app, "late-" + UUID.randomUUID(), base.minusSeconds(30 + arrivals++), Map.of())); // older than every listed one
                page = api.expect(200, api.get(query + "&cursor=" + page.get("nextCursor").asText(), demo.key("admin")));
                seen.addAll(ids(page));
            }
            assertEquals(seen.size(), new LinkedHashSet<>(seen).size(), seen.toString());
            assertTrue(seen.containsAll(posted), seen.toString());
            // sessions that arrived while this query paged are newer than its first page: never listed
            // (those of the previous query may be, since they arrived before this one began)
            assertTrue(seen.stream().noneMatch(arrived::contains), seen.toString());
            assertTrue(arrivals >= 2, "several pages");
        }

        // tenant isolation and an auditor's scope
        assertError(api.get(byApp, acme.key("admin")), 404, "not_found", null);
        JsonNode acmeSees = api.expect(200, api.get("/v1/sessions?limit=100", acme.key("admin")));
        assertTrue(ids(acmeSees).stream().noneMatch(id -> id.startsWith("ex-")), acmeSees.toString());
        String limited = api.expect(201, api.post("/v1/keys", demo.key("admin"), Map.of("role", "auditor", "applications", List.of("support-bot"))))
                .get("key").asText();
        assertError(api.get(byApp, limited), 404, "not_found", null);
        JsonNode scoped = api.expect(200, api.get("/v1/sessions?limit=100", limited));
        scoped.get("sessions").forEach(s -> assertEquals("support-bot", s.get("applicationId").asText()));
        assertError(api.get("/v1/sessions", demo.key("ingest")), 403, "forbidden", null);

        // bad parameters: 400 naming them, never 500
        assertError(api.get(byApp + "&band=GREAT", demo.key("admin")), 400, "invalid_value", "query.band");
        assertError(api.get(byApp + "&riskLevel=high", demo.key("admin")), 400, "invalid_value", "query.riskLevel");
        assertError(api.get(byApp + "&limit=101", demo.key("admin")), 400, "invalid_value", "query.limit");
        assertError(api.get(byApp + "&from=yesterday", demo.key("admin")), 400, "invalid_value", "query.from");
        assertError(api.get(byApp + "&colour=red", demo.key("admin")), 400, "unknown_parameter", "query.colour");
        assertError(api.get(byApp + "&cursor=garbage!!", demo.key("admin")), 400, "invalid_cursor", "query.cursor");
        String cursor = api.expect(200, api.get(byApp + "&limit=2", demo.key("admin"))).get("nextCursor").asText();
        assertNotNull(cursor);
        assertError(api.get(byApp + "&limit=2&band=GOOD&cursor=" + cursor, demo.key("admin")), 400, "invalid_cursor", "query.cursor");
        assertError(api.get("/v1/sessions?cursor=" + cursor, demo.key("admin")), 400, "invalid_cursor", "query.cursor");
        assertError(api.get(byApp + "&cursor=" + cursor, acme.key("admin")), 404, "not_found", null);
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).replaceAll("\n[^\n]*$", "\n1999-01-01").getBytes(StandardCharsets.UTF_8));
        assertError(api.get(byApp + "&limit=2&cursor=" + forged, demo.key("admin")), 400, "invalid_cursor", "query.cursor");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
