package dev.veriproof.anchoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.anchoring.AnchoringRun;
import dev.veriproof.core.anchoring.PendingLeaf;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.LocalChain;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;

/**
 * The backlog repair after the consumer gave up a stream batch: the sessions received in the window go back into the
 * backlog, and each is anchored once, however often the window is swept.
 */
@ExtendWith(LocalAwsExtension.class)
class AnchorBacklogSweepHandlerTest {

    @Test
    void theSessionsReceivedInTheWindowAreListedAgainAndEachIsAnchoredOnce(LocalAws aws) {
        AnchoringFixture fixture = new AnchoringFixture(aws);
        AnchorBacklogSweepHandler sweep = new AnchorBacklogSweepHandler(fixture.sessions, fixture.backlog);
        // a stream batch the consumer gave up: stored, never listed (received 09:00:00.001 .. .005)
        List<String> lost = fixture.store("acme", 5).stream().map(StoredSession::sessionId).toList();
        List<String> listed = fixture.ingest("acme", 2);
        assertEquals(listed, pendingIds(fixture));

        Map<String, Object> answer = sweep.handleRequest(Map.of("from", "2026-11-26T09:00:00.002Z", "to", "2026-11-26T09:00:00.004Z"), null);
        assertEquals(3L, answer.get("sessions"), "the window's sessions only: " + answer);
        assertEquals(List.of(lost.get(1), lost.get(2), lost.get(3), listed.get(0), listed.get(1)), pendingIds(fixture), "oldest received first");

        try (LocalChain node = LocalChain.start()) {
            String contract = Web3jAnchorChain.deploy(node.rpcUrl(), LocalChain.CHAIN_ID, Credentials.create(LocalChain.DEV_PRIVATE_KEY));
            AnchoringRun.Result first = fixture.run(AnchoringFixture.chain(node, contract)).run();
            assertEquals(5, first.sessions());
            assertTrue(fixture.pointer("acme", lost.get(0)).isEmpty(), "outside the window: still waiting");

            // the whole window again, anchored sessions included: only the two still waiting are anchored
            assertEquals(7L, sweep.handleRequest(Map.of("from", "2026-11-26T09:00:00Z", "to", "2026-11-26T09:00:01Z"), null).get("sessions"));
            AnchoringRun.Result second = fixture.run(AnchoringFixture.chain(node, contract)).run();
            assertEquals(2, second.sessions(), "each session anchored once");
            for (String id : lost) assertTrue(fixture.pointer("acme", id).containsKey("batchId"), id);
            assertEquals(0, fixture.chunks());
        }
    }

    @Test
    void aWindowThatIsNotOneIsRefusedAndListsNothing(LocalAws aws) {
        AnchoringFixture fixture = new AnchoringFixture(aws);
        fixture.store("acme", 2);
        AnchorBacklogSweepHandler sweep = new AnchorBacklogSweepHandler(fixture.sessions, fixture.backlog);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sweep.handleRequest(Map.of("from", "2026-11-26T09:00:00Z"), null))
                .getMessage().startsWith("to is required"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sweep.handleRequest(Map.of("from", "2026-11-26 09:00", "to", "2026-11-26T10:00:00Z"), null))
                .getMessage().startsWith("from must be an RFC 3339 timestamp"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> sweep.handleRequest(Map.of("from", "2026-11-26T10:00:00Z", "to", "2026-11-26T09:00:00Z"), null)).getMessage().contains("is before from"));
        assertEquals(0, fixture.chunks());
    }

    private static List<String> pendingIds(AnchoringFixture fixture) {
        return fixture.backlog.oldestPending(100).stream().map(PendingLeaf::sessionId).toList();
    }
}
