package dev.veriproof.adapters;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The thread pools a function's parallel reads share: fixed size, named, daemon threads that never keep the JVM alive. */
public final class DaemonPools {
    private DaemonPools() {}

    public static ExecutorService fixed(int threads, String name) {
        return Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
