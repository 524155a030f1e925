package dev.veriproof.adapters.dynamo;

import static dev.veriproof.adapters.dynamo.Attributes.n;
import static dev.veriproof.adapters.dynamo.Attributes.s;
import static dev.veriproof.adapters.dynamo.GovernanceTable.keyed;

import dev.veriproof.core.canonical.ContentIds;
import dev.veriproof.core.governance.SdkHealthReport;
import dev.veriproof.core.governance.SdkHealthState;
import dev.veriproof.core.governance.SdkSighting;
import dev.veriproof.core.governance.SdkTelemetryStore;
import dev.veriproof.core.governance.SdkVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The governance table's SDK telemetry (SPEC §8), partition {@code TENANT#<t>}:
 * <ul>
 * <li>{@code SDKHEALTH#<app>#<sha256>}: SDK health reports, written once</li>
 * <li>{@code SDKVER#<app>#<hash of name and version>}: first/last seen of an SDK version</li>
 * <li>{@code SDKSTATE#<app>#<hash of name and version>}: the latest health report of an SDK version,
 * also listed across tenants in {@code gsi1} ({@code SDKSTATE#<shard>}) for the SDK health watch</li>
 * </ul>
 */
public final class DynamoSdkTelemetryStore implements SdkTelemetryStore {
    /** Shards of the cross-tenant listing of SDK states, so that no one index partition takes every report's write. */
    public static final int SDK_STATE_SHARDS = 8;

    private final GovernanceTable table;

    public DynamoSdkTelemetryStore(DynamoDbClient client, String governanceTable) {
        this.table = new GovernanceTable(client, governanceTable);
    }

    @Override
    public boolean putIfAbsent(SdkHealthReport r) {
        Map<String, AttributeValue> item = keyed(r.tenantId(), "SDKHEALTH#" + r.applicationId() + "#" + r.sha256());
        item.put("applicationId", s(r.applicationId()));
        item.put("sdkName", s(r.sdkName()));
        item.put("sdkVersion", s(r.sdkVersion()));
        item.put("reportedAt", s(r.reportedAt().toString()));
        item.put("reportedAtMs", n(r.reportedAt().toEpochMilli()));
        item.put("report", s(r.canonicalReport()));
        item.put("sha256", s(r.sha256()));
        item.put("receivedAt", s(r.receivedAt().toString()));
        boolean stored = table.putIfNew(item).isEmpty();
        moveLatestState(r);
        return stored;
    }

    /** The gsi1 partition that lists the SDK states of some tenants. */
    public static String sdkStateShard(int shard) {
        return "SDKSTATE#" + shard;
    }

    /** Replaces the version's state with the report's unless a later (or the same) report is there: order-independent. */
    private void moveLatestState(SdkHealthReport r) {
        SdkHealthState state = SdkHealthState.of(r);
        String sdk = sdkKey(r.sdkName(), r.sdkVersion());
        Map<String, AttributeValue> item = keyed(r.tenantId(), "SDKSTATE#" + r.applicationId() + "#" + sdk);
        item.put("gsi1pk", s(sdkStateShard(Math.floorMod(r.tenantId().hashCode(), SDK_STATE_SHARDS))));
        item.put("gsi1sk", s(r.tenantId() + "#" + r.applicationId() + "#" + sdk));
        item.put("tenantId", s(r.tenantId()));
        item.put("applicationId", s(r.applicationId()));
        item.put("sdkName", s(r.sdkName()));
        item.put("sdkVersion", s(r.sdkVersion()));
        item.put("reportedAt", s(r.reportedAt().toString()));
        item.put("reportedAtMs", n(r.reportedAt().toEpochMilli()));
        item.put("reportSha256", s(r.sha256()));
        item.put("circuitBreaker", s(state.circuitBreaker()));
        item.put("exportSuccessRate", AttributeValue.fromN(Double.toString(state.exportSuccessRate())));
        if (state.p95LatencyMs() != null) item.put("p95LatencyMs", AttributeValue.fromN(Double.toString(state.p95LatencyMs())));
        if (state.queueDepth() != null) item.put("queueDepth", n(state.queueDepth()));
        if (state.droppedSessions() != null) item.put("droppedSessions", n(state.droppedSessions()));
        try {
            // ties (two reports of the same millisecond) go to the greater hash, so every order ends alike
            table.client().putItem(p -> p.tableName(table.name()).item(item)
                    .conditionExpression("attribute_not_exists(pk) OR reportedAtMs < :ms OR (reportedAtMs = :ms AND reportSha256 < :sha)")
                    .expressionAttributeValues(Map.of(":ms", n(r.reportedAt().toEpochMilli()), ":sha", s(r.sha256()))));
        } catch (ConditionalCheckFailedException e) {
            // a later report of this version is the state already
        }
    }

    @Override
    public List<SdkHealthState> healthStates(String tenantId, String applicationId) {
        return latestPerVersion(table.query(tenantId, "SDKSTATE#" + applicationId + "#").stream().map(DynamoSdkTelemetryStore::sdkState).toList())
                .stream().sorted(Comparator.comparing(SdkHealthState::sdkName).thenComparing(SdkHealthState::sdkVersion)).toList();
    }

    /**
     * One state per SDK name and version, the latest reported: an SDK version reported before
     * 2026-11-30 also has an item under the key of before (docs/limits.md, content-derived ids).
     */
    private static List<SdkHealthState> latestPerVersion(List<SdkHealthState> states) {
        Map<List<String>, SdkHealthState> latest = new LinkedHashMap<>();
        for (SdkHealthState state : states) {
            latest.merge(List.of(state.applicationId(), state.sdkName(), state.sdkVersion()), state,
                    (a, b) -> b.lastReportAt().isAfter(a.lastReportAt()) ? b : a);
        }
        return List.copyOf(latest.values());
    }

    /** The latest state of an SDK version, with its tenant. */
    public record TenantSdkState(String tenantId, SdkHealthState state) {
    }

    /**
     * Every tenant's SDK states, from the sharded {@code gsi1} listing (eventually consistent): what
     * the SDK health watch evaluates. One item per application and SDK version ever reported.
     */
    public List<TenantSdkState> sdkStatesOfAllTenants() {
        Map<String, List<SdkHealthState>> byTenant = new LinkedHashMap<>();
        for (int shard = 0; shard < SDK_STATE_SHARDS; shard++) {
            String partition = sdkStateShard(shard);
            table.client().queryPaginator(r -> r.tableName(table.name()).indexName("gsi1").keyConditionExpression("gsi1pk = :p")
                            .expressionAttributeValues(Map.of(":p", s(partition))))
                    .items().forEach(i -> byTenant.computeIfAbsent(i.get("tenantId").s(), t -> new ArrayList<>()).add(sdkState(i)));
        }
        List<TenantSdkState> states = new ArrayList<>();
        byTenant.forEach((tenantId, ofTenant) -> latestPerVersion(ofTenant).forEach(state -> states.add(new TenantSdkState(tenantId, state))));
        return states;
    }

    private static SdkHealthState sdkState(Map<String, AttributeValue> i) {
        return new SdkHealthState(i.get("applicationId").s(), i.get("sdkName").s(), i.get("sdkVersion").s(),
                Instant.parse(i.get("reportedAt").s()), i.get("circuitBreaker").s(), Double.parseDouble(i.get("exportSuccessRate").n()),
                i.containsKey("p95LatencyMs") ? Double.parseDouble(i.get("p95LatencyMs").n()) : null,
                i.containsKey("queueDepth") ? Long.parseLong(i.get("queueDepth").n()) : null,
                i.containsKey("droppedSessions") ? Long.parseLong(i.get("droppedSessions").n()) : null);
    }

    private static String sdkKey(String sdkName, String sdkVersion) {
        return ContentIds.of(sdkName, sdkVersion).substring(0, 32);
    }

    @Override
    public List<SdkHealthReport> healthReports(String tenantId, String applicationId) {
        return healthReportsFrom(tenantId, "SDKHEALTH#" + applicationId + "#");
    }

    @Override
    public List<SdkHealthReport> healthReportsOfTenant(String tenantId) {
        return healthReportsFrom(tenantId, "SDKHEALTH#");
    }

    private List<SdkHealthReport> healthReportsFrom(String tenantId, String skPrefix) {
        return table.queryByApplicationAndTime(tenantId, skPrefix, "reportedAtMs").stream()
                .map(i -> new SdkHealthReport(tenantId, i.get("applicationId").s(), i.get("sdkName").s(), i.get("sdkVersion").s(),
                        Instant.parse(i.get("reportedAt").s()), i.get("report").s(), i.get("sha256").s(), Instant.parse(i.get("receivedAt").s())))
                .toList();
    }

    /**
     * One conditional write per distinct version, none when the stored history covers the sightings already: one
     * consistent batch read of the versions' items, then a write that sets both bounds and adds the sources, on the
     * condition that the stored bounds still lie within the new ones. A concurrent writer that widened them meanwhile
     * (another stream shard) fails the condition; the version is then read again and merged once more.
     */
    @Override
    public void saw(Collection<SdkSighting> sightings) {
        Map<Map<String, AttributeValue>, SdkSighting> pending = new LinkedHashMap<>();
        for (SdkSighting sighting : SdkSighting.coalesce(sightings)) pending.put(versionKey(sighting), sighting);
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > MAX_ATTEMPTS) throw new IllegalStateException("SDK versions kept changing under " + pending.size() + " writes");
            Map<Map<String, AttributeValue>, Map<String, AttributeValue>> stored = table.getAll(pending.keySet());
            Map<Map<String, AttributeValue>, SdkSighting> raced = new LinkedHashMap<>();
            pending.forEach((key, sighting) -> {
                Map<String, AttributeValue> item = stored.getOrDefault(key, Map.of());
                if (complete(item) && sighting.within(storedSighting(sighting, item))) return; // a replay: nothing to write
                if (!widen(key, sighting.merge(storedSighting(sighting, item)))) raced.put(key, sighting);
            });
            pending = raced;
        }
    }

    private static final int MAX_ATTEMPTS = 5;

    private static Map<String, AttributeValue> versionKey(SdkSighting v) {
        return Map.of("pk", s(KeyItem.tenantPk(v.tenantId())), "sk", s("SDKVER#" + v.applicationId() + "#" + sdkKey(v.sdkName(), v.sdkVersion())));
    }

    private static boolean complete(Map<String, AttributeValue> item) {
        return item.containsKey("firstSeenMs") && item.containsKey("lastSeenMs") && item.containsKey("sources");
    }

    /**
     * The stored history as a sighting of {@code of}'s version; a bound or the sources that are not stored (no item
     * yet, or one left half-written by the three separate updates of before 2026-11-30) are {@code of}'s own.
     */
    private static SdkSighting storedSighting(SdkSighting of, Map<String, AttributeValue> item) {
        return new SdkSighting(of.tenantId(), of.applicationId(), of.sdkName(), of.sdkVersion(),
                item.containsKey("firstSeenMs") ? Instant.parse(item.get("firstSeen").s()) : of.firstSeen(),
                item.containsKey("lastSeenMs") ? Instant.parse(item.get("lastSeen").s()) : of.lastSeen(),
                item.containsKey("sources") ? new HashSet<>(item.get("sources").ss()) : of.sources());
    }

    /** Writes the version's history as {@code span}, unless a stored bound lies outside it; false then. */
    private boolean widen(Map<String, AttributeValue> key, SdkSighting span) {
        try {
            table.client().updateItem(r -> r.tableName(table.name()).key(key)
                    .updateExpression("SET applicationId = :a, sdkName = :n, sdkVersion = :v, firstSeenMs = :fms, firstSeen = :f,"
                            + " lastSeenMs = :lms, lastSeen = :l ADD sources :src")
                    .conditionExpression("(attribute_not_exists(firstSeenMs) OR firstSeenMs >= :fms)"
                            + " AND (attribute_not_exists(lastSeenMs) OR lastSeenMs <= :lms)")
                    .expressionAttributeValues(Map.of(":a", s(span.applicationId()), ":n", s(span.sdkName()), ":v", s(span.sdkVersion()),
                            ":fms", n(span.firstSeen().toEpochMilli()), ":f", s(span.firstSeen().toString()),
                            ":lms", n(span.lastSeen().toEpochMilli()), ":l", s(span.lastSeen().toString()),
                            ":src", AttributeValue.fromSs(List.copyOf(span.sources())))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public List<SdkVersion> versions(String tenantId, String applicationId) {
        // Merged by name and version, not by key: a version seen before 2026-11-30 also has an item under the key of before.
        Map<List<String>, SdkVersion> merged = new LinkedHashMap<>();
        table.query(tenantId, "SDKVER#" + applicationId + "#").stream()
                .filter(i -> i.containsKey("firstSeen") && i.containsKey("lastSeen"))
                .map(i -> new SdkVersion(i.get("applicationId").s(), i.get("sdkName").s(), i.get("sdkVersion").s(),
                        Instant.parse(i.get("firstSeen").s()), Instant.parse(i.get("lastSeen").s()), new HashSet<>(i.get("sources").ss())))
                .forEach(v -> merged.merge(List.of(v.sdkName(), v.sdkVersion()), v, DynamoSdkTelemetryStore::span));
        return merged.values().stream()
                .sorted(Comparator.comparing(SdkVersion::firstSeen).thenComparing(SdkVersion::sdkName).thenComparing(SdkVersion::sdkVersion))
                .toList();
    }

    private static SdkVersion span(SdkVersion a, SdkVersion b) {
        Set<String> sources = new HashSet<>(a.sources());
        sources.addAll(b.sources());
        return new SdkVersion(a.applicationId(), a.sdkName(), a.sdkVersion(), a.firstSeen().isBefore(b.firstSeen()) ? a.firstSeen() : b.firstSeen(),
                a.lastSeen().isAfter(b.lastSeen()) ? a.lastSeen() : b.lastSeen(), sources);
    }
}
