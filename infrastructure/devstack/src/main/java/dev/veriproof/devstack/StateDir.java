package dev.veriproof.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The devstack's state directory: DynamoDB Local's files ({@code dynamodb/}), the S3 objects
 * ({@code s3/}), the chain's state ({@code chain/state.json}), devstack.json and the local logs.
 * <ul>
 *   <li>One devstack at a time: it holds an OS lock on {@code devstack.lock} (released by the OS
 *       whatever way the process ends), and a second one is refused with the first one's pid.</li>
 *   <li>Every child process is recorded in {@code children} (pid and start time); a devstack that
 *       died without stopping them (kill -9) leaves them there, and the next start ends them.</li>
 *   <li>{@code --fresh} empties it first.</li>
 * </ul>
 */
final class StateDir implements AutoCloseable {
    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private StateDir(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static StateDir open(Path dir, boolean fresh) throws IOException {
        Files.createDirectories(dir);
        Path lockFile = dir.resolve("devstack.lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            String owner = Files.exists(dir.resolve("devstack.pid")) ? Files.readString(dir.resolve("devstack.pid")).trim() : "unknown";
            throw new IllegalStateException("the state directory " + dir.toAbsolutePath() + " is in use by another devstack (pid " + owner
                    + "); stop that one first, or give this one another --state-dir");
        }
        StateDir state = new StateDir(dir, channel, lock);
        state.endStaleChildren();
        if (fresh) state.empty();
        Files.writeString(dir.resolve("devstack.pid"), Long.toString(ProcessHandle.current().pid()));
        return state;
    }

    Path dir() {
        return dir;
    }

    Path dynamoDb() throws IOException {
        return Files.createDirectories(dir.resolve("dynamodb"));
    }

    Path s3() throws IOException {
        return Files.createDirectories(dir.resolve("s3"));
    }

    Path chainState() throws IOException {
        return Files.createDirectories(dir.resolve("chain")).resolve("state.json");
    }

    /** Whether an earlier devstack left its data here (DynamoDB Local's files and devstack.json). */
    boolean resumes() throws IOException {
        Path db = dir.resolve("dynamodb");
        if (!Files.exists(dir.resolve("devstack.json")) || !Files.isDirectory(db)) return false;
        try (Stream<Path> files = Files.list(db)) {
            return files.findAny().isPresent();
        }
    }

    /** Records a child process, so that the next start ends it if this devstack could not. */
    synchronized void recordChild(ProcessHandle child) {
        String line = child.pid() + " " + child.info().startInstant().map(Instant::toString).orElse("-") + "\n";
        try {
            Files.writeString(dir.resolve("children"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recorded children still running (the same pid and start time: a reused pid is not ours). */
    List<ProcessHandle> recordedChildren() throws IOException {
        Path file = dir.resolve("children");
        List<ProcessHandle> alive = new ArrayList<>();
        if (!Files.exists(file)) return alive;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.trim().split(" ");
            if (parts.length != 2) continue;
            Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(parts[0]));
            if (process.isPresent() && process.get().isAlive()
                    && process.get().info().startInstant().map(Instant::toString).orElse("-").equals(parts[1])) {
                alive.add(process.get());
            }
        }
        return alive;
    }

    private void endStaleChildren() throws IOException {
        for (ProcessHandle child : recordedChildren()) {
            System.err.println("devstack: ending process " + child.pid() + " left by a devstack that did not stop");
            child.destroy(); // SIGTERM first: anvil writes its state on the way out
            try {
                child.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                child.destroyForcibly();
            }
        }
        Files.deleteIfExists(dir.resolve("children"));
    }

    private void empty() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                if (entry.getFileName().toString().equals("devstack.lock")) continue;
                try (Stream<Path> tree = Files.walk(entry)) {
                    for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(dir.resolve("children"));
            Files.deleteIfExists(dir.resolve("devstack.pid"));
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // the OS releases the lock when the process ends anyway
        }
    }
}
