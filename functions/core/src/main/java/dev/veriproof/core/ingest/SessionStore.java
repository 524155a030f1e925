package dev.veriproof.core.ingest;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where sessions live; every write is conditional on the (tenant, sessionId) being new. */
public interface SessionStore {

    /** Stores the session unless one with its (tenant, sessionId) exists; returns that one if so. */
    Optional<StoredSession> putIfAbsent(StoredSession session);

    /**
     * Stores every session, or none: if any (tenant, sessionId) exists already nothing is written and
     * the existing ones are returned by their index in {@code sessions}.
     */
    Map<Integer, StoredSession> putAllIfAbsent(List<StoredSession> sessions);

    Optional<StoredSession> find(String tenantId, String sessionId);

    /** The session with its anchor and proof, in one consistent read. */
    Optional<SessionView> view(String tenantId, String sessionId);

    /**
     * SnapStart priming: sends the write of {@code sample} the way {@link #putIfAbsent} sends it, under a condition that
     * no item meets, so that nothing is ever written (not even over an existing item); the write's code and connection
     * are then warm for the first real request. Nothing by default.
     */
    default void primeWrite(StoredSession sample) {
    }
}
