package dev.veriproof.anchoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.anchoring.AnchorChain;
import dev.veriproof.local.EmfOutput;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.LocalChain;
import dev.veriproof.local.RequestLog;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;

/**
 * SnapStart priming of the anchoring run (issue 16 target 6) with the chain out of reach, as it may be where the snapshot
 * is taken: the warm-up makes the reads a run makes (the run state, the backlog's age, the ledger's and the backlog's
 * other reads), signs offline, reports into the dropped priming metrics, writes nothing, and asks the unreachable chain
 * once, not every round. That it sends nothing to a reachable chain: {@code AnchoringRunTest}.
 */
@ExtendWith(LocalAwsExtension.class)
class AnchoringPrimingTest {
    @Test
    void primingOnlyReads_signsOffline_publishesNoMetric_andAsksAnUnreachableChainOnce(LocalAws aws) {
        RequestLog calls = new RequestLog();
        AnchoringFixture fixture = new AnchoringFixture(aws.client(calls));
        fixture.ingest("acme", 2);
        AtomicInteger chainReads = new AtomicInteger();
        AtomicInteger offline = new AtomicInteger();
        AnchorChain unreachable = new AnchoringRunTest.ForwardingChain(new Web3jAnchorChain("http://127.0.0.1:9", LocalChain.CHAIN_ID,
                "0x5FbDB2315678afecb367f032d93F642f64180aa3", Credentials.create(LocalChain.DEV_PRIVATE_KEY))) {
            @Override public long latestBlock() {
                chainReads.incrementAndGet();
                return super.latestBlock();
            }
            @Override public void warmUp(byte[] root, long treeSize, byte[] batchId) {
                super.warmUp(root, treeSize, batchId);
                offline.incrementAndGet();
            }
        };
        AnchoringHandler handler = new AnchoringHandler(fixture.run(unreachable), fixture.clock);
        int from = calls.names().size();

        EmfOutput printed = EmfOutput.capture(() -> assertNull(handler.prime(), "a scheduled function handles no priming event"));

        List<String> sent = calls.names().subList(from, calls.names().size());
        assertTrue(Set.of("QueryRequest", "ScanRequest", "GetItemRequest", "BatchGetItemRequest").containsAll(sent), "reads only: " + sent);
        assertTrue(sent.stream().filter("QueryRequest"::equals).count() >= 2 * (1 + 16), "the run state and the 16 shards each round: " + sent);
        assertTrue(sent.contains("ScanRequest"), "whether the old forms hold anything");
        assertEquals(List.of(), printed.metrics(), "the made-up run's report is built and dropped");
        assertEquals(2, offline.get(), "the transaction signed offline each round (surefire primes twice)");
        assertEquals(1, chainReads.get(), "the unreachable chain is asked once, not each round");
        assertEquals(1, fixture.chunks(), "the backlog as it was");
        assertTrue(fixture.ledger.openBatch().isEmpty());
        assertEquals(Map.of(), fixture.dynamo.getItem(b -> b.tableName(fixture.governanceTable).consistentRead(true)
                .key(Map.of("pk", AnchoringFixture.s("ANCHOR#RUN"), "sk", AnchoringFixture.s("LEASE")))).item(), "no lease");
    }
}
