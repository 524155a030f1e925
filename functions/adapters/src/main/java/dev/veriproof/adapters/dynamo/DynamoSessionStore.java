package dev.veriproof.adapters.dynamo;

import dev.veriproof.adapters.DaemonPools;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.explorer.ReviewState;
import dev.veriproof.core.explorer.SessionExplorer;
import dev.veriproof.core.explorer.SessionFacets;
import dev.veriproof.core.explorer.SessionFilter;
import dev.veriproof.core.explorer.SessionSummary;
import dev.veriproof.core.governance.ReviewStore;
import dev.veriproof.core.ingest.SessionStore;
import dev.veriproof.core.ingest.SessionView;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.InclusionProof;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The sessions table: the one class that knows its item layout (attribute names, key format, indexes).
 * Everything else sees {@link StoredSession} on the way in and {@link SessionView} on the way out, stream
 * images included ({@link #change}). Every write of a new session is conditional on its (tenant, sessionId)
 * being new.
 *
 * <p>An item: {@code pk} = {@code S#<tenant>#<sessionId>}; the canonical {@code record} (a string, byte for
 * byte as hashed), {@code leafHash}, {@code governanceScore}, {@code band}, {@code factors},
 * {@code receivedAt}, {@code requestId}; the index attributes below; {@code anchorPending} = {@code POINTER}: the
 * session's anchoring state lives on its small pointer item, created once it is anchored ({@link DynamoAnchorPointers};
 * no pointer: pending), and anchoring never rewrites this item. (Sessions anchored before pointers existed carry {@code anchor} and {@code proof}, JSON strings,
 * and {@code anchorBatchId} here, and no {@code anchorPending}; those still waiting then had {@code anchorPending} =
 * {@code PENDING} and a {@code pendingKey} until their pointer is made.) Indexes:
 * <ul>
 *   <li>{@code pending-anchor} (sparse, {@code anchorPending} / {@code pendingKey}): the old anchoring backlog, read
 *       until it is empty: pending pointers of the old form and sessions stored before pointers (the backlog now waits
 *       in pending chunks, {@link DynamoAnchorBacklog});</li>
 *   <li>{@code tenant-day}: {@code tenantDay} ({@code <tenant>#<UTC day of startedAt>}) / {@code startedAtKey},
 *       projecting the explorer's row only (like {@code app-time}): a tenant's sessions of a day, for the explorer,
 *       and for exports and recounts, which then batch-read the items;</li>
 *   <li>{@code review-queue} (sparse): {@code reviewQueue} ({@code <tenant>#<application>}) / {@code startedAtKey}:
 *       sessions that required oversight and had none, until a review removes the attribute (and sets
 *       {@code reviewed});</li>
 *   <li>{@code app-time}: {@code tenantApp} ({@code <tenant>#<application>}) / {@code startedAtKey}, projecting
 *       only the explorer's row: one application's sessions newest first, for the sessions explorer.</li>
 * </ul>
 * For the explorer's filters the item also carries, copied from the record at ingest, {@code riskLevel},
 * {@code outcome}, {@code model} and {@code safetyFlags} (a string set), each only when the record has it.
 */
public final class DynamoSessionStore implements SessionStore, SessionExplorer {
    static final String PENDING_INDEX = "pending-anchor";
    static final String DAY_INDEX = "tenant-day";
    static final String QUEUE_INDEX = "review-queue";
    static final String APP_INDEX = "app-time";

    private static final String PK = "pk";
    private static final String TENANT = "tenantId";
    private static final String SESSION = "sessionId";
    private static final String APPLICATION = "applicationId";
    private static final String STARTED_AT = "startedAt";
    private static final String DAY = "day";
    private static final String TENANT_DAY = "tenantDay";
    private static final String STARTED_AT_KEY = "startedAtKey";
    private static final String RECORD = "record";
    private static final String LEAF_HASH = "leafHash";
    private static final String SCORE = "governanceScore";
    private static final String BAND = "band";
    private static final String FACTORS = "factors";
    private static final String RECEIVED_AT = "receivedAt";
    private static final String REQUEST_ID = "requestId";
    private static final String ANCHOR_PENDING = "anchorPending";
    private static final String PENDING_KEY = "pendingKey";
    private static final String REVIEW_QUEUE = "reviewQueue";
    private static final String REVIEWED = "reviewed";
    private static final String TENANT_APP = "tenantApp";
    private static final String RISK_LEVEL = "riskLevel";
    private static final String OUTCOME = "outcome";
    private static final String MODEL = "model";
    private static final String SAFETY_FLAGS = "safetyFlags";
    private static final String ANCHOR = "anchor";
    private static final String PROOF = "proof";
    private static final String ANCHOR_BATCH = "anchorBatchId";
    /** {@code anchorPending} of a session stored before anchoring pointers: the old backlog partition of the index. */
    static final String LEGACY_PENDING = "PENDING";
    /**
     * {@code anchorPending} of every session stored since: its anchoring state is on its pointer (without
     * {@code pendingKey} the item is not in the pending index). It tells the explorer to look there.
     */
    static final String VIA_POINTER = "POINTER";
    static final String KEY_PREFIX = "S#";
    private static final String IS_NEW = "attribute_not_exists(pk)";
    /** No item meets it, whether or not the key exists: priming's write is always refused. */
    private static final String NEVER = "attribute_exists(pk) AND attribute_not_exists(pk)";

    private final DynamoDbClient dynamo;
    private final String table;
    private final DynamoAnchorPointers pointers;

    public DynamoSessionStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.pointers = new DynamoAnchorPointers(dynamo, table);
    }

    // ---- ingest and reads ----

    @Override
    public Optional<StoredSession> putIfAbsent(StoredSession session) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(item(session)).conditionExpression(IS_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            if (e.hasItem() && !e.item().isEmpty()) return Optional.of(toView(e.item()).session());
            return Optional.of(find(session.tenantId(), session.sessionId()).orElseThrow(() -> e));
        }
    }

    @Override
    public void primeWrite(StoredSession sample) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(item(sample)).conditionExpression(NEVER)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
        } catch (ConditionalCheckFailedException refused) {
            PutItemResponse.builder().build(); // the accepted write's answer, which the refusal did not load
            return;
        }
        throw new IllegalStateException("the priming write was accepted: its condition must refuse every item");
    }

    @Override
    public Map<Integer, StoredSession> putAllIfAbsent(List<StoredSession> sessions) {
        List<TransactWriteItem> puts = sessions.stream().map(s -> TransactWriteItem.builder()
                .put(Put.builder().tableName(table).item(item(s)).conditionExpression(IS_NEW).build()).build()).toList();
        try {
            dynamo.transactWriteItems(b -> b.transactItems(puts));
            return Map.of();
        } catch (TransactionCanceledException e) {
            Map<Integer, StoredSession> existing = new HashMap<>();
            List<CancellationReason> reasons = e.cancellationReasons();
            for (int i = 0; i < reasons.size(); i++) {
                if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                    StoredSession wanted = sessions.get(i);
                    int index = i;
                    find(wanted.tenantId(), wanted.sessionId()).ifPresent(found -> existing.put(index, found));
                }
            }
            if (existing.isEmpty()) throw e; // cancelled for another reason (conflict, throttling): let it surface
            return existing;
        }
    }

    @Override
    public Optional<StoredSession> find(String tenantId, String sessionId) {
        return view(tenantId, sessionId).map(SessionView::session);
    }

    @Override
    public Optional<SessionView> view(String tenantId, String sessionId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key(tenantId, sessionId)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        SessionView view = toView(item);
        if (view.anchor().isPresent()) return Optional.of(view); // anchored before pointers: proof and anchor on the item
        return Optional.of(pointers.placement(tenantId, sessionId)
                .map(p -> new SessionView(view.session(), Optional.of(p.anchor()), Optional.of(p.proof()))).orElse(view));
    }

    /**
     * A tenant's sessions of one UTC day of startedAt, in startedAt order. The {@code tenant-day} index holds only the
     * explorer's row (a full copy would double every session write), so its keys are read a page at a time and the
     * sessions themselves in batch reads of 100: at most 100 full items in memory at a time.
     */
    public void forEachOnDay(String tenantId, LocalDate day, Consumer<SessionView> action) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>(BATCH_GET);
        for (Map<String, AttributeValue> row : dynamo.queryPaginator(q -> q.tableName(table).indexName(DAY_INDEX)
                        .keyConditionExpression(TENANT_DAY + " = :td").projectionExpression(PK)
                        .expressionAttributeValues(Map.of(":td", s(tenantDay(tenantId, day))))).items()) {
            keys.add(Map.of(PK, row.get(PK)));
            if (keys.size() == BATCH_GET) {
                withPlacements(tenantId, fullItems(keys).stream().map(DynamoSessionStore::toView).toList()).forEach(action);
                keys.clear();
            }
        }
        if (!keys.isEmpty()) withPlacements(tenantId, fullItems(keys).stream().map(DynamoSessionStore::toView).toList()).forEach(action);
    }

    private static final int BATCH_GET = 100;

    /**
     * The tenant's stored sessions among {@code sessionIds} (at most 100), by id, each with its proof and anchor: one
     * batch read of the items and one of their pointers. Ids not stored are absent from the answer.
     */
    public Map<String, SessionView> views(String tenantId, Collection<String> sessionIds) {
        if (sessionIds.size() > BATCH_GET) throw new IllegalArgumentException("at most " + BATCH_GET + " sessions a call, got " + sessionIds.size());
        List<Map<String, AttributeValue>> keys = new ArrayList<>(sessionIds.size());
        for (String id : new LinkedHashSet<>(sessionIds)) keys.add(key(tenantId, id));
        Map<String, SessionView> found = new LinkedHashMap<>();
        if (keys.isEmpty()) return found;
        for (SessionView view : withPlacements(tenantId, fullItems(keys).stream().map(DynamoSessionStore::toView).toList())) {
            found.put(view.session().sessionId(), view);
        }
        return found;
    }

    /** The items under the keys, in the keys' order; a key whose item is gone (deleted since the index was read) is skipped. */
    private List<Map<String, AttributeValue>> fullItems(List<Map<String, AttributeValue>> keys) {
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(List.copyOf(keys)).build());
        while (!request.isEmpty()) {
            Map<String, KeysAndAttributes> ask = request;
            BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(ask));
            response.responses().getOrDefault(table, List.of()).forEach(item -> found.put(item.get(PK).s(), item));
            request = response.unprocessedKeys();
        }
        List<Map<String, AttributeValue>> ordered = new ArrayList<>(keys.size());
        for (Map<String, AttributeValue> key : keys) {
            Map<String, AttributeValue> item = found.get(key.get(PK).s());
            if (item != null) ordered.add(item);
        }
        return ordered;
    }

    /** The views with the proof and anchor of those anchored through a pointer (one pointer read per 100 sessions). */
    private List<SessionView> withPlacements(String tenantId, List<SessionView> views) {
        List<String> ids = views.stream().filter(v -> v.anchor().isEmpty()).map(v -> v.session().sessionId()).toList();
        if (ids.isEmpty()) return views;
        Map<String, DynamoAnchorPointers.Placement> placed = pointers.placements(tenantId, ids);
        return views.stream().map(v -> {
            DynamoAnchorPointers.Placement p = placed.get(v.session().sessionId());
            return p == null || v.anchor().isPresent() ? v : new SessionView(v.session(), Optional.of(p.anchor()), Optional.of(p.proof()));
        }).toList();
    }

    /**
     * Every stored session received from {@code from} to {@code to} (inclusive), a page of the table at a time: a Scan,
     * for an operator's repair of the anchoring backlog, never a request's path. Sessions anchored before pointers
     * (proof and anchor on their own item) are left out.
     */
    public void forEachPageReceivedBetween(Instant from, Instant to, Consumer<List<StoredSession>> page) {
        // receivedAt is Instant.toString: compare whole seconds as text, then the instants themselves
        String low = from.truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", "");
        String high = to.truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", "") + "~";
        for (var response : dynamo.scanPaginator(b -> b.tableName(table)
                .filterExpression("begins_with(#pk, :sessions) AND #received BETWEEN :low AND :high AND attribute_not_exists(#anchor)")
                .expressionAttributeNames(Map.of("#pk", PK, "#received", RECEIVED_AT, "#anchor", ANCHOR))
                .expressionAttributeValues(Map.of(":sessions", s(KEY_PREFIX), ":low", s(low), ":high", s(high))))) {
            List<StoredSession> received = response.items().stream().map(item -> toView(item).session())
                    .filter(stored -> !stored.receivedAt().isBefore(from) && !stored.receivedAt().isAfter(to)).toList();
            if (!received.isEmpty()) page.accept(received);
        }
    }

    /** Whether the tenant has any session on one of the days from..to. */
    public boolean anyOnDays(String tenantId, LocalDate from, LocalDate to) {
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            String key = tenantDay(tenantId, day);
            if (dynamo.query(q -> q.tableName(table).indexName(DAY_INDEX).keyConditionExpression(TENANT_DAY + " = :td")
                    .expressionAttributeValues(Map.of(":td", s(key))).limit(1)).count() > 0) return true;
        }
        return false;
    }

    // ---- review queue ----

    /** The transaction step that takes a session off the review queue (and fails if the session does not exist). */
    public TransactWriteItem leaveReviewQueue(String tenantId, String sessionId) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(tenantId, sessionId))
                .updateExpression("REMOVE " + REVIEW_QUEUE + " SET " + REVIEWED + " = :reviewed")
                .expressionAttributeValues(Map.of(":reviewed", AttributeValue.fromBool(true)))
                .conditionExpression("attribute_exists(" + PK + ")").build()).build();
    }

    /** A page of the application's review queue, oldest session first, after the cursor (exclusive). */
    public ReviewStore.QueuePage reviewQueue(String tenantId, String applicationId, Optional<String> after, int limit) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":q", s(reviewQueue(tenantId, applicationId)));
        String condition = REVIEW_QUEUE + " = :q";
        if (after.isPresent()) {
            condition += " AND " + STARTED_AT_KEY + " > :after";
            values.put(":after", s(after.get()));
        }
        String keyCondition = condition;
        QueryResponse page = dynamo.query(r -> r.tableName(table).indexName(QUEUE_INDEX)
                .keyConditionExpression(keyCondition).expressionAttributeValues(values).limit(limit));
        List<ReviewStore.QueuedSession> sessions = page.items().stream().map(i -> new ReviewStore.QueuedSession(i.get(SESSION).s(),
                i.get(APPLICATION).s(), i.get(STARTED_AT).s(),
                i.containsKey(SCORE) ? Integer.valueOf(i.get(SCORE).n()) : null,
                i.containsKey(BAND) ? i.get(BAND).s() : null)).toList();
        Optional<String> next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? Optional.of(page.lastEvaluatedKey().get(STARTED_AT_KEY).s()) : Optional.empty();
        return new ReviewStore.QueuePage(sessions, next);
    }

    // ---- anchoring ----

    /**
     * Takes a session stored before anchoring pointers existed out of the old backlog partition once its pointer
     * exists: {@code anchorPending} becomes {@link #VIA_POINTER} like a new session's, {@code pendingKey} goes.
     */
    static void leaveLegacyBacklog(DynamoDbClient dynamo, String table, String sessionKey) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of(PK, s(sessionKey)))
                    .updateExpression("SET " + ANCHOR_PENDING + " = :pointer REMOVE " + PENDING_KEY)
                    .conditionExpression(ANCHOR_PENDING + " = :legacy")
                    .expressionAttributeValues(Map.of(":pointer", s(VIA_POINTER), ":legacy", s(LEGACY_PENDING))));
        } catch (ConditionalCheckFailedException e) {
            // moved already
        }
    }

    // ---- the sessions stream ----

    /**
     * What a record of the sessions table's stream says about a session: {@code view} is the session as stored, present
     * for STORED and REVIEWED (and for ANCHORED records of sessions anchored before pointers existed); an ANCHORED
     * change read from the session's anchoring pointer names the session only.
     */
    public record Change(String sequenceNumber, Kind kind, String tenantId, String sessionId, String applicationId, LocalDate day,
                         Optional<SessionView> view) {
        public enum Kind {
            /** The session was stored (INSERT). */
            STORED,
            /** The session's anchored pointer was created (or an old pending pointer left the backlog): the session became anchored. */
            ANCHORED,
            /** The session left the review queue (MODIFY): a review gave it the human oversight it required. */
            REVIEWED
        }

        /** The session as stored; only for a change that carries it (STORED, REVIEWED). */
        public SessionView session() {
            return view.orElseThrow(() -> new IllegalStateException("an anchoring pointer's change carries no session record"));
        }

        static Change of(String sequenceNumber, Kind kind, SessionView view) {
            StoredSession s = view.session();
            return new Change(sequenceNumber, kind, s.tenantId(), s.sessionId(), s.applicationId(),
                    s.startedAt().atOffset(ZoneOffset.UTC).toLocalDate(), Optional.of(view));
        }
    }

    /**
     * The change a stream record (NEW_AND_OLD_IMAGES) makes to a session, or empty for a record that is no session's
     * storing, anchoring or review. Pointer and batch items of anchoring are no session: only the INSERT of an anchored
     * pointer counts (ANCHORED), or, for a pending pointer of the old form, its MODIFY that removes {@code anchorPending}. A session image that cannot be read throws: that is a record to
     * retry or report, not skip.
     */
    public static Optional<Change> change(DynamodbEvent.DynamodbStreamRecord record) {
        var change = record.getDynamodb();
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image = change.getNewImage();
        if (image == null || image.get(PK) == null || image.get(PK).getS() == null) return Optional.empty();
        var old = change.getOldImage();
        boolean leftBacklog = "MODIFY".equals(record.getEventName()) && old != null && old.containsKey(ANCHOR_PENDING)
                && !image.containsKey(ANCHOR_PENDING);
        String pk = image.get(PK).getS();
        if (DynamoAnchorPointers.isPointer(pk)) {
            if (!DynamoAnchorPointers.anchoring(record.getEventName(), old, image)) return Optional.empty();
            String[] named = DynamoAnchorPointers.session(StreamImages.toSdk(image));
            return Optional.of(new Change(change.getSequenceNumber(), Change.Kind.ANCHORED, named[0], named[1], named[2],
                    LocalDate.parse(named[3]), Optional.empty()));
        }
        if (!pk.startsWith(KEY_PREFIX) || image.get(RECORD) == null) return Optional.empty();
        Change.Kind kind;
        switch (String.valueOf(record.getEventName())) {
            case "INSERT" -> kind = Change.Kind.STORED;
            case "MODIFY" -> {
                // a session item loses anchorPending only when an anchoring run from before pointers recorded its proof on it
                if (leftBacklog) kind = Change.Kind.ANCHORED;
                else if (old != null && old.containsKey(REVIEW_QUEUE) && !image.containsKey(REVIEW_QUEUE)) kind = Change.Kind.REVIEWED;
                else return Optional.empty();
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(Change.of(change.getSequenceNumber(), kind, toView(StreamImages.toSdk(image))));
    }

    // ---- sessions explorer ----

    /** Query calls one explorer page may make, and the items one call may read: a page's cost is bounded. */
    static final int EXPLORER_CALLS = 10;
    static final int EXPLORER_READ = 400;
    private static final String SUMMARY_ATTRIBUTES = String.join(", ", PK, SESSION, APPLICATION, STARTED_AT, STARTED_AT_KEY, SCORE, BAND,
            RISK_LEVEL, OUTCOME, MODEL, SAFETY_FLAGS, REVIEW_QUEUE, REVIEWED, ANCHOR_PENDING);

    /**
     * Newest first, by {@code startedAtKey}, below {@code after}. One application: the thin
     * {@code app-time} index, one partition. The whole tenant: the {@code tenant-day} index, day by day
     * from the newest. The other filters are filter expressions (DynamoDB reads, and bills, the items
     * they drop), checked again exactly in memory ({@link SessionFilter#matches}).
     */
    @Override
    public Page page(String tenantId, SessionFilter filter, Set<String> applications, Optional<String> after) {
        String low = filter.from().truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", "");
        String high = filter.to().truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", "") + "~";
        String upper = after.filter(a -> a.compareTo(high) < 0).orElse(high);
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        String filterExpression = filterExpression(filter, filter.applicationId() == null ? applications : Set.of(), names, values);
        List<SessionSummary> rows = new ArrayList<>();
        int[] calls = {0};
        if (filter.applicationId() != null) {
            String position = readNewestFirst(tenantId, APP_INDEX, TENANT_APP, tenantId + "#" + filter.applicationId(), low, upper, filter, filterExpression, names, values, rows, calls, null);
            return new Page(rows, Optional.ofNullable(position));
        }
        LocalDate first = LocalDate.ofInstant(filter.from(), ZoneOffset.UTC);
        // Once a whole day has left the page short, the next days' first queries go out together (at most what is
        // left of the call budget); each is taken in order, exactly as a query sent then would have been.
        Map<LocalDate, Future<QueryResponse>> ahead = new HashMap<>();
        try {
            for (LocalDate day = LocalDate.parse(upper.substring(0, 10)); !day.isBefore(first); day = day.minusDays(1)) {
                String position = readNewestFirst(tenantId, DAY_INDEX, TENANT_DAY, tenantDay(tenantId, day), low, upper, filter, filterExpression,
                        names, values, rows, calls, ahead.remove(day));
                if (position != null) return new Page(rows, Optional.of(position));
                upper = day.toString(); // the day is read whole: the next reads below it
                if (calls[0] >= EXPLORER_CALLS && day.isAfter(first)) return new Page(rows, Optional.of(upper));
                int room = Math.min(DAYS_AHEAD, EXPLORER_CALLS - calls[0]);
                for (LocalDate next = day.minusDays(1); ahead.size() < room && !next.isBefore(first); next = next.minusDays(1)) {
                    if (ahead.containsKey(next)) continue;
                    LocalDate read = next;
                    String nextUpper = read.plusDays(1).toString();
                    if (low.compareTo(nextUpper) >= 0) break;
                    ahead.put(read, DAY_READS.submit(() -> dynamo.query(dayQuery(DAY_INDEX, TENANT_DAY, tenantDay(tenantId, read), low, nextUpper,
                            filter, filterExpression, names, values, filter.limit() + 1, null))));
                }
            }
            return new Page(rows, Optional.empty());
        } finally {
            ahead.values().forEach(unused -> unused.cancel(false));
        }
    }

    /** Days of {@code tenant-day} read ahead together by a whole-tenant explorer page. */
    static final int DAYS_AHEAD = 4;
    private static final ExecutorService DAY_READS = DaemonPools.fixed(DAYS_AHEAD, "explorer-day-read");

    /** One query of an index partition, newest first, keys in [low, upper], from {@code start} (null: the beginning). */
    private QueryRequest dayQuery(String index, String partitionName, String partition, String low, String upper, SessionFilter filter,
                                  String filterExpression, Map<String, String> filterNames, Map<String, AttributeValue> filterValues,
                                  int limit, Map<String, AttributeValue> start) {
        Map<String, String> names = new HashMap<>(filterNames);
        names.put("#p", partitionName);
        names.put("#k", STARTED_AT_KEY);
        Map<String, AttributeValue> values = new HashMap<>(filterValues);
        values.put(":p", s(partition));
        values.put(":low", s(low));
        values.put(":upper", s(upper));
        boolean unfiltered = filterExpression == null && filter.anchored() == null;
        QueryRequest.Builder q = QueryRequest.builder().tableName(table).indexName(index).scanIndexForward(false)
                .keyConditionExpression("#p = :p AND #k BETWEEN :low AND :upper")
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .limit(unfiltered ? limit : EXPLORER_READ).exclusiveStartKey(start);
        if (!unfiltered) q.filterExpression(filterExpression);
        if (index.equals(DAY_INDEX)) q.projectionExpression(SUMMARY_ATTRIBUTES);
        return q.build();
    }

    /**
     * Reads one partition of an index, newest first, keys in [low, upper) ; adds the matches to
     * {@code rows}. Returns the position to resume at when the page is full or the call budget ran out
     * inside the partition, null when the partition is read to its end. {@code readAhead}, if not null, is the
     * partition's first query already sent (with the page's largest limit).
     */
    private String readNewestFirst(String tenantId, String index, String partitionName, String partition, String low, String upper, SessionFilter filter,
                        String filterExpression, Map<String, String> filterNames, Map<String, AttributeValue> filterValues,
                        List<SessionSummary> rows, int[] calls, Future<QueryResponse> readAhead) {
        if (low.compareTo(upper) >= 0) return null; // nothing of this partition lies in the period below the position
        Map<String, AttributeValue> start = null;
        String position = null;
        do {
            if (calls[0]++ >= EXPLORER_CALLS) return position != null ? position : upper;
            QueryResponse page = start == null && readAhead != null ? result(readAhead)
                    : dynamo.query(dayQuery(index, partitionName, partition, low, upper, filter, filterExpression, filterNames, filterValues,
                            filter.limit() - rows.size() + 1, start));
            Set<String> anchored = pointers.anchored(tenantId, page.items().stream()
                    .filter(item -> item.containsKey(ANCHOR_PENDING) && VIA_POINTER.equals(item.get(ANCHOR_PENDING).s()))
                    .map(item -> item.get(SESSION).s()).toList());
            for (Map<String, AttributeValue> item : page.items()) {
                String key = item.get(STARTED_AT_KEY).s();
                if (key.equals(upper)) continue; // the cursor's own session, read on the previous page
                SessionSummary row = toSummary(item, anchored);
                if (filter.matches(row)) rows.add(row);
                position = key;
                if (rows.size() == filter.limit()) return position;
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            if (start != null) position = start.get(STARTED_AT_KEY).s();
        } while (start != null);
        return null;
    }

    /** A query sent ahead, as its own call would have answered: its answer, or the SDK's exception unwrapped. */
    private static QueryResponse result(Future<QueryResponse> sent) {
        try {
            return sent.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) throw failure;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the explorer's days", e);
        }
    }

    private static String filterExpression(SessionFilter f, Set<String> applications, Map<String, String> names, Map<String, AttributeValue> values) {
        List<String> terms = new ArrayList<>();
        if (!applications.isEmpty()) terms.add(in("#app", APPLICATION, applications, "app", names, values));
        if (!f.bands().isEmpty()) terms.add(in("#band", BAND, f.bands().stream().map(Enum::name).toList(), "band", names, values));
        if (!f.riskLevels().isEmpty()) terms.add(in("#risk", RISK_LEVEL, f.riskLevels().stream().map(Enum::name).toList(), "risk", names, values));
        if (!f.outcomes().isEmpty()) terms.add(in("#outcome", OUTCOME, f.outcomes().stream().map(Enum::name).toList(), "outcome", names, values));
        if (f.model() != null) {
            names.put("#model", MODEL);
            values.put(":model", s(f.model()));
            terms.add("#model = :model");
        }
        if (!f.reviewStates().isEmpty()) {
            if (f.reviewStates().contains(ReviewState.PENDING) || f.reviewStates().contains(ReviewState.NONE)) names.put("#queue", REVIEW_QUEUE);
            if (f.reviewStates().contains(ReviewState.REVIEWED) || f.reviewStates().contains(ReviewState.NONE)) names.put("#reviewed", REVIEWED);
            List<String> states = new ArrayList<>();
            for (ReviewState state : f.reviewStates()) {
                states.add(switch (state) {
                    case PENDING -> "attribute_exists(#queue)";
                    case REVIEWED -> "attribute_exists(#reviewed)";
                    case NONE -> "attribute_not_exists(#queue) AND attribute_not_exists(#reviewed)"; // AND binds tighter than OR
                });
            }
            // DynamoDB refuses redundant parentheses: only a disjunction needs them
            terms.add(states.size() == 1 ? states.get(0) : "(" + String.join(" OR ", states) + ")");
        }
        if (Boolean.FALSE.equals(f.anchored())) {
            // sessions anchored before pointers have no anchorPending; the others are told apart by their pointer, in memory
            names.put("#pending", ANCHOR_PENDING);
            terms.add("attribute_exists(#pending)");
        }
        if (f.contentSafety() != null) {
            names.put("#flags", SAFETY_FLAGS);
            if (f.contentSafety().flag() != null) {
                values.put(":flag", s(f.contentSafety().flag().name()));
                terms.add("contains(#flags, :flag)");
            } else {
                terms.add(f.contentSafety().flagged() ? "attribute_exists(#flags)" : "attribute_not_exists(#flags)");
            }
        }
        return terms.isEmpty() ? null : String.join(" AND ", terms);
    }

    private static String in(String name, String attribute, java.util.Collection<String> wanted, String prefix,
                             Map<String, String> names, Map<String, AttributeValue> values) {
        names.put(name, attribute);
        List<String> placeholders = new ArrayList<>();
        int i = 0;
        for (String value : new TreeSet<>(wanted)) {
            values.put(":" + prefix + i, s(value));
            placeholders.add(":" + prefix + i++);
        }
        return name + " IN (" + String.join(", ", placeholders) + ")";
    }

    /** {@code anchoredViaPointer}: the sessions of the page whose pointer is anchored. */
    /**
     * SnapStart priming of what an explorer page that finds sessions does beyond the priming request's empty page: the
     * page's pointer read (a batch read of a made-up id of the priming tenant: finds nothing, writes nothing) and a row
     * mapped from an index entry. Answers that row.
     */
    public SessionSummary warmUpExplorerPage() {
        String id = PrimedHandler.PRIMING;
        Set<String> anchored = pointers.anchored(id, List.of(id));
        Map<String, AttributeValue> entry = Map.of(SESSION, s(id), APPLICATION, s(id), STARTED_AT, s("2026-01-01T00:00:00Z"),
                SCORE, AttributeValue.fromN("80"), BAND, s("GOOD"), ANCHOR_PENDING, s(VIA_POINTER), MODEL, s(id),
                SAFETY_FLAGS, AttributeValue.fromSs(List.of(id)));
        return toSummary(entry, anchored);
    }

    private static SessionSummary toSummary(Map<String, AttributeValue> item, Set<String> anchoredViaPointer) {
        AttributeValue pending = item.get(ANCHOR_PENDING);
        boolean anchored = pending == null || VIA_POINTER.equals(pending.s()) && anchoredViaPointer.contains(item.get(SESSION).s());
        ReviewState review = item.containsKey(REVIEW_QUEUE) ? ReviewState.PENDING : item.containsKey(REVIEWED) ? ReviewState.REVIEWED : ReviewState.NONE;
        return new SessionSummary(item.get(SESSION).s(), item.get(APPLICATION).s(), Instant.parse(item.get(STARTED_AT).s()),
                Integer.parseInt(item.get(SCORE).n()), item.get(BAND).s(), optional(item, RISK_LEVEL), optional(item, OUTCOME), optional(item, MODEL),
                review, anchored, item.containsKey(SAFETY_FLAGS) ? item.get(SAFETY_FLAGS).ss().stream().sorted().toList() : List.of());
    }

    private static String optional(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    // ---- the item layout ----

    static Map<String, AttributeValue> key(String tenantId, String sessionId) {
        return Map.of(PK, s(KEY_PREFIX + tenantId + "#" + sessionId));
    }

    private static String tenantDay(String tenantId, LocalDate day) {
        return tenantId + "#" + day;
    }

    private static String reviewQueue(String tenantId, String applicationId) {
        return tenantId + "#" + applicationId;
    }

    /** The item a stored session is written as: public for the ingest benchmark's raw PutItem of the same item. */
    public static Map<String, AttributeValue> item(StoredSession s) {
        String pk = key(s.tenantId(), s.sessionId()).get(PK).s();
        String startedAt = s.startedAt().toString();
        LocalDate day = s.startedAt().atOffset(ZoneOffset.UTC).toLocalDate();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(pk));
        item.put(TENANT, s(s.tenantId()));
        item.put(SESSION, s(s.sessionId()));
        item.put(APPLICATION, s(s.applicationId()));
        item.put(STARTED_AT, s(startedAt));
        item.put(DAY, s(day.toString()));
        item.put(TENANT_DAY, s(tenantDay(s.tenantId(), day)));
        item.put(STARTED_AT_KEY, s(startedAt + "#" + s.sessionId()));
        item.put(RECORD, s(s.canonicalRecord()));
        item.put(LEAF_HASH, s(s.leafHash()));
        item.put(SCORE, n(s.governanceScore()));
        item.put(BAND, s(s.band()));
        Map<String, AttributeValue> factors = new HashMap<>();
        s.factors().forEach((name, value) -> factors.put(name, n(value)));
        item.put(FACTORS, AttributeValue.fromM(factors));
        item.put(RECEIVED_AT, s(s.receivedAt().toString()));
        if (s.requestId() != null) item.put(REQUEST_ID, s(s.requestId()));
        item.put(ANCHOR_PENDING, s(VIA_POINTER));
        if (s.needsReview()) item.put(REVIEW_QUEUE, s(reviewQueue(s.tenantId(), s.applicationId())));
        item.put(TENANT_APP, s(s.tenantId() + "#" + s.applicationId()));
        SessionFacets facets = s.facets();
        if (facets.riskLevel() != null) item.put(RISK_LEVEL, s(facets.riskLevel()));
        if (facets.outcome() != null) item.put(OUTCOME, s(facets.outcome()));
        if (facets.model() != null) item.put(MODEL, s(facets.model()));
        if (!facets.contentSafetyFlags().isEmpty()) item.put(SAFETY_FLAGS, AttributeValue.fromSs(facets.contentSafetyFlags()));
        return item;
    }

    /** SnapStart priming: a session's way to its item and back, as a found session takes (no I/O). */
    public static SessionView throughItem(StoredSession session) {
        return toView(item(session));
    }

    /** The one mapping from an item (table, index with all attributes, or stream image) to the typed session. */
    static SessionView toView(Map<String, AttributeValue> item) {
        Map<String, Integer> factors = new HashMap<>();
        AttributeValue f = item.get(FACTORS);
        if (f != null && f.hasM()) f.m().forEach((name, value) -> factors.put(name, Integer.valueOf(value.n())));
        StoredSession session = new StoredSession(text(item, TENANT), text(item, SESSION), text(item, APPLICATION),
                Instant.parse(text(item, STARTED_AT)), text(item, RECORD), text(item, LEAF_HASH), Integer.parseInt(required(item, SCORE).n()),
                text(item, BAND), factors, Instant.parse(text(item, RECEIVED_AT)),
                item.containsKey(REQUEST_ID) ? item.get(REQUEST_ID).s() : null, item.containsKey(REVIEW_QUEUE), facets(item));
        Optional<Anchor> anchor = Optional.empty();
        Optional<InclusionProof> proof = Optional.empty();
        if (item.containsKey(ANCHOR) && item.containsKey(PROOF)) {
            anchor = Optional.of(Anchor.fromJson(Json.parse(item.get(ANCHOR).s())));
            proof = Optional.of(InclusionProof.fromJson(Json.parse(item.get(PROOF).s())));
        }
        return new SessionView(session, anchor, proof);
    }

    /** The facets as stored beside the record (an item written before facets existed has none). */
    private static SessionFacets facets(Map<String, AttributeValue> item) {
        return new SessionFacets(optional(item, RISK_LEVEL), optional(item, OUTCOME), optional(item, MODEL),
                item.containsKey(SAFETY_FLAGS) ? item.get(SAFETY_FLAGS).ss() : List.of());
    }

    private static AttributeValue required(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null) throw new IllegalStateException("session item " + (item.containsKey(PK) ? item.get(PK).s() : "without a key") + " has no " + name);
        return value;
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        return required(item, name).s();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(int value) {
        return AttributeValue.fromN(Integer.toString(value));
    }

    /** Stream images come in the Lambda events library's attribute type; the mapping above reads the SDK's. */
    static final class StreamImages {
        private StreamImages() {
        }

        static Map<String, AttributeValue> toSdk(Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image) {
            Map<String, AttributeValue> item = new HashMap<>();
            image.forEach((name, value) -> item.put(name, toSdk(value)));
            return item;
        }

        private static AttributeValue toSdk(com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue v) {
            if (v.getS() != null) return AttributeValue.fromS(v.getS());
            if (v.getN() != null) return AttributeValue.fromN(v.getN());
            if (v.getBOOL() != null) return AttributeValue.fromBool(v.getBOOL());
            if (v.getM() != null) return AttributeValue.fromM(toSdk(v.getM()));
            if (v.getL() != null) return AttributeValue.fromL(v.getL().stream().map(StreamImages::toSdk).toList());
            if (v.getSS() != null) return AttributeValue.fromSs(v.getSS());
            if (v.getNS() != null) return AttributeValue.fromNs(v.getNS());
            if (v.getB() != null) return AttributeValue.fromB(SdkBytes.fromByteBuffer(v.getB()));
            if (v.getBS() != null) return AttributeValue.fromBs(v.getBS().stream().map(SdkBytes::fromByteBuffer).toList());
            return AttributeValue.fromNul(true);
        }
    }
}
