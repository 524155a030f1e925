package dev.veriproof.adapters.dynamo;

import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.governance.DeploymentRecord;
import dev.veriproof.core.governance.DeploymentStore;
import dev.veriproof.core.governance.GuardrailConfig;
import dev.veriproof.core.governance.GuardrailStore;
import dev.veriproof.core.governance.PlanItem;
import dev.veriproof.core.governance.PlanStore;
import dev.veriproof.core.governance.SdkHealthReport;
import dev.veriproof.core.governance.SdkHealthState;
import dev.veriproof.core.governance.SdkTelemetryStore;
import dev.veriproof.core.governance.SdkVersion;
import dev.veriproof.core.governance.SettingsStore;
import dev.veriproof.core.governance.TenantSettings;
import dev.veriproof.core.canonical.ContentIds;
import dev.veriproof.core.json.Json;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The governance records of SPEC §8 in the governance table, partition {@code TENANT#<t>}:
 * <ul>
 * <li>{@code DEPLOY#<app>#<sha256>}: deployment context records</li>
 * <li>{@code SDKHEALTH#<app>#<sha256>}: SDK health reports</li>
 * <li>{@code SDKVER#<app>#<hash of name and version>}: first/last seen of an SDK version</li>
 * <li>{@code SDKSTATE#<app>#<hash of name and version>}: the latest health report of an SDK version,
 * also listed across tenants in {@code gsi1} ({@code SDKSTATE#<shard>}) for the SDK health watch</li>
 * <li>{@code GRCFG#<app>#<version>}: guardrail configuration versions</li>
 * <li>{@code PLAN#<REMEDIATION|ROADMAP>#<id>}: remediation and roadmap items</li>
 * <li>{@code SETTINGS}: tenant settings</li>
 * </ul>
 * Administrative writes go through {@link DynamoAuditLog#appendWith}, in one transaction with their
 * audit entry.
 */
public final class DynamoGovernanceStore implements DeploymentStore, SdkTelemetryStore, GuardrailStore, PlanStore, SettingsStore {
    private static final String IS_NEW = "attribute_not_exists(pk)";

    private final DynamoDbClient client;
    private final String table;
    private final DynamoAuditLog audit;

    public DynamoGovernanceStore(DynamoDbClient client, String governanceTable, DynamoAuditLog audit) {
        this.client = client;
        this.table = governanceTable;
        this.audit = audit;
    }

    // ------------------------------------------------------------ deployments

    @Override
    public Optional<DeploymentRecord> putIfAbsent(DeploymentRecord d) {
        Map<String, AttributeValue> item = keyed(d.tenantId(), "DEPLOY#" + d.applicationId() + "#" + d.sha256());
        item.put("applicationId", s(d.applicationId()));
        item.put("version", s(d.version()));
        item.put("deployedAt", s(d.deployedAt().toString()));
        item.put("deployedAtMs", n(d.deployedAt().toEpochMilli()));
        item.put("record", s(d.canonicalRecord()));
        item.put("sha256", s(d.sha256()));
        item.put("signature", s(d.signature()));
        item.put("signerAddress", s(d.signerAddress()));
        item.put("recordedAt", s(d.recordedAt().toString()));
        item.put("recordedBy", s(d.recordedBy()));
        return putIfNew(item).map(existing -> deployment(d.tenantId(), existing));
    }

    @Override
    public List<DeploymentRecord> list(String tenantId, String applicationId) {
        return query(tenantId, "DEPLOY#" + applicationId + "#").stream()
                .sorted(Comparator.comparing((Map<String, AttributeValue> i) -> Long.parseLong(i.get("deployedAtMs").n()))
                        .thenComparing(i -> i.get("sha256").s()))
                .map(i -> deployment(tenantId, i)).toList();
    }

    private static DeploymentRecord deployment(String tenantId, Map<String, AttributeValue> i) {
        return new DeploymentRecord(tenantId, i.get("applicationId").s(), i.get("version").s(), Instant.parse(i.get("deployedAt").s()),
                i.get("record").s(), i.get("sha256").s(), i.get("signature").s(), i.get("signerAddress").s(),
                Instant.parse(i.get("recordedAt").s()), i.get("recordedBy").s());
    }

    // ------------------------------------------------------------ SDK health and versions

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
        boolean stored = putIfNew(item).isEmpty();
        moveLatestState(r);
        return stored;
    }

    /** Shards of the cross-tenant listing of SDK states, so that no one index partition takes every report's write. */
    public static final int SDK_STATE_SHARDS = 8;

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
            client.putItem(p -> p.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(pk) OR reportedAtMs < :ms OR (reportedAtMs = :ms AND reportSha256 < :sha)")
                    .expressionAttributeValues(Map.of(":ms", n(r.reportedAt().toEpochMilli()), ":sha", s(r.sha256()))));
        } catch (ConditionalCheckFailedException e) {
            // a later report of this version is the state already
        }
    }

    @Override
    public List<SdkHealthState> healthStates(String tenantId, String applicationId) {
        return query(tenantId, "SDKSTATE#" + applicationId + "#").stream().map(DynamoGovernanceStore::sdkState)
                .sorted(Comparator.comparing(SdkHealthState::sdkName).thenComparing(SdkHealthState::sdkVersion)).toList();
    }

    /** The latest state of an SDK version, with its tenant. */
    public record TenantSdkState(String tenantId, SdkHealthState state) {
    }

    /**
     * Every tenant's SDK states, from the sharded {@code gsi1} listing (eventually consistent): what
     * the SDK health watch evaluates. One item per application and SDK version ever reported.
     */
    public List<TenantSdkState> sdkStatesOfAllTenants() {
        List<TenantSdkState> states = new ArrayList<>();
        for (int shard = 0; shard < SDK_STATE_SHARDS; shard++) {
            String partition = sdkStateShard(shard);
            client.queryPaginator(r -> r.tableName(table).indexName("gsi1").keyConditionExpression("gsi1pk = :p")
                            .expressionAttributeValues(Map.of(":p", s(partition))))
                    .items().forEach(i -> states.add(new TenantSdkState(i.get("tenantId").s(), sdkState(i))));
        }
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
        return query(tenantId, "SDKHEALTH#" + applicationId + "#").stream()
                .sorted(Comparator.comparing((Map<String, AttributeValue> i) -> Long.parseLong(i.get("reportedAtMs").n()))
                        .thenComparing(i -> i.get("sha256").s()))
                .map(i -> new SdkHealthReport(tenantId, i.get("applicationId").s(), i.get("sdkName").s(), i.get("sdkVersion").s(),
                        Instant.parse(i.get("reportedAt").s()), i.get("report").s(), i.get("sha256").s(), Instant.parse(i.get("receivedAt").s())))
                .toList();
    }

    @Override
    public void sawSdk(String tenantId, String applicationId, String sdkName, String sdkVersion, Instant at, String source) {
        String nameAndVersion = sdkKey(sdkName, sdkVersion);
        Map<String, AttributeValue> key = Map.of("pk", s(KeyItem.tenantPk(tenantId)), "sk", s("SDKVER#" + applicationId + "#" + nameAndVersion));
        client.updateItem(r -> r.tableName(table).key(key)
                .updateExpression("SET applicationId = :a, sdkName = :n, sdkVersion = :v ADD sources :src")
                .expressionAttributeValues(Map.of(":a", s(applicationId), ":n", s(sdkName), ":v", s(sdkVersion),
                        ":src", AttributeValue.fromSs(List.of(source)))));
        // Two conditional moves, each a no-op when the stored bound already covers `at`: replays,
        // retries and out-of-order delivery all end in the same first/last seen.
        Map<String, AttributeValue> values = Map.of(":ms", n(at.toEpochMilli()), ":t", s(at.toString()));
        conditionalUpdate(key, "SET firstSeenMs = :ms, firstSeen = :t", "attribute_not_exists(firstSeenMs) OR firstSeenMs > :ms", values);
        conditionalUpdate(key, "SET lastSeenMs = :ms, lastSeen = :t", "attribute_not_exists(lastSeenMs) OR lastSeenMs < :ms", values);
    }

    @Override
    public List<SdkVersion> versions(String tenantId, String applicationId) {
        return query(tenantId, "SDKVER#" + applicationId + "#").stream()
                .filter(i -> i.containsKey("firstSeen") && i.containsKey("lastSeen"))
                .map(i -> new SdkVersion(i.get("applicationId").s(), i.get("sdkName").s(), i.get("sdkVersion").s(),
                        Instant.parse(i.get("firstSeen").s()), Instant.parse(i.get("lastSeen").s()), new HashSet<>(i.get("sources").ss())))
                .sorted(Comparator.comparing(SdkVersion::firstSeen).thenComparing(SdkVersion::sdkName).thenComparing(SdkVersion::sdkVersion))
                .toList();
    }

    private void conditionalUpdate(Map<String, AttributeValue> key, String update, String condition, Map<String, AttributeValue> values) {
        try {
            client.updateItem(r -> r.tableName(table).key(key).updateExpression(update).conditionExpression(condition)
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            // the stored bound is already at least as wide
        }
    }

    // ------------------------------------------------------------ guardrail configurations

    @Override
    public Optional<GuardrailConfig> latest(String tenantId, String applicationId) {
        List<Map<String, AttributeValue>> items = client.query(r -> r.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", s(KeyItem.tenantPk(tenantId)), ":prefix", s(guardrailPrefix(applicationId))))
                .scanIndexForward(false).limit(1)).items();
        return items.isEmpty() ? Optional.empty() : Optional.of(guardrail(tenantId, items.get(0)));
    }

    @Override
    public Optional<GuardrailConfig> find(String tenantId, String applicationId, long version) {
        return get(tenantId, guardrailSk(applicationId, version)).map(i -> guardrail(tenantId, i));
    }

    @Override
    public List<GuardrailConfig> history(String tenantId, String applicationId) {
        return query(tenantId, guardrailPrefix(applicationId)).stream().map(i -> guardrail(tenantId, i)).toList();
    }

    @Override
    public boolean putVersion(GuardrailConfig c, AuditEvent event) {
        Map<String, AttributeValue> item = keyed(c.tenantId(), guardrailSk(c.applicationId(), c.version()));
        item.put("applicationId", s(c.applicationId()));
        item.put("version", n(c.version()));
        item.put("guardrails", s(Json.writeString(c.guardrails())));
        if (c.note() != null) item.put("note", s(c.note()));
        item.put("sha256", s(c.sha256()));
        item.put("createdAt", s(c.createdAt().toString()));
        item.put("createdBy", s(c.createdBy()));
        return audit.appendWith(c.tenantId(), event, List.of(put(item, IS_NEW))).written();
    }

    private static String guardrailPrefix(String applicationId) {
        return "GRCFG#" + applicationId + "#";
    }

    private static String guardrailSk(String applicationId, long version) {
        return String.format("%s%010d", guardrailPrefix(applicationId), version);
    }

    private static GuardrailConfig guardrail(String tenantId, Map<String, AttributeValue> i) {
        return new GuardrailConfig(tenantId, i.get("applicationId").s(), Long.parseLong(i.get("version").n()),
                Json.parse(i.get("guardrails").s()), i.containsKey("note") ? i.get("note").s() : null, i.get("sha256").s(),
                Instant.parse(i.get("createdAt").s()), i.get("createdBy").s());
    }

    // ------------------------------------------------------------ remediation and roadmap items

    @Override
    public boolean create(PlanItem item, AuditEvent event) {
        return audit.appendWith(item.tenantId(), event, List.of(put(planItem(item), IS_NEW))).written();
    }

    @Override
    public boolean update(PlanItem updated, AuditEvent event) {
        Put put = Put.builder().tableName(table).item(planItem(updated)).conditionExpression("version = :previous")
                .expressionAttributeValues(Map.of(":previous", n(updated.version() - 1))).build();
        return audit.appendWith(updated.tenantId(), event, List.of(TransactWriteItem.builder().put(put).build())).written();
    }

    @Override
    public Optional<PlanItem> find(String tenantId, PlanItem.Kind kind, String id) {
        return get(tenantId, planSk(kind, id)).map(i -> planItem(tenantId, i));
    }

    @Override
    public List<PlanItem> list(String tenantId, PlanItem.Kind kind) {
        return query(tenantId, "PLAN#" + kind.name() + "#").stream().map(i -> planItem(tenantId, i))
                .sorted(Comparator.comparing(PlanItem::createdAt).thenComparing(PlanItem::id)).toList();
    }

    private static String planSk(PlanItem.Kind kind, String id) {
        return "PLAN#" + kind.name() + "#" + id;
    }

    private Map<String, AttributeValue> planItem(PlanItem p) {
        Map<String, AttributeValue> item = keyed(p.tenantId(), planSk(p.kind(), p.id()));
        item.put("kind", s(p.kind().name()));
        item.put("id", s(p.id()));
        item.put("title", s(p.title()));
        putIfPresent(item, "description", p.description());
        putIfPresent(item, "owner", p.owner());
        putIfPresent(item, "dueDate", p.dueDate() == null ? null : p.dueDate().toString());
        item.put("status", s(p.status()));
        putIfPresent(item, "applicationId", p.applicationId());
        putIfPresent(item, "controlId", p.controlId());
        putIfPresent(item, "incidentId", p.incidentId());
        putIfPresent(item, "note", p.note());
        item.put("version", n(p.version()));
        item.put("createdAt", s(p.createdAt().toString()));
        item.put("createdBy", s(p.createdBy()));
        item.put("updatedAt", s(p.updatedAt().toString()));
        item.put("updatedBy", s(p.updatedBy()));
        return item;
    }

    private static PlanItem planItem(String tenantId, Map<String, AttributeValue> i) {
        return new PlanItem(PlanItem.Kind.valueOf(i.get("kind").s()), tenantId, i.get("id").s(), i.get("title").s(),
                text(i, "description"), text(i, "owner"), i.containsKey("dueDate") ? LocalDate.parse(i.get("dueDate").s()) : null,
                i.get("status").s(), text(i, "applicationId"), text(i, "controlId"), text(i, "incidentId"), text(i, "note"), Long.parseLong(i.get("version").n()),
                Instant.parse(i.get("createdAt").s()), i.get("createdBy").s(), Instant.parse(i.get("updatedAt").s()), i.get("updatedBy").s());
    }

    // ------------------------------------------------------------ settings

    @Override
    public TenantSettings get(String tenantId) {
        return get(tenantId, "SETTINGS").map(i -> new TenantSettings(tenantId, i.get("quarterlyExport").bool(),
                Instant.parse(i.get("updatedAt").s()), i.get("updatedBy").s())).orElse(TenantSettings.defaults(tenantId));
    }

    @Override
    public void put(TenantSettings settings, AuditEvent event) {
        Map<String, AttributeValue> item = keyed(settings.tenantId(), "SETTINGS");
        item.put("quarterlyExport", AttributeValue.fromBool(settings.quarterlyExport()));
        item.put("updatedAt", s(settings.updatedAt().toString()));
        item.put("updatedBy", s(settings.updatedBy()));
        audit.appendWith(settings.tenantId(), event, List.of(TransactWriteItem.builder()
                .put(Put.builder().tableName(table).item(item).build()).build()));
    }

    // ------------------------------------------------------------ plumbing

    /** Empty if written; the stored item if one with the key existed (nothing written). */
    private Optional<Map<String, AttributeValue>> putIfNew(Map<String, AttributeValue> item) {
        try {
            client.putItem(r -> r.tableName(table).item(item).conditionExpression(IS_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            if (e.hasItem() && !e.item().isEmpty()) return Optional.of(e.item());
            return Optional.of(get(item.get("pk").s().substring("TENANT#".length()), item.get("sk").s()).orElseThrow(() -> e));
        }
    }

    private TransactWriteItem put(Map<String, AttributeValue> item, String condition) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).conditionExpression(condition).build()).build();
    }

    private Optional<Map<String, AttributeValue>> get(String tenantId, String sk) {
        Map<String, AttributeValue> item = client.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(KeyItem.tenantPk(tenantId)), "sk", s(sk)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private List<Map<String, AttributeValue>> query(String tenantId, String skPrefix) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        client.queryPaginator(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(Map.of(":pk", s(KeyItem.tenantPk(tenantId)), ":prefix", s(skPrefix))))
                .items().forEach(items::add);
        return items;
    }

    private static Map<String, AttributeValue> keyed(String tenantId, String sk) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(KeyItem.tenantPk(tenantId)));
        item.put("sk", s(sk));
        return item;
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) item.put(name, s(value));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? item.get(name).s() : null;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
