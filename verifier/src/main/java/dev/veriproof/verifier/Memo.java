package dev.veriproof.verifier;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Remembers the outcome of a check for the {@code capacity} most recently used keys, shared by the verifier's workers:
 * the first worker to ask for a key computes it (outside the lock, so that other keys are not held up) and the others
 * asking for the same key meanwhile wait for that outcome instead of computing it again.
 */
final class Memo<K, V> {
    private final Map<K, CompletableFuture<V>> outcomes;

    Memo(int capacity) {
        this.outcomes = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, CompletableFuture<V>> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * The outcome for {@code key} as a future, without waiting: the first to ask starts it ({@code start}, which must not
     * block); an outcome that fails is forgotten, so that the next one to ask starts it again.
     */
    CompletableFuture<V> future(K key, Supplier<CompletableFuture<V>> start) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> known;
        synchronized (outcomes) {
            known = outcomes.putIfAbsent(key, mine);
        }
        if (known != null) return known;
        start.get().whenComplete((value, failure) -> {
            if (failure == null) {
                mine.complete(value);
                return;
            }
            synchronized (outcomes) {
                outcomes.remove(key, mine);
            }
            mine.completeExceptionally(failure);
        });
        return mine;
    }

    V get(K key, Supplier<V> compute) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> known;
        synchronized (outcomes) {
            known = outcomes.putIfAbsent(key, mine);
        }
        if (known != null) return known.join();
        try {
            mine.complete(compute.get());
        } catch (RuntimeException e) {
            synchronized (outcomes) {
                outcomes.remove(key, mine);
            }
            mine.completeExceptionally(e);
            throw e;
        }
        return mine.join();
    }
}
