package dev.veriproof.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * One devstack per test JVM, shared by the end-to-end tests (the handlers' AWS clients are built
 * once per JVM, as in a Lambda execution environment, so a second stack could not be reached).
 */
final class RunningDevstack {
    private static Devstack stack;
    private static java.nio.file.Path stateDir;

    private RunningDevstack() {}

    static synchronized Devstack get() {
        if (stack == null) {
            try {
                stateDir = Files.createTempDirectory("devstack-test");
                // the state machine's retries as deployed, each after at most a second
                System.setProperty("DEVSTACK_RETRY_INTERVAL_SECONDS", "1");
                stack = Devstack.start(0, stateDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        }
        return stack;
    }

    static synchronized java.nio.file.Path stateDir() {
        get();
        return stateDir;
    }
}
