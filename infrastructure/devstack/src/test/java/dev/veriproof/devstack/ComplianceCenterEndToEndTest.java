package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The Compliance Center as a compliance officer uses it, through the devstack's HTTP API: three applications that
 * each miss something different; the live scorecard and gap analysis name each gap's application and the call that
 * closes it; closing the gaps one by one (deployment record, review, resolved alert with a note, remediation with an
 * owner) moves each verdict.
 */
class ComplianceCenterEndToEndTest extends EndToEndTest {
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final String noDeployment = "cc-a-" + run;
    private final String unreviewed = "cc-b-" + run;
    private final String bypassing = "cc-c-" + run;
    private final String apps = noDeployment + "," + unreviewed + "," + bypassing;

    @Test
    void gapsNameTheirApplicationAndActionAndCloseOneByOne() {
        String admin = demo.key("admin");
        for (String app : List.of(noDeployment, unreviewed, bypassing)) {
            api.expect(201, api.post("/v1/applications", admin, Map.of("applicationId", app, "name", app, "declaredRiskLevel", "MEDIUM",
                    "scoreTarget", 50, "owner", "governance-team")));
        }
        deploy(unreviewed);
        deploy(bypassing);
        api.expect(201, api.post("/v1/alert-rules", admin, Map.of("name", "bypass " + run, "applicationId", bypassing, "kind", "SESSION_CONDITION",
                "condition", Map.of("any", List.of(Map.of("field", "guardrails.action", "op", "is", "value", "BYPASSED"))),
                "severity", "HIGH", "notify", Map.of("eventBridge", true))));
        String now = Instant.now().minusSeconds(60).toString();
        ingest("{\"sessionId\":\"%s-a\",\"applicationId\":\"%s\",\"startedAt\":\"%s\",\"riskLevel\":\"LOW\",\"grounding\":{\"status\":\"GROUNDED\"}}",
                noDeployment, noDeployment, now);
        ingest("{\"sessionId\":\"%s-b\",\"applicationId\":\"%s\",\"startedAt\":\"%s\",\"riskLevel\":\"HIGH\",\"grounding\":{\"status\":\"GROUNDED\"}}",
                unreviewed, unreviewed, now);
        ingest("{\"sessionId\":\"%s-c\",\"applicationId\":\"%s\",\"startedAt\":\"%s\",\"riskLevel\":\"LOW\",\"grounding\":{\"status\":\"GROUNDED\"},"
                + "\"guardrails\":[{\"name\":\"pii\",\"action\":\"BYPASSED\"}]}", bypassing, bypassing, now);
        stack.drainStreams();

        // each gap names the right application and action
        JsonNode gaps = gaps();
        JsonNode deployment = only(findings(gaps, "8.2; A.2.2"));
        assertEquals(noDeployment, deployment.get("applicationId").asText());
        assertEquals("/v1/deployments", deployment.get("action").get("path").asText());
        JsonNode oversight = only(findings(gaps, "8.6; A.10.3"));
        assertEquals(unreviewed, oversight.get("applicationId").asText());
        assertEquals("/v1/sessions/{sessionId}/reviews", oversight.get("action").get("path").asText());
        List<String> corrections = findings(gaps, "10.2").stream().map(f -> f.get("applicationId").asText() + " " + f.get("action").get("path").asText()).toList();
        String alertId = api.expect(200, api.get("/v1/incidents", admin)).get("incidents").findValues("alertId").stream()
                .filter(JsonNode::isTextual).map(JsonNode::asText).filter(id -> incidentOf("alert:" + id).get("applicationId").asText().equals(bypassing))
                .findFirst().orElseThrow();
        assertEquals(List.of(unreviewed + " /v1/sessions/" + unreviewed + "-b/reviews", bypassing + " /v1/alerts/" + alertId + "/resolve",
                bypassing + " /v1/sessions/" + bypassing + "-c/reviews"), corrections.stream().sorted().toList());
        assertEquals("gap", verdictOf(noDeployment, "8.2; A.2.2"));
        assertEquals("partial", verdictOf(unreviewed, "8.6; A.10.3"), "grounding recorded, oversight missing");
        assertEquals("gap", verdictOf(bypassing, "10.2"));

        // close them one by one and watch each verdict move
        deploy(noDeployment);
        assertEquals("covered", verdictOf(noDeployment, "8.2; A.2.2"));

        api.expect(201, api.post("/v1/sessions/" + unreviewed + "-b/reviews", admin, Map.of("outcome", "APPROVED", "reviewer", "u-17",
                "note", "checked the high-risk decision")));
        stack.drainStreams();
        assertEquals("covered", verdictOf(unreviewed, "8.6; A.10.3"), "the review counts as the oversight the session required");
        assertEquals("covered", verdictOf(unreviewed, "10.2"));
        assertEquals("review", incidentOf("high_risk_without_oversight:" + unreviewed + "-b").get("correctiveAction").get("type").asText());

        api.expect(200, api.post("/v1/alerts/" + alertId + "/resolve", admin, Map.of("note", "bypass came from a test account; removed")));
        assertEquals("covered", verdictOf(bypassing, "10.2"), "the resolved alert corrects the bypass it counted");
        assertEquals("alert_resolution", incidentOf("guardrail_bypass:" + bypassing + "-c").get("correctiveAction").get("type").asText());

        JsonNode improvement = appOf(scorecard(admin), noDeployment, "10.1");
        long planned = improvement.get("evidence").get("withOwnedRemediation").asLong();
        assertTrue(improvement.get("evidence").get("openGaps").asLong() > planned, improvement.toString());
        api.expect(201, api.post("/v1/remediations", admin, Map.of("gap", "score sessions every day", "owner", "dana", "dueDate",
                LocalDate.now(ZoneOffset.UTC).plusDays(30).toString(), "controlId", "6.1", "applicationId", noDeployment)));
        assertEquals(planned + 1, appOf(scorecard(admin), noDeployment, "10.1").get("evidence").get("withOwnedRemediation").asLong());
        assertEquals(400, api.post("/v1/remediations", admin, Map.of("gap", "g", "owner", "o", "dueDate", "2027-01-01", "controlId", "99.9")).status());

        // isolation and scope
        assertEquals(404, api.get("/v1/scorecards/iso-42001?applications=" + noDeployment, acme.key("admin")).status());
        assertEquals(0, api.expect(200, api.get("/v1/incidents", acme.key("admin"))).get("incidents").findValues("applicationId").stream()
                .filter(a -> a.asText().startsWith("cc-")).count());
        assertEquals(200, api.get("/v1/scorecards/iso-42001?applications=" + apps, demo.key("auditor")).status());
        assertEquals(403, api.get("/v1/scorecards/iso-42001", demo.key("ingest")).status());

        // the posture is computed from rollups, so the anchoring run moves the anchor coverage
        assertEquals(200, api.post(LocalChainService.FIRE_PATH, null, "").status());
        stack.drainStreams();
        assertTrue(appOf(scorecard(admin), noDeployment, "8.4").get("evidence").get("anchorCoverage").asDouble() > 0);
    }

    @Test
    void auditorsReadAlertsIncidentsTheReviewQueueAndSettingsButChangeNothing() {
        String auditor = demo.key("auditor");
        String limited = api.expect(201, api.post("/v1/keys", demo.key("admin"), Map.of("role", "auditor", "applications", List.of("support-bot"))))
                .get("key").asText();
        assertEquals(200, api.get("/v1/alerts", auditor).status());
        assertEquals(200, api.get("/v1/incidents", auditor).status());
        assertEquals(200, api.get("/v1/review-queue", auditor).status());
        assertEquals(200, api.get("/v1/settings", auditor).status());
        assertEquals(403, api.put("/v1/settings", auditor, Map.of("quarterlyExport", false)).status());
        assertEquals(403, api.post("/v1/alerts/alt_any/resolve", auditor, Map.of("note", "n")).status());
        assertEquals(403, api.post("/v1/remediations", auditor, Map.of("gap", "g", "owner", "o", "dueDate", "2027-01-01")).status());

        assertEquals(403, api.get("/v1/settings", limited).status(), "settings are tenant-wide");
        assertEquals(404, api.get("/v1/review-queue?applicationId=loan-review", limited).status());
        assertEquals(200, api.get("/v1/review-queue?applicationId=support-bot", limited).status());
        for (JsonNode alert : api.expect(200, api.get("/v1/alerts", limited)).get("alerts")) {
            assertEquals("support-bot", alert.get("applicationId").asText());
        }
        for (JsonNode incident : api.expect(200, api.get("/v1/incidents", limited)).get("incidents")) {
            assertEquals("support-bot", incident.get("applicationId").asText());
        }
    }

    /**
     * SPEC §14: the live scorecard and gap analysis equal the evidence package's files for the same period and
     * applications (apart from generatedAt), and GET /v1/incidents lists the package's incident lines.
     */
    @Test
    void theLivePostureIsThePackagesForTheSamePeriod() throws Exception {
        String admin = demo.key("admin");
        String covered = "cc-d-" + run;
        String bare = "cc-e-" + run;
        api.expect(201, api.post("/v1/applications", admin, Map.of("applicationId", covered, "name", covered, "declaredRiskLevel", "HIGH",
                "scoreTarget", 40, "owner", "governance-team")));
        api.expect(201, api.post("/v1/applications", admin, Map.of("applicationId", bare, "name", bare, "declaredRiskLevel", "LOW",
                "scoreTarget", 90, "owner", "governance-team")));
        deploy(covered);
        String now = Instant.now().minusSeconds(60).toString();
        ingest("{\"sessionId\":\"%s-1\",\"applicationId\":\"%s\",\"startedAt\":\"%s\",\"riskLevel\":\"HIGH\",\"grounding\":{\"status\":\"GROUNDED\"}}",
                covered, covered, now);
        ingest("{\"sessionId\":\"%s-1\",\"applicationId\":\"%s\",\"startedAt\":\"%s\",\"riskLevel\":\"LOW\"}", bare, bare, now);
        api.expect(201, api.post("/v1/remediations", admin, Map.of("gap", "sign " + bare + "'s deployment", "owner", "dana", "dueDate",
                LocalDate.now(ZoneOffset.UTC).plusDays(30).toString(), "controlId", "8.2", "applicationId", bare)));
        assertEquals(200, api.post(LocalChainService.FIRE_PATH, null, "").status());
        stack.drainStreams();

        LocalDate to = LocalDate.now(ZoneOffset.UTC);
        String period = "from=" + to.minusDays(6) + "&to=" + to + "&applications=" + covered + "," + bare;
        JsonNode scorecard = api.expect(200, api.get("/v1/scorecards/iso-42001?" + period, admin));
        JsonNode gaps = api.expect(200, api.get("/v1/gap-analysis/iso-42001?" + period, admin));
        JsonNode incidents = api.expect(200, api.get("/v1/incidents?from=" + to.minusDays(6) + "&to=" + to, admin));

        ApiClient.Response started = api.post("/v1/exports", admin, Map.of("framework", "ISO_42001", "from", to.minusDays(6).toString(),
                "to", to.toString(), "applications", List.of(covered, bare)));
        assertEquals(202, started.status(), started.body());
        String id = started.json().get("id").asText();
        stack.evidence().awaitExports();
        JsonNode link = api.expect(200, api.get("/v1/exports/" + id + "/download", admin));
        byte[] zip = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(link.get("url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        Map<String, byte[]> files = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) files.put(e.getName(), in.readAllBytes());
        }
        assertEquals(withoutGeneratedAt(scorecard), withoutGeneratedAt(Json.parse(files.get("scorecard.json"))));
        assertEquals(withoutGeneratedAt(gaps), withoutGeneratedAt(Json.parse(files.get("gap-analysis.json"))));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : new String(files.get("alerts-and-corrective-actions.jsonl"), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) lines.add(Json.parse(line));
        }
        List<JsonNode> ours = new ArrayList<>();
        for (JsonNode i : incidents.get("incidents")) {
            if (i.get("applicationId").isNull() || List.of(covered, bare).contains(i.get("applicationId").asText())) ours.add(i);
        }
        assertEquals(ours, lines);
        assertTrue(lines.stream().anyMatch(i -> i.get("incidentId").asText().equals("high_risk_without_oversight:" + covered + "-1")), lines.toString());
        JsonNode signed = only(findings(gaps, "8.2; A.2.2"));
        assertEquals(bare, signed.get("applicationId").asText());
        assertEquals(1, signed.get("remediations").size(), "the remediation linked to the gap");
        List<String> listed = new ArrayList<>();
        for (JsonNode r : Json.parse(files.get("remediation-and-roadmap.json")).get("remediations")) {
            if (!r.get("applicationId").isNull()) listed.add(r.get("applicationId").asText());
        }
        assertEquals(List.of(bare), listed, "the package lists it too, with the tenant-wide items and no other application's");
    }

    private static JsonNode withoutGeneratedAt(JsonNode json) {
        ObjectNode copy = json.deepCopy();
        copy.remove("generatedAt");
        return copy;
    }

    private void deploy(String app) {
        api.expect(201, api.post("/v1/deployments", demo.key("ingest"), Map.of("applicationId", app, "version", "1.0.0", "intendedUse", "triage",
                "environment", "production", "adapter", Map.of(), "deployedAt", Instant.now().minusSeconds(120).toString())));
    }

    private void ingest(String template, String id, String app, String at) {
        api.expect(201, api.post("/v1/sessions", demo.key("ingest"), template.formatted(id, app, at)));
    }

    private JsonNode scorecard(String key) {
        return api.expect(200, api.get("/v1/scorecards/iso-42001?applications=" + apps, key));
    }

    private JsonNode gaps() {
        return api.expect(200, api.get("/v1/gap-analysis/iso-42001?applications=" + apps, demo.key("admin")));
    }

    private String verdictOf(String app, String control) {
        return appOf(scorecard(demo.key("admin")), app, control).get("verdict").asText();
    }

    private static JsonNode appOf(JsonNode scorecard, String app, String control) {
        for (JsonNode c : scorecard.get("controls")) {
            if (!c.get("id").asText().equals(control)) continue;
            for (JsonNode a : c.get("applications")) if (a.get("applicationId").asText().equals(app)) return a;
        }
        throw new AssertionError("no " + control + " verdict for " + app);
    }

    /** The control's findings about applications (not tenant-level ones, which other tests' data may add). */
    private static List<JsonNode> findings(JsonNode gaps, String control) {
        List<JsonNode> list = new ArrayList<>();
        for (JsonNode g : gaps.get("gaps")) {
            if (!g.get("id").asText().equals(control)) continue;
            for (JsonNode f : g.get("findings")) if (!f.get("applicationId").isNull()) list.add(f);
        }
        return list;
    }

    private static JsonNode only(List<JsonNode> list) {
        assertEquals(1, list.size(), list.toString());
        return list.get(0);
    }

    private JsonNode incidentOf(String incidentId) {
        for (JsonNode i : api.expect(200, api.get("/v1/incidents", demo.key("admin"))).get("incidents")) {
            if (i.get("incidentId").asText().equals(incidentId)) return i;
        }
        throw new AssertionError("no incident " + incidentId);
    }

}
