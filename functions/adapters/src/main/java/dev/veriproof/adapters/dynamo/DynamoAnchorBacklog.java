package dev.veriproof.adapters.dynamo;

import static dev.veriproof.adapters.dynamo.Attributes.n;
import static dev.veriproof.adapters.dynamo.Attributes.s;

import dev.veriproof.adapters.dynamo.DynamoAnchorPointers.SessionFacts;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.PendingLeaf;
import dev.veriproof.core.anchoring.PendingSessions;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.StoredSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The anchoring backlog as <b>pending chunks</b> (docs/anchoring.md): the sessions stream's consumer writes, per stream
 * batch, one item listing its stored sessions compactly, instead of an item per session; the anchoring run reads the
 * chunks, anchors what has no anchored pointer yet, creates each session's pointer ({@link DynamoAnchorPointers}) and
 * deletes the chunks whose sessions all have one. A session is pending exactly while it has no anchored pointer.
 *
 * <p>A chunk, in the governance table: {@code pk} = {@code ANCHOR#PENDING#00}..{@code 15} (a shard chosen from the
 * chunk's content, so no partition is shared by every write), {@code sk} = {@code <oldest receivedAt, fixed width>#<first
 * 32 hex of SHA-256 of the entries>}: a retried stream batch rewrites the same item with the same content and two
 * different chunks never share a key; {@code count}; {@code entries} (binary, deflated): a version byte, the count, then
 * per session, oldest received first, receivedAt (epoch second, nano), tenant, sessionId, applicationId (modified UTF-8,
 * length-prefixed), UTC day of startedAt (epoch day) and the 32-byte leaf hash. At most {@value #MAX_ENTRIES} sessions
 * and {@value #MAX_BYTES} deflated bytes a chunk (items are limited to 400 KB).
 *
 * <p>Duplicates and replays are harmless by construction: a session that appears in several chunks, or again after it
 * was anchored, is anchored once, because the run takes only sessions without an anchored pointer (consistent read)
 * and each only once. Sessions waiting in the old forms (pending pointers in the {@code pending-anchor} index, session
 * items of before pointers) are read too until none is left.
 */
public final class DynamoAnchorBacklog implements PendingSessions {
    static final String CHUNK_PREFIX = "ANCHOR#PENDING#";
    static final int SHARDS = 16;
    static final int MAX_ENTRIES = 2_000;
    static final int MAX_BYTES = 300_000;
    private static final byte VERSION = 1;
    private static final DateTimeFormatter FIXED_WIDTH = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static final String PK = "pk";
    private static final String SK = "sk";
    private static final String COUNT = "count";
    private static final String ENTRIES = "entries";

    private final DynamoDbClient dynamo;
    private final String governanceTable;
    private final DynamoAnchorPointers pointers;
    private final DynamoSessionStore sessions;

    /**
     * What the last {@link #oldestPending} read: its chunks (to delete once placed), the facts of its sessions, and those
     * without any pointer, which stay so until this run places them (only the run holding the lease writes pointers):
     * trusted by the next {@link #recordAnchored} only, and only for the batch made of what the read returned, so that
     * a batch finished after a crash reads them again.
     */
    private List<Chunk> lastRead = List.of();
    private Map<String, SessionFacts> lastFacts = Map.of();
    private Set<String> knownAbsent = Set.of();
    public DynamoAnchorBacklog(DynamoDbClient dynamo, String sessionsTable, String governanceTable) {
        this.dynamo = dynamo;
        this.governanceTable = governanceTable;
        this.pointers = new DynamoAnchorPointers(dynamo, sessionsTable);
        this.sessions = new DynamoSessionStore(dynamo, sessionsTable);
    }

    /** A session as a chunk lists it. */
    record Entry(Instant receivedAt, String tenantId, String sessionId, String applicationId, LocalDate day, String leafHash) {
        static final Comparator<Entry> ORDER = Comparator.comparing(Entry::receivedAt).thenComparing(Entry::tenantId).thenComparing(Entry::sessionId);

        static Entry of(StoredSession s) {
            return new Entry(s.receivedAt(), s.tenantId(), s.sessionId(), s.applicationId(),
                    s.startedAt().atOffset(ZoneOffset.UTC).toLocalDate(), s.leafHash());
        }

        String key() {
            return tenantId + "#" + sessionId;
        }
    }

    /** A chunk read back: its key, and which of its sessions had an anchored pointer when read or since. */
    private record Chunk(String pk, String sk, List<Entry> entries, Set<String> anchored) {
        boolean allAnchored() {
            return entries.stream().allMatch(e -> anchored.contains(e.key()));
        }
    }

    // ---- entering the backlog (the sessions stream's consumer) ----

    /** {@link #enqueueAll} of one session. */
    public void enqueue(StoredSession session) {
        enqueueAll(List.of(session));
    }

    /**
     * Lists the sessions in pending chunks, one chunk per {@value #MAX_ENTRIES} sessions (fewer if they deflate to more
     * than {@value #MAX_BYTES} bytes), one PutItem each. Deterministic: the same sessions give the same chunks, so a
     * retried stream batch rewrites them as they were. Throws if a chunk could not be written (the stream retries).
     */
    public void enqueueAll(List<StoredSession> stored) {
        Map<String, Entry> unique = new LinkedHashMap<>();
        for (StoredSession session : stored) {
            Entry entry = Entry.of(session);
            unique.putIfAbsent(entry.key(), entry);
        }
        List<Entry> entries = new ArrayList<>(unique.values());
        entries.sort(Entry.ORDER);
        for (int from = 0; from < entries.size(); from += MAX_ENTRIES) write(entries.subList(from, Math.min(from + MAX_ENTRIES, entries.size())));
    }

    private void write(List<Entry> entries) {
        byte[] plain = encode(entries);
        byte[] deflated = deflate(plain);
        if (deflated.length > MAX_BYTES && entries.size() > 1) {
            write(entries.subList(0, entries.size() / 2));
            write(entries.subList(entries.size() / 2, entries.size()));
            return;
        }
        byte[] digest = Hashes.sha256(plain);
        int shard = Math.floorMod(((digest[0] & 0xff) << 8) | (digest[1] & 0xff), SHARDS);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(shardKey(shard)));
        item.put(SK, s(FIXED_WIDTH.format(entries.get(0).receivedAt()) + "#" + Hashes.hex(digest).substring(0, 32)));
        item.put(COUNT, n(entries.size()));
        item.put(ENTRIES, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(deflated)));
        dynamo.putItem(b -> b.tableName(governanceTable).item(item));
    }

    private static String shardKey(int shard) {
        return CHUNK_PREFIX + String.format("%02d", shard);
    }

    static byte[] encode(List<Entry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(entries.size() * 120);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(entries.size());
            for (Entry e : entries) {
                out.writeLong(e.receivedAt().getEpochSecond());
                out.writeInt(e.receivedAt().getNano());
                out.writeUTF(e.tenantId());
                out.writeUTF(e.sessionId());
                out.writeUTF(e.applicationId());
                out.writeInt((int) e.day().toEpochDay());
                out.write(Hashes.fromHex(e.leafHash()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static List<Entry> decode(byte[] deflated) {
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(deflated)))) {
            byte version = in.readByte();
            if (version != VERSION) throw new IllegalStateException("pending chunk of unknown version " + version);
            int count = in.readInt();
            List<Entry> entries = new ArrayList<>(count);
            byte[] hash = new byte[Hashes.SHA256_BYTES];
            for (int i = 0; i < count; i++) {
                Instant receivedAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
                String tenant = in.readUTF();
                String session = in.readUTF();
                String application = in.readUTF();
                LocalDate day = LocalDate.ofEpochDay(in.readInt());
                in.readFully(hash);
                entries.add(new Entry(receivedAt, tenant, session, application, day, Hashes.hex(hash)));
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable pending chunk", e);
        }
    }

    private static byte[] deflate(byte[] plain) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(plain.length / 2);
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes)) {
            out.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    // ---- the run: taking the backlog ----

    /**
     * Up to {@code limit} sessions without an anchored pointer, oldest received first (then tenant, session id): read from
     * the chunk shards in parallel (base table, consistent: no index lag), each up to its share of {@code limit} (a shard
     * with fewer leaves its share to the others), with the old forms' sessions; each session once. Chunks whose sessions
     * are all anchored already (a run that died after placing them) are deleted now.
     */
    @Override
    public synchronized List<PendingLeaf> oldestPending(int limit) {
        // the old forms' 17 partitions only while something is left in them (nothing writes them any more)
        boolean oldFormsLeft = pointers.legacyPresent();
        if (oldFormsLeft) moveLegacySessionItems(limit);
        List<Chunk> chunks = readChunks(limit);
        Map<String, Entry> candidates = new LinkedHashMap<>();
        for (Chunk chunk : chunks) for (Entry e : chunk.entries()) candidates.putIfAbsent(e.key(), e);
        DynamoAnchorPointers.Pointers found = pointers.pointersOf(candidates.keySet());
        Set<String> anchored = found.anchored();
        for (Chunk chunk : chunks) for (Entry e : chunk.entries()) if (anchored.contains(e.key())) chunk.anchored().add(e.key());
        List<Chunk> done = chunks.stream().filter(Chunk::allAnchored).toList();
        delete(done);
        Map<String, SessionFacts> facts = new HashMap<>();
        List<Entry> pending = new ArrayList<>();
        for (Entry e : candidates.values()) if (!anchored.contains(e.key())) pending.add(e);
        List<DynamoAnchorPointers.LegacyPending> oldForms = oldFormsLeft ? pointers.legacyPending(limit) : List.of();
        for (DynamoAnchorPointers.LegacyPending old : oldForms) {
            PendingLeaf leaf = old.leaf();
            Entry e = new Entry(old.receivedAt(), leaf.tenantId(), leaf.sessionId(), old.facts().applicationId(), old.facts().day(), leaf.leafHash());
            if (!candidates.containsKey(e.key())) pending.add(e);
        }
        pending.sort(Entry.ORDER);
        List<PendingLeaf> taken = new ArrayList<>(Math.min(limit, pending.size()));
        for (Entry e : pending.subList(0, Math.min(limit, pending.size()))) {
            taken.add(new PendingLeaf(e.tenantId(), e.sessionId(), e.leafHash()));
            facts.put(e.key(), new SessionFacts(e.applicationId(), e.day()));
        }
        lastRead = chunks.stream().filter(c -> !c.allAnchored()).toList();
        lastFacts = facts;
        knownAbsent = found.absent();
        return taken;
    }

    private List<Chunk> readChunks(int limit) {
        List<Chunk> chunks = new ArrayList<>();
        Map<String, Map<String, AttributeValue>> cursors = new HashMap<>();
        List<String> open = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) open.add(shardKey(i));
        int entries = 0;
        while (!open.isEmpty() && entries < limit) {
            int share = Math.max(1, (limit - entries + open.size() - 1) / open.size());
            List<ShardPage> pages = DynamoAnchorPointers.parallel(open, shard -> readShard(shard, cursors.get(shard), share));
            List<String> stillOpen = new ArrayList<>();
            for (int i = 0; i < open.size(); i++) {
                ShardPage page = pages.get(i);
                chunks.addAll(page.chunks());
                entries += page.chunks().stream().mapToInt(c -> c.entries().size()).sum();
                if (page.next() != null) {
                    cursors.put(open.get(i), page.next());
                    stillOpen.add(open.get(i));
                }
            }
            open = stillOpen;
        }
        return chunks;
    }

    private record ShardPage(List<Chunk> chunks, Map<String, AttributeValue> next) {}

    private ShardPage readShard(String shard, Map<String, AttributeValue> from, int wanted) {
        List<Chunk> chunks = new ArrayList<>();
        int entries = 0;
        Map<String, AttributeValue> start = from;
        do {
            Map<String, AttributeValue> at = start;
            QueryResponse page = dynamo.query(q -> q.tableName(governanceTable).consistentRead(true)
                    .keyConditionExpression(PK + " = :p").expressionAttributeValues(Map.of(":p", s(shard))).exclusiveStartKey(at));
            for (Map<String, AttributeValue> item : page.items()) {
                List<Entry> listed = decode(item.get(ENTRIES).b().asByteArrayUnsafe());
                chunks.add(new Chunk(shard, item.get(SK).s(), listed, new HashSet<>()));
                entries += listed.size();
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && entries < wanted);
        return new ShardPage(chunks, start);
    }

    /**
     * Sessions stored before pointers wait on their own item in the index's old partition {@code PENDING}: each is
     * listed in a chunk, then leaves that partition (one rewrite of the old item, once; a crash in between lists it
     * again, which is harmless).
     */
    private void moveLegacySessionItems(int limit) {
        List<String> keys = pointers.legacySessionItems(limit);
        if (keys.isEmpty()) return;
        List<StoredSession> stored = new ArrayList<>();
        for (String key : keys) {
            int split = key.lastIndexOf('#');
            sessions.find(key.substring(DynamoSessionStore.KEY_PREFIX.length(), split), key.substring(split + 1)).ifPresent(stored::add);
        }
        enqueueAll(stored);
        for (String key : keys) DynamoSessionStore.leaveLegacyBacklog(dynamo, pointers.table(), key);
    }

    // ---- the run: placing a batch ----

    /**
     * Creates the pointers of the batch's sessions ({@link DynamoAnchorPointers}), then deletes the chunks read by the
     * last {@link #oldestPending} whose sessions all have an anchored pointer now; a chunk left behind (a crash, or
     * sessions beyond the batch's limit) is deleted by a later run once its sessions are all placed.
     */
    @Override
    public synchronized int recordAnchored(List<AnchoredLeaf> leaves, Anchor anchor) {
        // trusted only for the batch made of what the last read returned, and only once (a batch finished later reads again)
        Set<String> absent = knownAbsent;
        knownAbsent = Set.of();
        if (leaves.size() != lastFacts.size() || !leaves.stream().allMatch(l -> lastFacts.containsKey(l.leaf().tenantId() + "#" + l.leaf().sessionId()))) {
            absent = Set.of();
        }
        DynamoAnchorPointers.Recorded recorded = pointers.recordAnchored(leaves, anchor, lastFacts, absent);
        List<Chunk> done = new ArrayList<>();
        List<Chunk> left = new ArrayList<>();
        for (Chunk chunk : lastRead) {
            for (Entry e : chunk.entries()) if (recorded.anchoredKeys().contains(e.key())) chunk.anchored().add(e.key());
            (chunk.allAnchored() ? done : left).add(chunk);
        }
        delete(done);
        lastRead = left;
        return recorded.anchored();
    }

    private void delete(List<Chunk> chunks) {
        DynamoAnchorPointers.parallel(chunks, chunk -> dynamo.deleteItem(b -> b.tableName(governanceTable)
                .key(Map.of(PK, s(chunk.pk()), SK, s(chunk.sk())))));
    }

    /**
     * The reads of a run, writing nothing: the backlog's age as a run reads it first (in parallel, as a run does), a chunk
     * query with its pages, a pointer read (BatchGetItem, consistent), the old partition of session items, and a chunk
     * encoded and decoded.
     */
    @Override
    public void warmUp() {
        oldestPendingSince();
        readShard(shardKey(0), null, 1);
        pointers.pointersOf(List.of("priming#priming"));
        pointers.legacySessionItems(1);
        StoredSession sample = new StoredSession("priming", "priming", "priming", Instant.EPOCH, "{}", "00".repeat(32), 0, "POOR", Map.of(),
                Instant.EPOCH, "priming", false);
        decode(deflate(encode(List.of(Entry.of(sample)))));
    }

    // ---- the backlog's age ----

    private record Peek(Optional<Instant> oldest, boolean oldFormsLeft) {}

    /**
     * When the oldest pending session was received (the {@code OldestPendingSessionAge} metric, and how a run knows there
     * is nothing to do): the oldest chunk key of each shard (consistent, one key each) and whether the old forms' index
     * holds anything, in parallel (17 requests); the old forms' 17 partitions only if it does. A chunk whose oldest
     * sessions are anchored but not yet all of it (a batch's limit cut through it, or a run that died before deleting it)
     * still counts from its oldest one until a run deletes it.
     */
    @Override
    public Optional<Instant> oldestPendingSince() {
        List<Integer> reads = IntStream.rangeClosed(0, SHARDS).boxed().toList(); // the shards, then the old forms
        Function<Integer, Peek> read = i -> i == SHARDS ? new Peek(Optional.empty(), pointers.legacyPresent())
                : new Peek(dynamo.query(q -> q.tableName(governanceTable).consistentRead(true)
                        .keyConditionExpression(PK + " = :p").expressionAttributeValues(Map.of(":p", s(shardKey(i))))
                        .projectionExpression(SK).limit(1)).items().stream().findFirst()
                        .map(item -> item.get(SK).s()).map(sk -> Instant.parse(sk.substring(0, sk.indexOf('#')))), false);
        List<Peek> peeks = DynamoAnchorPointers.parallel(reads, read);
        Optional<Instant> chunks = peeks.stream().map(Peek::oldest).flatMap(Optional::stream).min(Comparator.naturalOrder());
        if (peeks.stream().noneMatch(Peek::oldFormsLeft)) return chunks;
        Optional<Instant> legacy = pointers.legacyOldestPendingSince();
        if (chunks.isEmpty()) return legacy;
        if (legacy.isEmpty()) return chunks;
        return Optional.of(chunks.get().isBefore(legacy.get()) ? chunks.get() : legacy.get());
    }
}
