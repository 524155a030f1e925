package dev.veriproof.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A local Ethereum JSON-RPC node: the anvil binary that npm installed under
 * {@code infrastructure/tools} (package {@code @foundry-rs/anvil-<os>-<arch>}), on a loopback port,
 * chain id 31337, its well-known development accounts funded. The node keeps its state in a file,
 * so that {@link #stop()} then {@link #restart()} brings the same chain back on the same port: how
 * tests take the chain away in the middle of a run.
 *
 * <p>The process, and any child it started, is stopped by {@link #close()} and at JVM exit. The node
 * runs under a small shell that ends it within a second of this JVM's death, however it died
 * (kill -9 included), so that no orphan keeps the port.
 */
public final class LocalChain implements AutoCloseable {

    public static final long CHAIN_ID = 31337;
    /** anvil's first development account: public knowledge, for the local runtime and tests only. */
    public static final String DEV_PRIVATE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    public static final String DEV_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    private final Path binary;
    private final int port;
    private final Path stateFile;
    private final boolean keepState;
    private final Consumer<ProcessHandle> onLaunch;
    private Process process;

    private LocalChain(Path binary, int port, Path stateFile, boolean keepState, Consumer<ProcessHandle> onLaunch) {
        this.binary = binary;
        this.port = port;
        this.stateFile = stateFile;
        this.keepState = keepState;
        this.onLaunch = onLaunch;
    }

    /**
     * Starts (or resumes) the chain kept in {@code stateFile}, which it writes every second and on the
     * way out, and keeps on {@link #close()}: the local runtime's chain. {@code onLaunch} learns the
     * process of every launch (the node and the shell that watches it).
     */
    public static LocalChain start(Path stateFile, Consumer<ProcessHandle> onLaunch) {
        try {
            LocalChain chain = new LocalChain(locateBinary(), freePort(), stateFile, true, onLaunch);
            chain.launch();
            Runtime.getRuntime().addShutdownHook(new Thread(chain::stop, "local-chain-stop"));
            return chain;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a fresh chain on a free loopback port. */
    public static LocalChain start() {
        try {
            Path stateDir = Files.createTempDirectory("veriproof-chain");
            LocalChain chain = new LocalChain(locateBinary(), freePort(), stateDir.resolve("state.json"), false, process -> { });
            chain.launch();
            Runtime.getRuntime().addShutdownHook(new Thread(chain::close, "local-chain-stop"));
            return chain;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String rpcUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the node; its state is written to the state file on the way out. */
    public synchronized void stop() {
        if (process == null) return;
        Process stopping = process;
        process = null;
        List<ProcessHandle> children = new ArrayList<>(stopping.descendants().toList());
        stopping.destroy();
        try {
            if (!stopping.waitFor(10, TimeUnit.SECONDS)) {
                stopping.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            stopping.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** Starts the node again on the same port with the state it had when stopped. */
    public synchronized void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
        if (keepState) return;
        try {
            Files.deleteIfExists(stateFile);
            Files.deleteIfExists(stateFile.getParent());
        } catch (IOException ignored) {
            // a temporary file: the OS cleans it up
        }
    }

    private synchronized void launch() {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--chain-id", String.valueOf(CHAIN_ID), "--state", stateFile.toString(), "--silent"));
        if (keepState) command.addAll(List.of("--state-interval", "1"));
        try {
            process = new ProcessBuilder(watched(command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        onLaunch.accept(process.toHandle());
        awaitReady();
        process.descendants().forEach(onLaunch);
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(rpcUrl()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}"))
                .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("anvil exited with status " + process.exitValue());
            try {
                if (http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for anvil", e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for anvil", e);
            }
        }
        stop();
        throw new IllegalStateException("anvil did not answer on " + rpcUrl() + " within 30 s");
    }

    /**
     * The node under a shell that ends it when this JVM is gone (checked every second) or when the shell
     * is asked to stop (SIGTERM, passed on so that the node writes its state); the shell ends with the node.
     */
    private static List<String> watched(List<String> command) {
        if (System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("win")) return command;
        String script = "trap 'kill $c 2>/dev/null; wait $c; exit 0' TERM INT; \"$@\" & c=$!; "
                + "while kill -0 $c 2>/dev/null && kill -0 " + ProcessHandle.current().pid() + " 2>/dev/null; do sleep 1; done; "
                + "kill $c 2>/dev/null; wait $c";
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", script, "anvil"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** The platform binary npm installed: the package that ships it comes from the npm registry itself. */
    static Path locateBinary() {
        Path tools = CloudFormationTemplate.locate().getParent().resolve("infrastructure/tools/node_modules/@foundry-rs");
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String platform = (os.contains("mac") ? "darwin" : os.contains("win") ? "win32" : "linux")
                + "-" + (arch.contains("aarch64") || arch.contains("arm64") ? "arm64" : "amd64");
        Path binary = tools.resolve("anvil-" + platform).resolve("bin").resolve(os.contains("win") ? "anvil.exe" : "anvil");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("no anvil binary at " + binary + ": run npm ci in infrastructure/tools (the Maven build does)");
        }
        return binary;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
