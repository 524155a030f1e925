package dev.veriproof.anchoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.AnchorChain;
import dev.veriproof.core.anchoring.AnchorLedger;
import dev.veriproof.core.anchoring.AnchoringRun;
import dev.veriproof.core.anchoring.AnchoringRun.Outcome;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.InclusionProof;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.EmfOutput;
import dev.veriproof.adapters.dynamo.DynamoAnchorLedger;
import dev.veriproof.local.LocalChain;
import dev.veriproof.local.LocalLambdaContext;
import dev.veriproof.local.ThrottlingInterceptor;
import dev.veriproof.verifier.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The anchoring run against DynamoDB Local and a real local chain (anvil) with the compiled Anchor.sol. */
@ExtendWith(LocalAwsExtension.class)
class AnchoringRunTest {
    private static LocalChain node;
    private static String contract;

    private AnchoringFixture fixture;
    private Web3jAnchorChain chain;
    @TempDir Path tmp;

    @BeforeAll
    static void startChain() {
        node = LocalChain.start();
        contract = Web3jAnchorChain.deploy(node.rpcUrl(), LocalChain.CHAIN_ID, org.web3j.crypto.Credentials.create(LocalChain.DEV_PRIVATE_KEY));
    }

    @AfterAll
    static void stopChain() {
        node.close();
    }

    @BeforeEach
    void fresh(LocalAws aws) {
        if (!node.isRunning()) node.restart();
        fixture = new AnchoringFixture(aws);
        chain = AnchoringFixture.chain(node, contract);
    }

    @Test
    void everySessionOfEveryBatchGetsAProofThatVerifiesOnChain_andEarlierProofsNeverChange() throws Exception {
        Map<String, String> firstSeen = new HashMap<>();
        List<String> all = new ArrayList<>();
        for (int size : new int[] {1, 2, 3, 5, 7, 8, 13, 100}) {
            List<String> ids = new ArrayList<>(fixture.ingest("acme", size));
            ids.addAll(fixture.ingest("demo", 1));
            AnchoringRun.Result result = fixture.run(chain).run();
            assertEquals(Outcome.ANCHORED, result.outcome(), result.failure().orElse(""));
            assertEquals(size + 1, result.sessions());
            for (int i = 0; i < ids.size(); i++) {
                String tenant = i < size ? "acme" : "demo";
                Map<String, AttributeValue> item = fixture.item(tenant, ids.get(i));
                InclusionProof proof = InclusionProof.fromJson(Json.parse(item.get("proof").s()));
                assertEquals(size + 3, proof.treeSize(), "the sessions and one header leaf per tenant");
                assertEquals(i < size ? i + 1 : size + 2, proof.leafIndex(), "deterministic order: by tenant, each after its header, oldest first");
                assertTrue(proof.verifies(Hashes.fromHex(item.get("leafHash").s())));
                assertTrue(proof.auditPath().size() * 32 <= 32 * ceilLog2(size + 3), "proof bytes within 32·⌈log2 n⌉");
                assertFalse(item.containsKey("anchorPending"), "anchored sessions leave the pending index");
                assertFalse(item.containsKey("pendingKey"));
                Anchor anchor = Anchor.fromJson(Json.parse(item.get("anchor").s()));
                assertEquals(LocalChain.CHAIN_ID, anchor.chainId());
                assertEquals(contract, anchor.contract());
                firstSeen.put(tenant + "/" + ids.get(i), item.get("proof").s() + item.get("anchor").s());
                all.add(tenant + "/" + ids.get(i));
            }
            fixture.clock.advance(Duration.ofMinutes(5));
        }
        for (String key : all) {
            String[] parts = key.split("/");
            Map<String, AttributeValue> item = fixture.item(parts[0], parts[1]);
            assertEquals(firstSeen.get(key), item.get("proof").s() + item.get("anchor").s(), "proof of " + key + " changed");
        }
        ArrayNode evidence = Json.mapper().createArrayNode();
        for (String key : all) evidence.add(fixture.evidence(key.split("/")[0], key.split("/")[1]));
        Verification verification = verify(evidence);
        assertEquals(0, verification.exit, verification.output);
        assertEquals(all.size(), verification.output.lines().filter(l -> l.startsWith("PASS")).count());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHandlerRunsOnTheScheduleFixtureAnswersTheRunSummaryAndEmitsItsMetrics() throws Exception {
        fixture.ingest("demo", 2);
        Map<String, Object> event = Json.mapper().readValue(
                dev.veriproof.local.CloudFormationTemplate.locate().getParent().resolve("events/schedule/anchoring.json").toFile(), Map.class);
        AnchoringHandler handler = new AnchoringHandler(fixture.run(chain), fixture.clock);
        LocalLambdaContext context = new LocalLambdaContext("AnchoringFunction");
        Map<String, Object>[] summary = new Map[1];
        EmfOutput emf = EmfOutput.capture(() -> summary[0] = handler.handleRequest(event, context));
        assertEquals("ANCHORED", summary[0].get("outcome"));
        assertEquals(2, summary[0].get("sessions"));
        assertEquals(1, ((List<String>) summary[0].get("batchIds")).size());

        assertEquals(2, emf.sum("SessionsAnchored"));
        assertEquals(2, emf.sum("AnchorBatchSize"));
        assertEquals(0, emf.sum("ChainFailures"));
        assertEquals(0, emf.sum("OldestPendingSessionAge"), "nothing left pending");
        assertEquals(1, emf.sum("AnchoringRuns", Map.of("outcome", "ANCHORED", "Service", "veriproof")));
        assertEquals("VeriProof", emf.first("SessionsAnchored").orElseThrow().namespace());
        assertEquals("Seconds", emf.first("OldestPendingSessionAge").orElseThrow().unit());
        assertEquals(EmfOutput.declarations(EmfOutput.powertoolsDocument("AnchoringReport")), EmfOutput.declarations(emf.documentsWith("SessionsAnchored").get(0)),
                "the names, units and dimension sets the template's alarms and dashboard read");
        assertEquals(EmfOutput.declarations(EmfOutput.powertoolsDocument("AnchoringRuns")), EmfOutput.declarations(emf.documentsWith("AnchoringRuns").get(0)));
        assertTrue(emf.documents().stream().allMatch(d -> d.path("function_request_id").asText().equals(context.getAwsRequestId())));
        var runLog = emf.logLines().stream().filter(l -> l.path("message").asText().equals("anchoring run")).findFirst().orElseThrow();
        assertEquals(context.getAwsRequestId(), runLog.path("function_request_id").asText(), runLog.toString());
        assertTrue(runLog.has("cold_start"), runLog.toString());
    }

    @Test
    void primingMakesARunsReadsAndSignsWithoutSending_itChangesNothingAndTheNextRunAnchors() {
        List<String> ids = fixture.ingest("acme", 3);
        long nonce = chain.minedNonce();
        long block = chain.latestBlock();
        AnchoringHandler handler = new AnchoringHandler(fixture.run(chain), fixture.clock);
        assertEquals(null, handler.prime(), "a scheduled function handles no priming event");
        assertEquals(nonce, chain.minedNonce(), "nothing sent");
        assertEquals(block, chain.latestBlock());
        assertEquals(1, fixture.chunks(), "the backlog as it was");
        assertTrue(fixture.ledger.openBatch().isEmpty(), "no batch prepared");
        for (String id : ids) assertTrue(fixture.pointer("acme", id).isEmpty(), "no pointer written");
        AnchoringRun.Result result = fixture.run(chain).run();
        assertEquals(Outcome.ANCHORED, result.outcome(), "no lease left behind: " + result.failure().orElse(""));
        assertEquals(3, result.sessions());
    }

    @Test
    void aFailedRunReportsTheChainFailureAndHowLongTheOldestSessionHasWaited() {
        fixture.ingest("acme", 3);
        fixture.clock.advance(Duration.ofMinutes(30));
        node.stop();
        AnchoringHandler handler = new AnchoringHandler(fixture.run(chain), fixture.clock);
        EmfOutput emf = EmfOutput.capture(() -> handler.handleRequest(Map.of(), new LocalLambdaContext("AnchoringFunction")));
        assertEquals(1, emf.sum("ChainFailures"));
        assertEquals(0, emf.sum("SessionsAnchored"));
        assertEquals(1, emf.sum("AnchoringRuns", Map.of("outcome", "FAILED")));
        // the fixture's sessions were received at 09:00; the clock stands at 10:30
        assertEquals(90 * 60, emf.sum("OldestPendingSessionAge"), 1);
    }

    @Test
    void proofsWaitForTheConfiguredConfirmationDepth() throws Exception {
        List<String> ids = fixture.ingest("acme", 3);
        AnchoringRun.Settings twoBlocks = new AnchoringRun.Settings(10_000, 2, Duration.ofSeconds(2),
                Duration.ofMinutes(20), Duration.ofMinutes(5), Duration.ofHours(1));
        long nonce = chain.minedNonce();
        AnchoringRun.Result unconfirmed = new AnchoringRun(fixture.backlog, fixture.ledger, fixture.audit, chain, fixture.clock, twoBlocks).run();
        assertEquals(Outcome.FAILED, unconfirmed.outcome());
        assertTrue(unconfirmed.failure().orElse("").contains("not confirmed"), unconfirmed.failure().orElse(""));
        assertFalse(fixture.item("acme", ids.get(0)).containsKey("anchor"), "mined but not yet buried: no proof yet");

        mineOneBlock();
        fixture.clock.advance(Duration.ofMinutes(6));
        AnchoringRun.Result confirmed = new AnchoringRun(fixture.backlog, fixture.ledger, fixture.audit, chain, fixture.clock, twoBlocks).run();
        assertEquals(Outcome.ANCHORED, confirmed.outcome(), confirmed.failure().orElse(""));
        assertEquals(3, confirmed.sessions());
        assertEquals(nonce + 1, chain.minedNonce(), "the same transaction, not a second one");
    }

    private static void mineOneBlock() throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.rpcUrl())).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"anvil_mine\",\"params\":[\"0x1\"]}"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void aRunWithNothingPendingSendsNothing() {
        fixture.ingest("acme", 3);
        assertEquals(Outcome.ANCHORED, fixture.run(chain).run().outcome());
        long nonce = chain.minedNonce();
        long block = chain.latestBlock();
        fixture.clock.advance(Duration.ofMinutes(5));
        AnchoringRun.Result second = fixture.run(chain).run();
        assertEquals(Outcome.NOTHING_PENDING, second.outcome());
        assertEquals(nonce, chain.minedNonce());
        assertEquals(block, chain.latestBlock());
    }

    @Test
    void anAnchoredSessionPutBackInThePendingIndexLeavesItAndIsNotAnchoredAgain() {
        List<String> ids = fixture.ingest("acme", 2);
        assertEquals(Outcome.ANCHORED, fixture.run(chain).run().outcome());
        String proof = fixture.item("acme", ids.get(0)).get("proof").s();
        fixture.dynamo.updateItem(b -> b.tableName(fixture.sessionsTable)
                .key(Map.of("pk", AnchoringFixture.s("A#acme#" + ids.get(0))))
                .updateExpression("SET anchorPending = :p, pendingKey = :k")
                .expressionAttributeValues(Map.of(":p", AnchoringFixture.s("P#03"), ":k", AnchoringFixture.s("2026-11-26T09:00:00Z#again"))));
        long nonce = chain.minedNonce();
        fixture.clock.advance(Duration.ofMinutes(5));
        assertEquals(Outcome.NOTHING_PENDING, fixture.run(chain).run().outcome());
        assertEquals(nonce, chain.minedNonce());
        Map<String, AttributeValue> item = fixture.item("acme", ids.get(0));
        assertFalse(item.containsKey("anchorPending"));
        assertEquals(proof, item.get("proof").s());
    }

    @Test
    void chainStoppedMidRunLeavesSessionsPendingRecordsAnIncidentAndAnchorsOnceItIsBack() {
        List<String> ids = fixture.ingest("acme", 4);
        AnchorChain stopsBeforeSending = new ForwardingChain(chain) {
            @Override public void broadcast(String rawTransaction) {
                node.stop();
                super.broadcast(rawTransaction);
            }
        };
        AnchoringRun.Result failed = fixture.run(stopsBeforeSending).run();
        assertEquals(Outcome.FAILED, failed.outcome());
        for (String id : ids) {
            Map<String, AttributeValue> item = fixture.item("acme", id);
            assertTrue(item.containsKey("anchorPending"));
            assertFalse(item.containsKey("anchor"));
        }
        List<AnchorLedger.Incident> incidents = fixture.ledger.incidents();
        assertEquals(1, incidents.size());
        assertEquals(4, incidents.get(0).pendingSessions());
        assertTrue(incidents.get(0).reason().contains("unreachable"), incidents.get(0).reason());

        // still down: a second failure, and the backoff doubles
        fixture.clock.advance(Duration.ofMinutes(5));
        assertEquals(Outcome.FAILED, fixture.run(chain).run().outcome());
        assertEquals(2, fixture.ledger.incidents().size());
        assertEquals(Outcome.BACKING_OFF, fixture.run(chain).run().outcome());

        node.restart();
        long nonceBefore = chain.minedNonce();
        fixture.clock.advance(Duration.ofMinutes(10));
        AnchoringRun.Result recovered = fixture.run(chain).run();
        assertEquals(Outcome.ANCHORED, recovered.outcome(), recovered.failure().orElse(""));
        assertEquals(4, recovered.sessions());
        assertEquals(nonceBefore + 1, chain.minedNonce(), "the recorded transaction is sent once");
        assertEquals(AnchorLedger.RetryState.NONE, fixture.ledger.retryState());
        for (String id : ids) assertTrue(fixture.item("acme", id).containsKey("anchor"));
    }

    @Test
    void aCrashBetweenSendAndRecordIsReconciledWithoutASecondTransaction() {
        List<String> ids = fixture.ingest("acme", 6);
        long nonceBefore = chain.minedNonce();
        AnchorChain crashesAfterSending = new ForwardingChain(chain) {
            @Override public Optional<Receipt> awaitReceipt(String txHash, int confirmations, Duration timeout) {
                throw new CrashInjected();
            }
        };
        assertThrows(CrashInjected.class, () -> fixture.run(crashesAfterSending).run());
        String txHash = fixture.ledger.openBatch().orElseThrow().txHash();
        assertTrue(chain.awaitReceipt(txHash, 1, Duration.ofSeconds(10)).isPresent(), "the transaction was sent and mined");
        assertEquals(nonceBefore + 1, chain.minedNonce());
        assertTrue(fixture.item("acme", ids.get(0)).containsKey("anchorPending"));

        assertEquals(Outcome.BUSY, fixture.run(chain).run().outcome(), "the dead run's lease holds until it expires");
        fixture.clock.advance(Duration.ofMinutes(21));
        AnchoringRun.Result reconciled = fixture.run(chain).run();
        assertEquals(Outcome.ANCHORED, reconciled.outcome(), reconciled.failure().orElse(""));
        assertEquals(6, reconciled.sessions());
        assertEquals(nonceBefore + 1, chain.minedNonce(), "no second transaction");
        for (String id : ids) {
            assertEquals(txHash, Anchor.fromJson(Json.parse(fixture.item("acme", id).get("anchor").s())).txHash());
        }
        assertTrue(fixture.ledger.openBatch().isEmpty());
    }

    @Test
    void theSignedTransactionIsRecordedBeforeItIsSent_soACrashRightAfterSendingNeverSendsASecond() {
        List<String> ids = fixture.ingest("acme", 4);
        long nonceBefore = chain.minedNonce();
        List<Optional<String>> openAtSend = new ArrayList<>();
        AnchorChain crashesJustAfterSending = new ForwardingChain(chain) {
            @Override public void broadcast(String rawTransaction) {
                openAtSend.add(fixture.ledger.openBatch().map(b -> b.rawTransaction()));
                super.broadcast(rawTransaction);
                throw new CrashInjected();
            }
        };
        assertThrows(CrashInjected.class, () -> fixture.run(crashesJustAfterSending).run());
        assertEquals(1, openAtSend.size());
        assertTrue(openAtSend.get(0).isPresent(), "the batch must be recorded before its transaction leaves");
        String sent = openAtSend.get(0).get();
        assertEquals(sent, fixture.ledger.openBatch().orElseThrow().rawTransaction());

        fixture.clock.advance(Duration.ofMinutes(21));
        AnchoringRun.Result resumed = fixture.run(chain).run();
        assertEquals(Outcome.ANCHORED, resumed.outcome(), resumed.failure().orElse(""));
        assertEquals(4, resumed.sessions());
        assertEquals(nonceBefore + 1, chain.minedNonce(), "the transaction already sent is not followed by a second one");
        String txHash = Anchor.fromJson(Json.parse(fixture.item("acme", ids.get(0)).get("anchor").s())).txHash();
        for (String id : ids) assertEquals(txHash, Anchor.fromJson(Json.parse(fixture.item("acme", id).get("anchor").s())).txHash());
    }

    @Test
    void throttledTableCallsAreRetriedWithBackoff_everySessionIsAnchoredOnceByOneTransaction(LocalAws aws) {
        List<String> ids = fixture.ingest("acme", 12);
        // every other write's answer is lost after DynamoDB carried it out: the SDK retries a request that happened
        ThrottlingInterceptor throttle = new ThrottlingInterceptor(
                java.util.Set.of("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "Query", "BatchGetItem", "BatchWriteItem", "GetItem"), 2);
        long nonceBefore = chain.minedNonce();
        try (software.amazon.awssdk.services.dynamodb.DynamoDbClient throttled = aws.client(throttle)) {
            AnchoringRun run = new AnchoringRun(new dev.veriproof.adapters.dynamo.DynamoAnchorBacklog(throttled, fixture.sessionsTable, fixture.governanceTable),
                    new DynamoAnchorLedger(throttled, fixture.governanceTable),
                    new dev.veriproof.adapters.dynamo.DynamoAuditLog(throttled, fixture.governanceTable, fixture.clock), chain, fixture.clock,
                    AnchoringFixture.SETTINGS);
            AnchoringRun.Result result = run.run();
            assertEquals(Outcome.ANCHORED, result.outcome(), result.failure().orElse(""));
            // a session whose recording answer was lost reads as already in this batch on the retry: not counted twice
            assertTrue(result.sessions() > 0 && result.sessions() <= 12, "sessions " + result.sessions());
        }
        assertTrue(throttle.injected() >= 4, "throttled " + throttle.injected() + " times");
        assertEquals(nonceBefore + 1, chain.minedNonce(), "one transaction");
        String txHash = Anchor.fromJson(Json.parse(fixture.item("acme", ids.get(0)).get("anchor").s())).txHash();
        for (String id : ids) {
            Map<String, AttributeValue> item = fixture.item("acme", id);
            assertEquals(txHash, Anchor.fromJson(Json.parse(item.get("anchor").s())).txHash());
            assertFalse(item.containsKey("anchorPending"));
        }
        assertTrue(fixture.ledger.openBatch().isEmpty());
        fixture.clock.advance(Duration.ofMinutes(5));
        assertEquals(Outcome.NOTHING_PENDING, fixture.run(chain).run().outcome(), "the lease was released and nothing is left");
    }

    @Test
    void aCrashBeforeSendingIsResumedWithTheSameSignedTransaction() {
        List<String> ids = fixture.ingest("acme", 3);
        long nonceBefore = chain.minedNonce();
        AnchorChain crashesBeforeSending = new ForwardingChain(chain) {
            @Override public void broadcast(String rawTransaction) {
                throw new CrashInjected();
            }
        };
        assertThrows(CrashInjected.class, () -> fixture.run(crashesBeforeSending).run());
        assertEquals(nonceBefore, chain.minedNonce());
        fixture.clock.advance(Duration.ofMinutes(21));
        AnchoringRun.Result resumed = fixture.run(chain).run();
        assertEquals(Outcome.ANCHORED, resumed.outcome(), resumed.failure().orElse(""));
        assertEquals(nonceBefore + 1, chain.minedNonce());
        for (String id : ids) assertTrue(fixture.item("acme", id).containsKey("anchor"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "crash after {0} of 5 pointers")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 2, 5})
    void aCrashWhileRecordingPlacementsIsCompletedWithoutAnchoringAnySessionTwice(int before) {
        List<String> ids = fixture.ingest("acme", 5);
        long nonceBefore = chain.minedNonce();
        dev.veriproof.core.anchoring.PendingSessions real = fixture.backlog;
        dev.veriproof.core.anchoring.PendingSessions crashes = new dev.veriproof.core.anchoring.PendingSessions() {
            @Override public List<dev.veriproof.core.anchoring.PendingLeaf> oldestPending(int limit) {
                return real.oldestPending(limit);
            }
            @Override public Optional<java.time.Instant> oldestPendingSince() {
                return real.oldestPendingSince();
            }
            @Override public int recordAnchored(List<AnchoredLeaf> leaves, Anchor anchor) {
                // the batch item is written first, then the pointers, then the chunk is deleted: the crash comes after
                // `before` pointers (5: all of them, the chunk not yet deleted)
                if (before < 5) real.recordAnchored(leaves.subList(0, before), anchor);
                else new dev.veriproof.adapters.dynamo.DynamoAnchorPointers(fixture.dynamo, fixture.sessionsTable).recordAnchored(leaves, anchor);
                throw new CrashInjected();
            }
        };
        assertThrows(CrashInjected.class, () -> new AnchoringRun(crashes, fixture.ledger, fixture.audit, chain, fixture.clock, AnchoringFixture.SETTINGS).run());
        for (int i = before; i < ids.size(); i++) assertTrue(fixture.item("acme", ids.get(i)).containsKey("anchorPending"));
        assertEquals(1, fixture.chunks(), "the chunk stays until all its sessions are placed");
        fixture.clock.advance(Duration.ofMinutes(21));
        // finished by a new environment (nothing of the dead run in memory): facts from the session items
        dev.veriproof.adapters.dynamo.DynamoAnchorBacklog fresh = new dev.veriproof.adapters.dynamo.DynamoAnchorBacklog(
                fixture.dynamo, fixture.sessionsTable, fixture.governanceTable);
        AnchoringRun.Result completed = new AnchoringRun(fresh, fixture.ledger, fixture.audit, chain, fixture.clock, AnchoringFixture.SETTINGS).run();
        assertEquals(Outcome.ANCHORED, completed.outcome());
        assertEquals(5 - before, completed.sessions(), "only those not yet recorded");
        assertEquals(nonceBefore + 1, chain.minedNonce());
        assertEquals(0, fixture.chunks(), "read by the completing run, all placed: deleted");
        String txHash = Anchor.fromJson(Json.parse(fixture.item("acme", ids.get(0)).get("anchor").s())).txHash();
        for (String id : ids) {
            assertEquals(txHash, Anchor.fromJson(Json.parse(fixture.item("acme", id).get("anchor").s())).txHash());
            assertFalse(fixture.item("acme", id).containsKey("anchorPending"));
            assertEquals("loan-review", fixture.pointer("acme", id).get("applicationId").s());
        }
        fixture.clock.advance(Duration.ofMinutes(1));
        assertEquals(Outcome.NOTHING_PENDING, fixture.run(chain).run().outcome());
    }

    @Test
    void aCrashAfterTheChunkIsWrittenAndBeforeTheStreamMovesOnWritesItAgain_andEachSessionIsAnchoredOnce() {
        List<dev.veriproof.core.ingest.StoredSession> stored = fixture.store("acme", 4);
        fixture.backlog.enqueueAll(stored); // written, then the consumer dies before its batch is checkpointed
        fixture.backlog.enqueueAll(stored); // the stream delivers the batch again
        fixture.backlog.enqueueAll(stored.subList(2, 4)); // and a bisected retry of its second half
        AnchoringRun.Result result = fixture.run(chain).run();
        assertEquals(Outcome.ANCHORED, result.outcome(), result.failure().orElse(""));
        assertEquals(4, result.sessions());
        InclusionProof proof = InclusionProof.fromJson(Json.parse(fixture.item("acme", stored.get(3).sessionId()).get("proof").s()));
        assertEquals(5, proof.treeSize(), "four sessions and the tenant's header: none twice");
        assertEquals(0, fixture.chunks());
    }

    @Test
    void sessionsPendingInTheOldFormsAreAnchoredWithTheNewOnes_eachCountedOnceByTheStream(LocalAws aws) {
        List<String> chunked = fixture.ingest("acme", 2);
        List<dev.veriproof.core.ingest.StoredSession> old = fixture.store("acme", 2);
        // a pending pointer written by the backlog consumer before chunks
        dev.veriproof.core.ingest.StoredSession pointed = old.get(0);
        fixture.dynamo.putItem(b -> b.tableName(fixture.sessionsTable).item(Map.of(
                "pk", AnchoringFixture.s("A#acme#" + pointed.sessionId()), "applicationId", AnchoringFixture.s("loan-review"),
                "day", AnchoringFixture.s("2026-11-26"), "leafHash", AnchoringFixture.s(pointed.leafHash()),
                "anchorPending", AnchoringFixture.s("P#05"), "pendingKey", AnchoringFixture.s(pointed.receivedAt() + "#acme#" + pointed.sessionId()))));
        // a session item stored before pointers, waiting in the old shared partition
        dev.veriproof.core.ingest.StoredSession legacy = old.get(1);
        fixture.dynamo.updateItem(b -> b.tableName(fixture.sessionsTable).key(Map.of("pk", AnchoringFixture.s("S#acme#" + legacy.sessionId())))
                .updateExpression("SET anchorPending = :p, pendingKey = :k")
                .expressionAttributeValues(Map.of(":p", AnchoringFixture.s("PENDING"), ":k", AnchoringFixture.s(legacy.receivedAt() + "#S#acme#" + legacy.sessionId()))));

        AnchoringRun.Result result = fixture.run(chain).run();
        assertEquals(Outcome.ANCHORED, result.outcome(), result.failure().orElse(""));
        assertEquals(4, result.sessions());
        List<String> all = new ArrayList<>(chunked);
        all.add(pointed.sessionId());
        all.add(legacy.sessionId());
        ArrayNode evidence = Json.mapper().createArrayNode();
        for (String id : all) {
            assertFalse(fixture.item("acme", id).containsKey("anchorPending"), id);
            evidence.add(fixture.evidence("acme", id));
        }
        assertEquals(0, fixture.chunks());
        assertTrue(fixture.backlog.oldestPendingSince().isEmpty());

        List<software.amazon.awssdk.services.dynamodb.model.Record> records = dev.veriproof.local.LambdaStreamEvents.read(fixture.dynamo,
                aws.streamsClient(), fixture.sessionsTable, r -> r.dynamodb().keys().get("pk").s().startsWith("A#acme#"));
        List<String> anchoredChanges = dev.veriproof.local.LambdaStreamEvents.event(records, "arn:aws:dynamodb:us-east-1:000000000000:table/SessionsTable/stream/local")
                .getRecords().stream().map(dev.veriproof.adapters.dynamo.DynamoSessionStore::change).flatMap(Optional::stream)
                .filter(c -> c.kind() == dev.veriproof.adapters.dynamo.DynamoSessionStore.Change.Kind.ANCHORED)
                .map(dev.veriproof.adapters.dynamo.DynamoSessionStore.Change::sessionId).sorted().toList();
        assertEquals(all.stream().sorted().toList(), anchoredChanges, "one ANCHORED change per session: inserts, and the old pointer's modify");
        Verification verification;
        try {
            verification = verify(evidence);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertEquals(0, verification.exit, verification.output);
    }

    @Test
    void aTransactionWithoutTheAnchoredEventLeavesSessionsPendingAndIsRecorded() {
        List<String> ids = fixture.ingest("acme", 2);
        // a contract address without code: the transaction succeeds but emits nothing
        Web3jAnchorChain wrongContract = AnchoringFixture.chain(node, "0x000000000000000000000000000000000000dEaD");
        AnchoringRun.Result failed = fixture.run(wrongContract).run();
        assertEquals(Outcome.FAILED, failed.outcome());
        for (String id : ids) assertTrue(fixture.item("acme", id).containsKey("anchorPending"));
        assertEquals(1, fixture.ledger.incidents().size());
        assertTrue(fixture.ledger.openBatch().isEmpty(), "the batch is abandoned, not left open");

        fixture.clock.advance(Duration.ofMinutes(6));
        assertEquals(Outcome.ANCHORED, fixture.run(chain).run().outcome());
        for (String id : ids) assertTrue(fixture.item("acme", id).containsKey("anchor"));
    }

    @Test
    void aRecordEditedAfterAnchoringFailsTheVerifierWhichNamesIt() throws Exception {
        List<String> ids = fixture.ingest("acme", 3);
        assertEquals(Outcome.ANCHORED, fixture.run(chain).run().outcome());
        String edited = ids.get(1);
        String record = fixture.item("acme", edited).get("record").s();
        String tampered = record.replace("decision", "DECISION");
        fixture.dynamo.updateItem(b -> b.tableName(fixture.sessionsTable)
                .key(Map.of("pk", AnchoringFixture.s("S#acme#" + edited)))
                .updateExpression("SET #r = :r")
                .expressionAttributeNames(Map.of("#r", "record"))
                .expressionAttributeValues(Map.of(":r", AnchoringFixture.s(tampered))));
        ArrayNode evidence = Json.mapper().createArrayNode();
        for (String id : ids) evidence.add(fixture.evidence("acme", id).without("leafHash"));
        Verification verification = verify(evidence);
        assertEquals(1, verification.exit, verification.output);
        assertTrue(verification.output.contains("FAIL session " + edited + ": inclusion proof fails"), verification.output);
        assertTrue(verification.output.contains("PASS session " + ids.get(0)), verification.output);
        assertTrue(verification.output.contains("PASS session " + ids.get(2)), verification.output);
    }

    @Test
    void theVerifierFailsAnAnchorThatNamesAnotherTransaction() throws Exception {
        List<String> ids = fixture.ingest("acme", 2);
        assertEquals(Outcome.ANCHORED, fixture.run(chain).run().outcome());
        fixture.clock.advance(Duration.ofMinutes(5));
        List<String> other = fixture.ingest("acme", 1);
        assertEquals(Outcome.ANCHORED, fixture.run(chain).run().outcome());
        var evidence = fixture.evidence("acme", ids.get(0));
        var otherAnchor = fixture.evidence("acme", other.get(0)).get("anchor");
        evidence.set("anchor", otherAnchor);
        Verification verification = verify(evidence);
        assertEquals(1, verification.exit);
        assertTrue(verification.output.contains("the Anchored event carries root"), verification.output);
    }

    @Test
    void theVerifierFailsAnAnchorOnAnotherContractThanTheDeployments() throws Exception {
        List<String> ids = fixture.ingest("acme", 1);
        assertEquals(Outcome.ANCHORED, fixture.run(chain).run().outcome());
        Path file = tmp.resolve("one.json");
        Files.write(file, Json.write(fixture.evidence("acme", ids.get(0))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, Main.run(new String[] {file.toString(), "--rpc", node.rpcUrl(), "--contract", contract}, print, System.err));
        String lookAlike = "0x00000000000000000000000000000000000000aa";
        assertEquals(1, Main.run(new String[] {file.toString(), "--rpc", node.rpcUrl(), "--contract", lookAlike}, print, System.err));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("not the deployment's " + lookAlike));
    }

    private record Verification(int exit, String output) {}

    private Verification verify(Object evidence) throws Exception {
        Path file = tmp.resolve("evidence-" + System.nanoTime() + ".json");
        Files.write(file, Json.write(evidence));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {file.toString(), "--rpc", node.rpcUrl()}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        return new Verification(exit, out.toString(StandardCharsets.UTF_8));
    }

    private static int ceilLog2(int n) {
        return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
    }

    /** Stands for the process dying: nothing in the run catches an Error. */
    static final class CrashInjected extends Error {
        CrashInjected() {
            super("crash injected by the test");
        }
    }

    static class ForwardingChain implements AnchorChain {
        private final AnchorChain delegate;

        ForwardingChain(AnchorChain delegate) {
            this.delegate = delegate;
        }

        @Override public long chainId() { return delegate.chainId(); }
        @Override public String contract() { return delegate.contract(); }
        @Override public long latestBlock() { return delegate.latestBlock(); }
        @Override public long minedNonce() { return delegate.minedNonce(); }
        @Override public SignedAnchor sign(byte[] root, long treeSize, byte[] batchId) { return delegate.sign(root, treeSize, batchId); }
        @Override public void warmUp(byte[] root, long treeSize, byte[] batchId) { delegate.warmUp(root, treeSize, batchId); }
        @Override public void broadcast(String rawTransaction) { delegate.broadcast(rawTransaction); }
        @Override public Optional<Receipt> receipt(String txHash) { return delegate.receipt(txHash); }
        @Override public Optional<Receipt> awaitReceipt(String txHash, int confirmations, Duration timeout) {
            return delegate.awaitReceipt(txHash, confirmations, timeout);
        }
        @Override public Optional<Receipt> findAnchored(byte[] batchId, long fromBlock) { return delegate.findAnchored(batchId, fromBlock); }
    }
}
