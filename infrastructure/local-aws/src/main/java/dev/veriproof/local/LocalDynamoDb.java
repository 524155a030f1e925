package dev.veriproof.local;

import com.amazonaws.services.dynamodbv2.local.main.CommandLineInput;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * DynamoDB Local 2.6 running in this JVM as an HTTP server on 127.0.0.1 and a free port, in
 * memory, with streams. One database is shared by all credentials and regions.
 *
 * <p>DynamoDB Local carries its sqlite4java native libraries inside its own jar and, on first
 * use, copies the one for this OS into {@code java.io.tmpdir} (or {@code org.sqlite.tmpdir}) and
 * loads it from there: nothing is downloaded, and it works from any class path, including a thin
 * jar whose manifest lists the dependency jars. That directory must allow executable files.
 */
public final class LocalDynamoDb implements AutoCloseable {

    public static final Region REGION = Region.US_EAST_1;
    public static final String ACCESS_KEY_ID = "local";
    public static final String SECRET_ACCESS_KEY = "local";

    /**
     * DynamoDB Local logs through log4j2 at WARN (its jar carries that configuration), but the AWS
     * SDK v1 inside it warns through java.util.logging that JAXB is missing, which is harmless.
     * The logger is held here because java.util.logging keeps loggers only weakly.
     */
    private static final Logger SDK_V1_LOGGER = Logger.getLogger("com.amazonaws");

    static {
        SDK_V1_LOGGER.setLevel(Level.SEVERE);
    }

    private final DynamoDBProxyServer server;
    private final ThreadGroup threads;
    private final String endpoint;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streamsClient;

    private LocalDynamoDb(DynamoDBProxyServer server, ThreadGroup threads, String endpoint) {
        this.server = server;
        this.threads = threads;
        this.endpoint = endpoint;
        StaticCredentialsProvider credentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
        this.client = DynamoDbClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(REGION)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        this.streamsClient = DynamoDbStreamsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(REGION)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /**
     * Starts the server from a thread of a new thread group: every thread DynamoDB Local creates
     * later (Jetty's, SQLite's, its background jobs') joins that group. The jobs (TTL deletion,
     * index creation, stream shard rollover) run in non-daemon threads that its own stop only asks
     * to finish after their current sleep, which keeps a JVM alive for minutes; {@link #close()}
     * interrupts the group instead.
     */
    public static LocalDynamoDb start() {
        return start(null);
    }

    /** With {@code dataDir}, the tables live in files there and survive a restart; without, in memory. */
    public static LocalDynamoDb start(Path dataDir) {
        ThreadGroup threads = new ThreadGroup("dynamodb-local");
        FutureTask<Started> starting = new FutureTask<>(() -> startServer(dataDir));
        new Thread(threads, starting, "dynamodb-local-start").start();
        try {
            Started started = starting.get();
            return new LocalDynamoDb(started.server(), threads, "http://127.0.0.1:" + started.port());
        } catch (ExecutionException e) {
            threads.interrupt();
            throw new IllegalStateException("DynamoDB Local did not start", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while DynamoDB Local was starting", e);
        }
    }

    private record Started(DynamoDBProxyServer server, int port) {}

    private static Started startServer(Path dataDir) throws Exception {
        // The port given here is a placeholder: the connector is rebound to port 0 below.
        CommandLineInput options = new CommandLineInput(dataDir == null
                ? new String[] {"-inMemory", "-sharedDb", "-disableTelemetry", "-port", "8000"}
                : new String[] {"-dbPath", dataDir.toAbsolutePath().toString(), "-sharedDb", "-disableTelemetry", "-port", "8000"});
        if (!options.init()) {
            throw new IllegalStateException("DynamoDB Local rejected its options");
        }
        DynamoDBProxyServer server = ServerRunner.createServer(options);
        ServerConnector connector = connectorOf(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.start();
        return new Started(server, connector.getLocalPort());
    }

    /**
     * DynamoDB Local builds its Jetty server with {@code new Server(port)}, which listens on every
     * interface and on a port chosen up front. Its connector is reached here, before start, to
     * listen on loopback only and on a port the OS picks, so parallel runs never collide.
     */
    private static ServerConnector connectorOf(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
        var field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        return (ServerConnector) ((Server) field.get(proxy)).getConnectors()[0];
    }

    /** Base URL, for example {@code http://127.0.0.1:41234}. */
    public String endpoint() {
        return endpoint;
    }

    public DynamoDbClient client() {
        return client;
    }

    public DynamoDbStreamsClient streamsClient() {
        return streamsClient;
    }

    /** A new client of this server with the SDK's default retry policy, through {@code interceptors} (fault injection). */
    public DynamoDbClient client(software.amazon.awssdk.core.interceptor.ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> Arrays.stream(interceptors).forEach(o::addExecutionInterceptor))
                .build();
    }

    @Override
    public void close() {
        client.close();
        streamsClient.close();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop", e);
        } finally {
            threads.interrupt();
        }
    }
}
