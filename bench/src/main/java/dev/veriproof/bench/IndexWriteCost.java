package dev.veriproof.bench;

import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalDynamoDb;
import dev.veriproof.local.TemplateTables;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Write units per session of the sessions table and its indexes at ingest (issue 16 target 3), for the index
 * projections of {@code template.yaml} and for {@code tenant-day} projecting ALL (before 2026-11-30). Anchoring no longer
 * rewrites the session item (it writes a pointer item, docs/anchoring.md), so ingest is where the projections cost.
 * Computed from the item sizes with DynamoDB's documented rules — an item's size is the UTF-8 length of its attribute
 * names and values; a write costs one unit per started KB; every index the item is in costs one unit per started KB of
 * its entry (base key, index key, projected attributes) — and shown beside what DynamoDB Local answers to
 * {@code ReturnConsumedCapacity=INDEXES} for the same PutItem. Realistic 4 KiB sessions
 * ({@link SessionGenerator}). Not a timing: the figures do not depend on the machine.
 *
 * <pre>java -Dveriproof.root=$PWD -cp bench/target/classes:$(cat /tmp/bench.cp) dev.veriproof.bench.IndexWriteCost</pre>
 */
public final class IndexWriteCost {
    public static void main(String[] args) {
        int n = Integer.getInteger("bench.sessions", 200);
        try (LocalDynamoDb db = LocalDynamoDb.start()) {
            DynamoDbClient client = db.client();
            String table = TemplateTables.createAll(client, CloudFormationTemplate.load(CloudFormationTemplate.locate()), "wcu-").get("SessionsTable");
            List<GlobalSecondaryIndexDescription> indexes = client.describeTable(r -> r.tableName(table)).table().globalSecondaryIndexes();
            SessionGenerator generator = new SessionGenerator(42, IngestBenchmark.SESSION_BYTES);
            Map<String, double[]> sums = new TreeMap<>();
            double localReported = 0;
            double localTable = 0;
            double itemBytes = 0;
            for (int i = 0; i < n; i++) {
                Map<String, AttributeValue> item = IngestBenchmark.storedItem("bench", generator.next("loan-7f3a", i, IngestBenchmark.APPLICATION), "req-" + i);
                itemBytes += size(item);
                ConsumedCapacity consumed = client.putItem(r -> r.tableName(table).item(item)
                        .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)).consumedCapacity();
                if (consumed != null && consumed.capacityUnits() != null) localReported += consumed.capacityUnits();
                if (consumed != null && consumed.table() != null) localTable += consumed.table().capacityUnits();
                for (boolean tenantDayAll : new boolean[] {true, false}) {
                    String side = tenantDayAll ? "before (tenant-day ALL)" : "after (template.yaml)";
                    double[] sum = sums.computeIfAbsent(side, k -> new double[2]);
                    sum[0] += units(size(item));
                    for (GlobalSecondaryIndexDescription index : indexes) {
                        boolean all = index.projection().projectionType() == ProjectionType.ALL || tenantDayAll && index.indexName().equals("tenant-day");
                        Long entry = entrySize(index, all, item);
                        if (entry != null) sum[1] += units(entry);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "sessions table, %d realistic sessions of %d bytes of JSON: mean item %.0f bytes%n", n, IngestBenchmark.SESSION_BYTES, itemBytes / n);
            System.out.printf(Locale.ROOT, "indexes: %s%n", indexes.stream().map(x -> x.indexName() + " " + x.projection().projectionType()).collect(Collectors.joining(", ")));
            System.out.printf(Locale.ROOT, "%-26s %14s %14s %14s%n", "write units per session", "ingest: table", "ingest: GSIs", "ingest total");
            sums.forEach((side, sum) -> System.out.printf(Locale.ROOT, "%-26s %14.2f %14.2f %14.2f%n", side, sum[0] / n, sum[1] / n, (sum[0] + sum[1]) / n));
            System.out.printf(Locale.ROOT, "DynamoDB Local's ReturnConsumedCapacity=INDEXES for the same ingest PutItems (template.yaml's projections):"
                    + " %.2f per session (table %.2f, GSIs %.2f)%n", localReported / n, localTable / n, (localReported - localTable) / n);
            System.out.println("(a batch request's TransactWriteItems costs 2 units per KB of the table item; index writes as above)");
        }
    }

    private static Long entrySize(GlobalSecondaryIndexDescription index, boolean all, Map<String, AttributeValue> item) {
        Map<String, AttributeValue> entry = entry(index, all, item);
        return entry == null ? null : size(entry);
    }

    /** The index's entry of the item: null if the item lacks the index's key (a sparse index). */
    private static Map<String, AttributeValue> entry(GlobalSecondaryIndexDescription index, boolean all, Map<String, AttributeValue> item) {
        for (KeySchemaElement k : index.keySchema()) if (!item.containsKey(k.attributeName())) return null;
        if (all) return item;
        Map<String, AttributeValue> entry = new HashMap<>();
        entry.put("pk", item.get("pk"));
        index.keySchema().forEach(k -> entry.put(k.attributeName(), item.get(k.attributeName())));
        if (index.projection().projectionType() == ProjectionType.INCLUDE) {
            index.projection().nonKeyAttributes().forEach(a -> { if (item.containsKey(a)) entry.put(a, item.get(a)); });
        }
        return entry;
    }

    private static double units(long bytes) {
        return Math.ceil(bytes / 1024.0);
    }

    /** DynamoDB's item size: attribute names plus values (strings and sets by UTF-8 length, numbers about 1 byte per 2 digits + 1, maps and lists 3 + 1 per element). */
    static long size(Map<String, AttributeValue> item) {
        long bytes = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) bytes += utf8(e.getKey()) + size(e.getValue());
        return bytes;
    }

    private static long size(AttributeValue v) {
        return switch (v.type()) {
            case S -> utf8(v.s());
            case N -> (new BigDecimal(v.n()).precision() + 1) / 2 + 1;
            case BOOL, NUL -> 1;
            case SS -> v.ss().stream().mapToLong(IndexWriteCost::utf8).sum();
            case M -> 3 + v.m().entrySet().stream().mapToLong(e -> utf8(e.getKey()) + size(e.getValue()) + 1).sum();
            case L -> 3 + v.l().stream().mapToLong(x -> size(x) + 1).sum();
            default -> throw new IllegalArgumentException("unexpected attribute type " + v.type());
        };
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
