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

/**
 * A local Ethereum JSON-RPC node: the anvil binary that npm installed under
 * {@code infrastructure/tools} (package {@code @foundry-rs/anvil-<os>-<arch>}), on a loopback port,
 * chain id 31337, its well-known development accounts funded. The node keeps its state in a file,
 * so that {@link #stop()} then {@link #restart()} brings the same chain back on the same port: how
 * tests take the chain away in the middle of a run.
 *
 * <p>The process, and any child it started, is stopped by {@link #close()} and at JVM exit.
 */
public final class LocalChain implements AutoCloseable {

    public static final long CHAIN_ID = 31337;
    /** anvil's first development account: public knowledge, for the local runtime and tests only. */
    public static final String DEV_PRIVATE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    public static final String DEV_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    private final Path binary;
    private final int port;
    private final Path stateFile;
    private Process process;

    private LocalChain(Path binary, int port, Path stateFile) {
        this.binary = binary;
        this.port = port;
        this.stateFile = stateFile;
    }

    /** Starts a fresh chain on a free loopback port. */
    public static LocalChain start() {
        try {
            Path stateDir = Files.createTempDirectory("veriproof-chain");
            LocalChain chain = new LocalChain(locateBinary(), freePort(), stateDir.resolve("state.json"));
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
        try {
            Files.deleteIfExists(stateFile);
            Files.deleteIfExists(stateFile.getParent());
        } catch (IOException ignored) {
            // a temporary file: the OS cleans it up
        }
    }

    private synchronized void launch() {
        List<String> command = List.of(binary.toString(), "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--chain-id", String.valueOf(CHAIN_ID), "--state", stateFile.toString(), "--silent");
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        awaitReady();
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
