package dev.veriproof.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.dynamo.DynamoAnchorLedger;
import dev.veriproof.adapters.dynamo.DynamoAnchorBacklog;
import dev.veriproof.adapters.dynamo.DynamoAnchorPointers;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.anchoring.Web3jAnchorChain;
import dev.veriproof.core.anchoring.AnchorChain;
import dev.veriproof.core.anchoring.AnchorLedger;
import dev.veriproof.core.anchoring.AnchoringRun;
import dev.veriproof.core.anchoring.PendingSessions;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.MerkleTree;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalChain;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import org.web3j.crypto.Credentials;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Anchoring benchmark, two parts.
 * <ol>
 * <li><b>Throughput and write cost</b> (issue 16, target 1) on DynamoDB Local and the local chain, every figure against
 *     a reference taken in the same run: {@code bench.sessions} realistic sessions (4 KB records) of
 *     {@code bench.tenants} tenants enter the backlog through the stream consumer's write path (pending chunks, stream
 *     batches of the template's 500), then one anchoring run anchors them all. Write units are DynamoDB's own
 *     {@code ConsumedCapacity} (ReturnConsumedCapacity=INDEXES on every write), summed by writer: the consumer's chunk
 *     puts, the run's pointers, its chunk deletes, its batch item and ledger. References: a raw single-threaded
 *     {@code BatchWriteItem} loop of the same number of pointer-sized items, and the write anchoring did before
 *     pointers (a conditional UpdateItem per session that rewrote the session item), run on {@code bench.before}
 *     sessions stored the old way.</li>
 * <li><b>Gas</b>: {@code anchor(root, treeSize, batchId)} for tree sizes from 1 to 2^40 (the call stores nothing and
 *     emits one event, so only the calldata bytes of {@code treeSize} may vary, a few gas).</li>
 * </ol>
 * <pre>
 * mvn -B -o -q compile dependency:build-classpath -Dmdep.outputFile=/tmp/anchor-bench.cp -pl bench -am
 * java -Xmx2g -Dveriproof.root=$PWD -cp bench/target/classes:$(cat /tmp/anchor-bench.cp) dev.veriproof.bench.AnchorBenchmark
 * </pre>
 * Options: {@code -Dbench.sessions=20000}, {@code -Dbench.tenants=50}, {@code -Dbench.before=2000}. Needs the
 * contract compiled by the build ({@code infrastructure/contracts/target}).
 */
public final class AnchorBenchmark {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The schedule's default (template.yaml's AnchorSchedule) and the handler's default batch limit. */
    private static final Duration SCHEDULE = Duration.ofMinutes(1);
    private static final int MAX_BATCH = 100_000;

    private AnchorBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path bin = CloudFormationTemplate.locate().getParent().resolve("infrastructure/contracts/target/classes/dev/veriproof/contracts/Anchor.bin");
        String bytecode = "0x" + Files.readString(bin).trim();
        System.out.println("load at start: " + uptime());
        try (LocalChain chain = LocalChain.start()) {
            throughput(chain);
            gas(chain, bytecode);
        }
        System.out.println("load at end: " + uptime());
    }

    // ---- throughput and write units ----

    /**
     * Sums DynamoDB's ConsumedCapacity of every write the client makes (ReturnConsumedCapacity=INDEXES is added to each),
     * in total and by writer ({@link #writer}).
     */
    static final class Capacity implements ExecutionInterceptor {
        private static final ExecutionAttribute<String> WRITER = new ExecutionAttribute<>("bench.writer");
        final DoubleAdder units = new DoubleAdder();
        final DoubleAdder indexUnits = new DoubleAdder();
        final AtomicLong writes = new AtomicLong();
        final Map<String, DoubleAdder> byWriter = new ConcurrentHashMap<>();

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            SdkRequest r = context.request();
            ReturnConsumedCapacity all = ReturnConsumedCapacity.INDEXES;
            attributes.putAttribute(WRITER, writer(r));
            if (r instanceof PutItemRequest p) return p.toBuilder().returnConsumedCapacity(all).build();
            if (r instanceof UpdateItemRequest u) return u.toBuilder().returnConsumedCapacity(all).build();
            if (r instanceof DeleteItemRequest d) return d.toBuilder().returnConsumedCapacity(all).build();
            if (r instanceof BatchWriteItemRequest b) return b.toBuilder().returnConsumedCapacity(all).build();
            if (r instanceof TransactWriteItemsRequest t) return t.toBuilder().returnConsumedCapacity(all).build();
            return r;
        }

        /** Who writes: told apart by the keys, as the table layouts in docs/anchoring.md define them. */
        static String writer(SdkRequest r) {
            if (r instanceof PutItemRequest p) {
                String pk = p.item().get("pk").s();
                if (pk.startsWith("ANCHOR#PENDING#")) return "consumer: pending chunks";
                if (pk.startsWith("B#")) return "run: batch item";
                return pk.startsWith("ANCHOR#") ? "run: ledger" : "other";
            }
            if (r instanceof DeleteItemRequest d) return d.key().get("pk").s().startsWith("ANCHOR#PENDING#") ? "run: chunk deletes" : "run: ledger";
            if (r instanceof BatchWriteItemRequest b) {
                var first = b.requestItems().values().iterator().next().get(0);
                String pk = first.putRequest() != null ? first.putRequest().item().get("pk").s() : first.deleteRequest().key().get("pk").s();
                if (pk.startsWith("A#")) return "run: pointers";
                return pk.startsWith("ANCHOR#") ? "run: ledger" : "other";
            }
            return "run: ledger";
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            SdkResponse r = context.response();
            String writer = attributes.getAttribute(WRITER);
            if (r instanceof PutItemResponse p) add(writer, p.consumedCapacity());
            else if (r instanceof UpdateItemResponse u) add(writer, u.consumedCapacity());
            else if (r instanceof DeleteItemResponse d) add(writer, d.consumedCapacity());
            else if (r instanceof BatchWriteItemResponse b) b.consumedCapacity().forEach(c -> add(writer, c));
            else if (r instanceof TransactWriteItemsResponse t) t.consumedCapacity().forEach(c -> add(writer, c));
        }

        private void add(String writer, ConsumedCapacity c) {
            if (c == null) return;
            writes.incrementAndGet();
            if (c.capacityUnits() != null) {
                units.add(c.capacityUnits());
                byWriter.computeIfAbsent(writer == null ? "other" : writer, w -> new DoubleAdder()).add(c.capacityUnits());
            }
            if (c.globalSecondaryIndexes() != null) c.globalSecondaryIndexes().values().forEach(i -> indexUnits.add(i.capacityUnits()));
        }

        Snapshot snapshot() {
            Map<String, Double> writers = new TreeMap<>();
            byWriter.forEach((w, u) -> writers.put(w, u.sum()));
            return new Snapshot(units.sum(), indexUnits.sum(), writers, System.nanoTime());
        }
    }

    record Snapshot(double units, double indexUnits, Map<String, Double> byWriter, long nanos) {
        Phase since(Snapshot start, int count) {
            Map<String, Double> each = new TreeMap<>();
            byWriter.forEach((w, u) -> {
                double delta = u - start.byWriter.getOrDefault(w, 0.0);
                if (delta > 0) each.put(w, delta / count);
            });
            return new Phase(count, (units - start.units) / count, (indexUnits - start.indexUnits) / count, each, (nanos - start.nanos) / 1e9);
        }
    }

    record Phase(int count, double unitsEach, double indexUnitsEach, Map<String, Double> byWriterEach, double seconds) {
        double rate() {
            return count / seconds;
        }
    }

    private static void throughput(LocalChain node) throws Exception {
        int sessions = Integer.getInteger("bench.sessions", 20_000);
        int tenants = Integer.getInteger("bench.tenants", 50);
        int before = Integer.getInteger("bench.before", 2_000);
        try (LocalAws aws = LocalAws.start(CloudFormationTemplate.load(CloudFormationTemplate.locate()), "")) {
            Capacity capacity = new Capacity();
            DynamoDbClient client = DynamoDbClient.builder().endpointOverride(URI.create(aws.endpoint())).region(Region.US_EAST_1)
                    .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local"))
                    .httpClient(UrlConnectionHttpClient.create())
                    .overrideConfiguration(o -> o.addExecutionInterceptor(capacity)).build();
            String table = aws.tableName("SessionsTable");
            System.out.printf("%n== Anchoring throughput: %,d sessions of %d tenants (4 KB records), DynamoDB Local, local chain%n", sessions, tenants);

            SessionGenerator generator = new SessionGenerator(7, 4096);
            List<StoredSession> stored = new ArrayList<>();
            Instant received = Instant.parse("2026-11-30T06:00:00Z");
            for (int i = 0; i < sessions + before; i++) {
                String tenant = String.format("tenant-%03d", i % tenants);
                String record = new String(Canonical.jcs(Json.parse(generator.next("s", i, "app-" + (i % 3)))), StandardCharsets.UTF_8);
                JsonNode parsed = Json.parse(record);
                stored.add(new StoredSession(tenant, parsed.get("sessionId").asText(), parsed.get("applicationId").asText(),
                        Instant.parse(parsed.get("startedAt").asText()), record,
                        Hashes.hex(Hashes.leafHash(record.getBytes(StandardCharsets.UTF_8))), 70, "FAIR", Map.of("guardrails", 70),
                        received.plusMillis(i), "req-" + i, false));
            }
            List<StoredSession> current = stored.subList(0, sessions);
            List<StoredSession> old = stored.subList(sessions, sessions + before);

            // sessions as ingest stores them (not measured: ingest's cost is its own benchmark's)
            List<Map<String, AttributeValue>> items = current.stream().map(DynamoSessionStore::item).toList();
            batchWrite(client, table, items);
            long sessionItemBytes = dev.veriproof.adapters.dynamo.ItemSize.bytes(items.get(0));

            // 1. the backlog consumer's writes: one pending chunk per stream batch of the template's 500
            String governance = aws.tableName("GovernanceTable");
            DynamoAnchorBacklog backlog = new DynamoAnchorBacklog(client, table, governance);
            Snapshot start = capacity.snapshot();
            for (int from = 0; from < current.size(); from += 500) backlog.enqueueAll(current.subList(from, Math.min(from + 500, current.size())));
            Phase enqueue = capacity.snapshot().since(start, sessions);

            // 2. one anchoring run over the whole backlog
            String contract = Web3jAnchorChain.deploy(node.rpcUrl(), LocalChain.CHAIN_ID, Credentials.create(LocalChain.DEV_PRIVATE_KEY));
            Web3jAnchorChain chain = new Web3jAnchorChain(node.rpcUrl(), LocalChain.CHAIN_ID, contract, Credentials.create(LocalChain.DEV_PRIVATE_KEY));
            Map<String, Double> spent = new ConcurrentHashMap<>();
            AnchoringRun run = new AnchoringRun(timed(PendingSessions.class, backlog, spent),
                    timed(AnchorLedger.class, new DynamoAnchorLedger(client, governance), spent),
                    new dev.veriproof.adapters.dynamo.DynamoAuditLog(client, governance, Clock.systemUTC()),
                    timed(AnchorChain.class, chain, spent), Clock.systemUTC(),
                    new AnchoringRun.Settings(MAX_BATCH, 1, Duration.ofSeconds(60), Duration.ofMinutes(20), Duration.ofMinutes(5), Duration.ofHours(1)));
            start = capacity.snapshot();
            AnchoringRun.Result result = run.run();
            Phase anchoring = capacity.snapshot().since(start, sessions);
            if (result.outcome() != AnchoringRun.Outcome.ANCHORED || result.sessions() != sessions) {
                throw new IllegalStateException("the run anchored " + result.sessions() + " of " + sessions + ": " + result);
            }
            if (backlog.oldestPendingSince().isPresent()) throw new IllegalStateException("chunks left after the run");
            System.out.printf("where the run's %.1f s went: %s%n", anchoring.seconds(), spent.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue())).toList());
            verifyOne(new DynamoAnchorPointers(client, table), current.get(sessions / 2));

            // 3. reference: a raw BatchWriteItem loop of as many pointer-sized items
            List<Map<String, AttributeValue>> raw = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                Map<String, AttributeValue> item = new HashMap<>();
                item.put("pk", AttributeValue.fromS("R#" + current.get(i).tenantId() + "#" + current.get(i).sessionId()));
                item.put("applicationId", AttributeValue.fromS(current.get(i).applicationId()));
                item.put("day", AttributeValue.fromS("2026-11-30"));
                item.put("batchId", AttributeValue.fromS("ab".repeat(32)));
                item.put("leafIndex", AttributeValue.fromN(Integer.toString(i)));
                item.put("auditPath", AttributeValue.fromB(software.amazon.awssdk.core.SdkBytes.fromByteArray(new byte[32 * 15])));
                raw.add(item);
            }
            start = capacity.snapshot();
            batchWrite(client, table, raw);
            Phase reference = capacity.snapshot().since(start, sessions);

            // 4. the write anchoring did before pointers, on sessions stored the old way
            List<Map<String, AttributeValue>> oldItems = new ArrayList<>();
            for (StoredSession s : old) {
                Map<String, AttributeValue> item = new HashMap<>(DynamoSessionStore.item(s));
                item.put("anchorPending", AttributeValue.fromS("PENDING"));
                item.put("pendingKey", AttributeValue.fromS(s.receivedAt() + "#S#" + s.tenantId() + "#" + s.sessionId()));
                oldItems.add(item);
            }
            batchWrite(client, table, oldItems);
            String anchorJson = "{\"chainId\":31337,\"contract\":\"" + contract + "\",\"txHash\":\"0x" + "cd".repeat(32)
                    + "\",\"blockNumber\":123456,\"blockTime\":\"2026-11-30T06:01:00Z\",\"batchId\":\"" + "ef".repeat(32) + "\"}";
            MerkleTree tree = MerkleTree.of(old.stream().map(s -> Hashes.fromHex(s.leafHash())).toList());
            start = capacity.snapshot();
            for (int i = 0; i < old.size(); i++) {
                StoredSession s = old.get(i);
                String proof = tree.proof(i).toJson().toString();
                client.updateItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("S#" + s.tenantId() + "#" + s.sessionId())))
                        .updateExpression("SET anchor = :a, proof = :p, anchorBatchId = :b REMOVE anchorPending, pendingKey")
                        .conditionExpression("attribute_exists(pk) AND attribute_not_exists(anchor) AND leafHash = :l")
                        .expressionAttributeValues(Map.of(":a", AttributeValue.fromS(anchorJson), ":p", AttributeValue.fromS(proof),
                                ":b", AttributeValue.fromS("ef".repeat(32)), ":l", AttributeValue.fromS(s.leafHash()))));
            }
            Phase beforePointers = capacity.snapshot().since(start, old.size());

            report(sessions, sessionItemBytes, enqueue, anchoring, reference, beforePointers, capacity);
        }
    }

    private static void report(int sessions, long sessionItemBytes, Phase enqueue, Phase anchoring, Phase reference, Phase before, Capacity capacity) {
        if (capacity.writes.get() == 0 || reference.unitsEach() == 0) {
            System.out.println("DynamoDB Local reported no ConsumedCapacity: write units below are not measured");
        }
        System.out.printf("session item as stored: %,d bytes; load now: %s%n", sessionItemBytes, uptime());
        System.out.printf("%-62s %12s %9s %8s %8s%n", "phase", "sessions/s", "x raw", "WCU/sess", "of GSI");
        row("backlog consumer writes (pending chunks, stream batches of 500)", enqueue, reference);
        row("anchoring run (chunks, pointers read, tree, ledger, chain, pointers)", anchoring, reference);
        row("reference: raw BatchWriteItem loop of as many pointer items", reference, reference);
        row("before pointers: UpdateItem of each session item", before, reference);
        System.out.println("write units per session, by writer (END TO END: everything anchoring writes):");
        Map<String, Double> all = new TreeMap<>(enqueue.byWriterEach());
        anchoring.byWriterEach().forEach((w, u) -> all.merge(w, u, Double::sum));
        all.forEach((writer, units) -> System.out.printf("  %-34s %6.3f%n", writer, units));
        double total = enqueue.unitsEach() + anchoring.unitsEach();
        System.out.printf("  %-34s %6.3f   target <= 2: %s (%.2fx the target; before pointers the run alone: %.2f)%n", "END TO END", total,
                total <= 2 ? "MET" : "NOT MET", total / 2, before.unitsEach());
        double perRun = Math.min(MAX_BATCH, anchoring.rate() * SCHEDULE.toSeconds());
        System.out.printf("sustained ceiling at one run a minute: min(batch limit %,d, %.0f sessions/s x 60 s) / 60 s = %,.0f sessions/s "
                + "(target >= 1,000; before pointers: %.0f sessions/s, the old run's sequential update rate measured here)%n",
                MAX_BATCH, anchoring.rate(), perRun / 60, before.rate());
        System.out.printf("backlog consumer ceiling, one stream shard: %,.0f sessions/s (its writes only; shards add up)%n", enqueue.rate());
        double runAt1000 = 60_000 / anchoring.rate();
        double streamLag = 1 + 500 / enqueue.rate();
        System.out.printf("receipt -> proof at 1,000 sessions/s: stream %.1f s + waiting for the run (p95 of a uniform minute: 57 s) + the run "
                + "(60,000 sessions: %.1f s) + the chain's confirmation = p95 about %.0f s + confirmation (target <= 120 s)%n",
                streamLag, runAt1000, streamLag + 57 + runAt1000);
    }

    private static void row(String name, Phase phase, Phase reference) {
        System.out.printf("%-62s %,12.0f %8.2fx %8.3f %8.3f   (%,d in %.1f s)%n", name, phase.rate(), phase.rate() / reference.rate(),
                phase.unitsEach(), phase.indexUnitsEach(), phase.count(), phase.seconds());
    }

    /** {@code target} behind its interface, adding each method's wall time to {@code spent} ("Type.method"). */
    @SuppressWarnings("unchecked")
    static <T> T timed(Class<T> type, T target, Map<String, Double> spent) {
        return (T) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            long start = System.nanoTime();
            try {
                return method.invoke(target, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            } finally {
                spent.merge(type.getSimpleName() + "." + method.getName(), (System.nanoTime() - start) / 1e9, Double::sum);
            }
        });
    }

    /** The anchored session's proof verifies against its leaf: the benchmark measured real work. */
    private static void verifyOne(DynamoAnchorPointers pointers, StoredSession session) {
        var placed = pointers.placement(session.tenantId(), session.sessionId()).orElseThrow();
        if (!placed.proof().verifies(Hashes.fromHex(session.leafHash()))) throw new IllegalStateException("a proof does not verify");
    }

    private static void batchWrite(DynamoDbClient client, String table, List<Map<String, AttributeValue>> items) {
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> writes = items.subList(from, Math.min(from + 25, items.size())).stream()
                    .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build()).toList();
            Map<String, List<WriteRequest>> request = Map.of(table, writes);
            while (!request.isEmpty()) {
                Map<String, List<WriteRequest>> ask = request;
                request = client.batchWriteItem(b -> b.requestItems(ask)).unprocessedItems();
            }
        }
    }

    static String uptime() {
        try {
            Process process = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (java.io.IOException e) {
            return "uptime unavailable: " + e.getMessage();
        }
    }

    // ---- gas ----

    private static void gas(LocalChain chain, String bytecode) throws Exception {
        String rpc = chain.rpcUrl();
        JsonNode deployed = receipt(rpc, send(rpc, null, bytecode));
        String contract = deployed.get("contractAddress").asText();
        System.out.printf("%n== Anchor gas: Anchor.sol at %s on a local chain (deployment: %,d gas)%n", contract, quantity(deployed.get("gasUsed")));
        String selector = call(rpc, "web3_sha3", "0x" + Hashes.hex("anchor(bytes32,uint256,bytes32)".getBytes(StandardCharsets.US_ASCII)))
                .asText().substring(0, 10);
        long first = -1;
        for (long treeSize : new long[] {1, 2, 1_000, 10_000, 1_000_000, 1L << 40}) {
            byte[] root = Hashes.sha256(("root" + treeSize).getBytes(StandardCharsets.UTF_8));
            byte[] batchId = Hashes.sha256(("batch" + treeSize).getBytes(StandardCharsets.UTF_8));
            String data = selector + Hashes.hex(root) + String.format("%064x", treeSize) + Hashes.hex(batchId);
            long gas = quantity(receipt(rpc, send(rpc, contract, data)).get("gasUsed"));
            if (first < 0) first = gas;
            System.out.printf("anchor of a %,d-leaf tree: %,d gas (%+d against 1 leaf)%n", treeSize, gas, gas - first);
        }
        System.out.println("gas per anchor does not grow with the batch: the difference is the non-zero calldata bytes of treeSize");
    }

    private static String send(String rpc, String to, String data) throws Exception {
        ObjectNode tx = Json.mapper().createObjectNode();
        tx.put("from", LocalChain.DEV_ADDRESS);
        if (to != null) tx.put("to", to);
        tx.put("data", data);
        return call(rpc, "eth_sendTransaction", tx).asText();
    }

    private static JsonNode receipt(String rpc, String txHash) throws Exception {
        for (int i = 0; i < 100; i++) {
            JsonNode receipt = call(rpc, "eth_getTransactionReceipt", txHash);
            if (receipt != null && !receipt.isNull()) {
                if (!"0x1".equals(receipt.get("status").asText())) throw new IllegalStateException("transaction " + txHash + " reverted");
                return receipt;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no receipt for " + txHash);
    }

    private static long quantity(JsonNode hex) {
        return new BigInteger(hex.asText().substring(2), 16).longValueExact();
    }

    private static JsonNode call(String rpc, String method, Object... params) throws Exception {
        ObjectNode request = Json.mapper().createObjectNode();
        request.put("jsonrpc", "2.0");
        request.put("id", 1);
        request.put("method", method);
        ArrayNode array = request.putArray("params");
        for (Object param : params) array.add(Json.mapper().valueToTree(param));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(rpc)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = Json.parse(response.body());
        if (body.hasNonNull("error")) throw new IllegalStateException(method + ": " + body.get("error"));
        return body.get("result");
    }
}
