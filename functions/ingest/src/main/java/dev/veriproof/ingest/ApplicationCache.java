package dev.veriproof.ingest;

import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.ApplicationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The applications ingest looks up, kept for a short time in the warm execution environment: without
 * it every session costs a second database round trip. A change to an application (its redaction
 * policy) therefore applies to sessions received up to {@code ttl} later; the record stored with
 * each session shows what was applied. Unknown applications are not cached, so a newly registered
 * one is accepted at once.
 */
final class ApplicationCache {
    private static final int MAX_ENTRIES = 10_000;

    private record Entry(Application application, Instant expiresAt) {}

    private final ApplicationStore store;
    private final Clock clock;
    private final Duration ttl;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    ApplicationCache(ApplicationStore store, Clock clock, Duration ttl) {
        this.store = store;
        this.clock = clock;
        this.ttl = ttl;
    }

    Optional<Application> find(String tenantId, String applicationId) {
        String key = tenantId + "\u0000" + applicationId;
        Instant now = clock.instant();
        Entry cached = entries.get(key);
        if (cached != null && now.isBefore(cached.expiresAt())) return Optional.of(cached.application());
        Optional<Application> found = store.find(tenantId, applicationId);
        if (found.isPresent() && !ttl.isZero()) {
            if (entries.size() >= MAX_ENTRIES) entries.clear();
            entries.put(key, new Entry(found.get(), now.plus(ttl)));
        } else {
            entries.remove(key);
        }
        return found;
    }
}
