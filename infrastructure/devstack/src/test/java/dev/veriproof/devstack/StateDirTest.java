package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.StandardOpenOption;

/** The state directory's rules, without starting a devstack: one owner at a time, stale children ended, --fresh. */
class StateDirTest {
    @TempDir Path dir;

    @Test
    void aSecondDevstackOnADirectoryInUseIsRefusedWithTheOwnersPid_andMayOpenItOnceReleased() throws Exception {
        try (StateDir first = StateDir.open(dir, false)) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> StateDir.open(dir, false));
            assertEquals("the state directory " + dir.toAbsolutePath() + " is in use by another devstack (pid "
                    + ProcessHandle.current().pid() + "); stop that one first, or give this one another --state-dir", refused.getMessage());
        }
        StateDir.open(dir, false).close();
    }

    @Test
    void aChildLeftByADevstackThatDiedIsEndedAtTheNextStart_anUnrelatedProcessIsNot() throws Exception {
        Process orphan = new ProcessBuilder("sleep", "120").start();
        Process stranger = new ProcessBuilder("sleep", "120").start();
        try {
            StateDir crashed = StateDir.open(dir, false);
            crashed.recordChild(orphan.toHandle());
            // the devstack dies without close(): the lock goes with the process, the record stays
            Files.copy(dir.resolve("children"), dir.resolve("children.kept"));
            crashed.close();
            Files.move(dir.resolve("children.kept"), dir.resolve("children"));
            Files.writeString(dir.resolve("children"), stranger.pid() + " 1970-01-01T00:00:00Z\n", StandardOpenOption.APPEND);

            try (StateDir next = StateDir.open(dir, false)) {
                assertTrue(orphan.waitFor(10, TimeUnit.SECONDS), "the stale child was ended");
                assertTrue(stranger.isAlive(), "a process whose start time differs (a reused pid) is not ours");
                assertTrue(next.recordedChildren().isEmpty());
            }
        } finally {
            orphan.destroyForcibly();
            stranger.destroyForcibly();
        }
    }

    @Test
    void freshEmptiesTheDirectory_otherwiseItsDataIsResumed() throws Exception {
        try (StateDir state = StateDir.open(dir, false)) {
            Files.writeString(state.dynamoDb().resolve("shared-local-instance.db"), "tables");
            Files.writeString(state.s3().resolve("object"), "bytes");
            Files.writeString(dir.resolve("devstack.json"), "{}");
        }
        try (StateDir resumed = StateDir.open(dir, false)) {
            assertTrue(resumed.resumes());
        }
        try (StateDir fresh = StateDir.open(dir, true)) {
            assertFalse(fresh.resumes());
            try (var left = Files.list(dir)) {
                assertEquals(List.of("devstack.lock", "devstack.pid"), left.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
    }
}
