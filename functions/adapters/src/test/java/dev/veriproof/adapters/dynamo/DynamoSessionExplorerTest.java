package dev.veriproof.adapters.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.explorer.ExplorerCursor;
import dev.veriproof.core.explorer.SessionExplorer;
import dev.veriproof.core.explorer.SessionFilter;
import dev.veriproof.core.explorer.SessionSummary;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.scoring.Band;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The sessions explorer's reads against DynamoDB Local, on the indexes template.yaml defines: every
 * filter, newest first, tenant isolation, a limited auditor's applications, the read budget, and
 * cursors that stay exact while sessions keep arriving.
 */
@ExtendWith(LocalAwsExtension.class)
class DynamoSessionExplorerTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private LocalAws aws;
    private DynamoSessionStore store;
    private String tenant;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        store = new DynamoSessionStore(aws.client(), aws.tableName("SessionsTable"));
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void store(String tenantId, String id, String app, String startedAt, int score, String extra, boolean needsReview) {
        String record = new String(Canonical.jcs(Json.parse("{\"sessionId\":\"" + id + "\",\"applicationId\":\"" + app
                + "\",\"startedAt\":\"" + startedAt + "\"" + extra + "}")), StandardCharsets.UTF_8);
        assertTrue(store.putIfAbsent(new StoredSession(tenantId, id, app, Instant.parse(startedAt), record, "00".repeat(32), score,
                Band.of(score).name(), Map.of(), NOW, "req", needsReview)).isEmpty());
    }

    private void store(String id, String app, String startedAt, int score, String extra) {
        store(tenant, id, app, startedAt, score, extra, false);
    }

    private static SessionFilter filter(String query) {
        Map<String, String> params = new HashMap<>();
        if (!query.isEmpty()) for (String pair : query.split("&")) params.put(pair.split("=", 2)[0], pair.split("=", 2)[1]);
        params.putIfAbsent("from", "2026-11-01");
        params.putIfAbsent("to", "2026-11-26");
        return SessionFilter.parse(params, NOW);
    }

    /** Every page of the query, following the cursors. */
    private List<String> all(String query, Set<String> applications) {
        SessionFilter f = filter(query);
        List<String> ids = new ArrayList<>();
        Optional<String> after = Optional.empty();
        int pages = 0;
        do {
            SessionExplorer.Page page = store.page(tenant, f, applications, after);
            page.sessions().forEach(s -> ids.add(s.sessionId()));
            after = page.next();
            assertTrue(++pages < 100, "the cursor moves on");
        } while (after.isPresent());
        return ids;
    }

    private List<String> all(String query) {
        return all(query, Set.of());
    }

    @Test
    void everyFilterSelectsExactlyItsSessionsNewestFirst() {
        store("a1", "loan", "2026-11-26T09:00:00Z", 95, ",\"riskLevel\":\"HIGH\",\"decision\":{\"outcome\":\"APPROVED\"},\"model\":\"gpt-4.1\"");
        store("a2", "loan", "2026-11-25T09:00:00.250Z", 60, ",\"riskLevel\":\"LOW\",\"decision\":{\"outcome\":\"DENIED\"},\"contentSafety\":{\"flags\":[\"PII\"]}");
        store("a3", "bot", "2026-11-25T08:00:00Z", 30, ",\"model\":\"claude\",\"contentSafety\":{\"flags\":[\"HATE\",\"PII\"]}");
        store(tenant, "a4", "loan", "2026-11-20T08:00:00Z", 80, ",\"riskLevel\":\"CRITICAL\"", true);
        store(tenant, "a5", "bot", "2026-11-10T08:00:00Z", 50, ",\"riskLevel\":\"HIGH\"", true);
        store("old", "loan", "2026-10-20T08:00:00Z", 90, "");  // before the period
        store("b1", "loan", "2026-11-25T10:00:00Z", 85, "");
        store("other-" + tenant, "x1", "loan", "2026-11-25T10:00:00Z", 90, "", false);
        reviewed("a5");
        anchored("a1");
        anchored("a3");

        assertEquals(List.of("a1", "b1", "a2", "a3", "a4", "a5"), all(""));
        assertEquals(List.of("a1", "b1", "a2", "a4"), all("applicationId=loan"));
        assertEquals(List.of("a3", "a5"), all("", Set.of("bot")));
        assertEquals(List.of("a1"), all("band=EXCELLENT"));
        assertEquals(List.of("a2", "a3", "a5"), all("band=FAIR,POOR,CRITICAL"));
        assertEquals(List.of("a1", "a4", "a5"), all("riskLevel=HIGH,CRITICAL"));
        assertEquals(List.of("a2"), all("outcome=DENIED"));
        assertEquals(List.of("a3"), all("model=claude"));
        assertEquals(List.of("a4"), all("reviewState=PENDING"));
        assertEquals(List.of("a5"), all("reviewState=REVIEWED"));
        assertEquals(List.of("a1", "b1", "a2", "a3"), all("reviewState=NONE"));
        assertEquals(List.of("a4", "a5"), all("reviewState=PENDING,REVIEWED"));
        assertEquals(List.of("a1", "b1", "a2", "a3", "a5"), all("reviewState=NONE,REVIEWED"));
        assertEquals(List.of("a1", "a3"), all("anchored=true"));
        assertEquals(List.of("b1", "a2", "a4", "a5"), all("anchored=false"));
        assertEquals(List.of("a2", "a3"), all("contentSafety=FLAGGED"));
        assertEquals(List.of("a3"), all("contentSafety=HATE"));
        assertEquals(List.of("a1", "b1", "a4", "a5"), all("contentSafety=CLEAN"));
        assertEquals(List.of("a2"), all("applicationId=loan&contentSafety=PII&riskLevel=LOW&outcome=DENIED&anchored=false"));
        assertEquals(List.of("a2", "a3"), all("from=2026-11-25T08:00:00Z&to=2026-11-25T09:00:00.250Z"));
        assertEquals(List.of("a3"), all("from=2026-11-25T08:00:00Z&to=2026-11-25T09:00:00.249Z"));

        SessionSummary row = store.page(tenant, filter("model=gpt-4.1"), Set.of(), Optional.empty()).sessions().get(0);
        assertEquals(new SessionSummary("a1", "loan", Instant.parse("2026-11-26T09:00:00Z"), 95, "EXCELLENT", "HIGH", "APPROVED", "gpt-4.1",
                dev.veriproof.core.explorer.ReviewState.NONE, true, List.of()), row);
        assertEquals(List.of("HATE", "PII"), store.page(tenant, filter("model=claude"), Set.of(), Optional.empty()).sessions().get(0).contentSafetyFlags());
        assertTrue(store.page("nobody", filter(""), Set.of(), Optional.empty()).sessions().isEmpty());
    }

    @Test
    void pagesFollowTheCursorWithoutDuplicatesOrSkipsWhileSessionsKeepArriving() {
        for (int i = 0; i < 30; i++) {
            store(String.format("s%02d", i), i % 2 == 0 ? "loan" : "bot", String.format("2026-11-%02dT10:%02d:00Z", 10 + i / 3, i), 50 + i, "");
        }
        for (String query : List.of("", "applicationId=loan")) {
            SessionFilter f = filter(query);
            Set<String> existing = new LinkedHashSet<>(all(query));
            SessionExplorer.Page first = store.page(tenant, filter(query + (query.isEmpty() ? "" : "&") + "limit=4"), Set.of(), Optional.empty());
            List<String> seen = new ArrayList<>(first.sessions().stream().map(SessionSummary::sessionId).toList());
            Optional<String> after = first.next();
            int arrival = 0;
            String tag = query.isEmpty() ? "t" : "a";
            while (after.isPresent()) {
                // between pages: one session newer than everything listed, one older than the cursor
                store(tag + "new" + arrival, "loan", "2026-11-26T" + (query.isEmpty() ? "10" : "20") + ":00:" + (10 + arrival) + "Z", 70, "");
                store(tag + "late" + arrival, "loan", "2026-11-01T0" + arrival % 10 + ":00:00Z", 70, "");
                arrival++;
                SessionFilter limited = filter(query + (query.isEmpty() ? "" : "&") + "limit=4");
                SessionExplorer.Page page = store.page(tenant, limited, Set.of(), after);
                page.sessions().forEach(s -> seen.add(s.sessionId()));
                after = page.next();
            }
            assertEquals(seen.size(), new LinkedHashSet<>(seen).size(), "no session twice: " + seen);
            assertTrue(seen.containsAll(existing), "every session that existed is listed");
            assertFalse(seen.stream().anyMatch(id -> id.startsWith(tag + "new")), "sessions newer than the first page wait for a new query");
            assertTrue(arrival >= 5, "several pages");
        }
    }

    @Test
    void aSelectiveFilterOverManySessionsAnswersWithinItsBudgetAndResumes() {
        for (int i = 0; i < 60; i++) store(String.format("m%02d", i), "loan", String.format("2026-11-2%dT10:%02d:00Z", i % 5, i), 60, "");
        store("needle", "loan", "2026-11-20T00:00:01Z", 99, "");
        SessionFilter f = filter("band=EXCELLENT&limit=10");
        List<String> found = new ArrayList<>();
        Optional<String> after = Optional.empty();
        int pages = 0;
        do {
            pages++;
            SessionExplorer.Page page = store.page(tenant, f, Set.of(), after);
            found.addAll(page.sessions().stream().map(SessionSummary::sessionId).toList());
            after = page.next();
            after.ifPresent(position -> ExplorerCursor.decode(ExplorerCursor.encode(f, tenant, position), f, true, true, tenant));
        } while (after.isPresent());
        assertEquals(List.of("needle"), found);
        assertTrue(pages > 1, "26 days of one partition each exceed one request's budget of Query calls");
    }

    @Test
    void daysReadAheadTogetherAnswerTheSamePagesAsDaysReadOneByOne() {
        // sparse: a few sessions on scattered days of the 26-day window, so pages run through empty days and read them ahead
        List<String> expected = new ArrayList<>();
        int[] days = {26, 25, 21, 20, 20, 13, 12, 9, 3, 2, 2, 1};
        for (int i = 0; i < days.length; i++) {
            String id = String.format("s%02d", i);
            store(id, i % 3 == 0 ? "chat" : "loan", String.format("2026-11-%02dT%02d:00:00Z", days[i], 20 - i), i % 2 == 0 ? 95 : 40, "");
            expected.add(id);
        }
        for (int limit : new int[] {1, 2, 3, 5, 50}) {
            assertEquals(expected, all("limit=" + limit), "limit " + limit);
        }
        assertEquals(expected.stream().filter(id -> Integer.parseInt(id.substring(1)) % 2 == 0).toList(), all("band=EXCELLENT&limit=2"));
        assertEquals(expected.stream().filter(id -> Integer.parseInt(id.substring(1)) % 3 == 0).toList(), all("limit=2", Set.of("chat")));
    }

    private void reviewed(String sessionId) {
        aws.client().transactWriteItems(b -> b.transactItems(store.leaveReviewQueue(tenant, sessionId)));
    }

    /** Through the real path: the session's pointer enters the backlog and is placed in a batch. */
    private void anchored(String sessionId) {
        DynamoAnchorPointers pointers = new DynamoAnchorPointers(aws.client(), aws.tableName("SessionsTable"));
        dev.veriproof.core.ingest.StoredSession stored = store.find(tenant, sessionId).orElseThrow();
        pointers.recordAnchored(List.of(new dev.veriproof.core.anchoring.PendingSessions.AnchoredLeaf(
                        new dev.veriproof.core.anchoring.PendingLeaf(tenant, sessionId, stored.leafHash()),
                        new dev.veriproof.core.merkle.InclusionProof(0, 1, List.of(), stored.leafHash()))),
                new dev.veriproof.core.anchoring.Anchor(31337, "0x" + "ab".repeat(20), "0x" + "cd".repeat(32), 42,
                        java.time.Instant.parse("2026-11-20T12:05:00Z"), "ee".repeat(32)));
    }
}
