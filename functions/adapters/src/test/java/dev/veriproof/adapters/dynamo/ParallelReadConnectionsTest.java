package dev.veriproof.adapters.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.LocalDynamoDb;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The anchoring run reads with {@link DynamoAnchorPointers#PARALLELISM} threads at once through the SDK's URL-connection
 * client, which keeps only {@code http.maxConnections} idle connections per host (the JDK's default is 5). With the
 * default, 11 of every 16 parallel reads would open a new connection (on AWS, a TLS handshake). The template raises the
 * setting for every function; this test runs with the same value (the build's surefire configuration) and counts the
 * connections the readers open to DynamoDB Local, through a loopback proxy.
 */
@ExtendWith(LocalAwsExtension.class)
class ParallelReadConnectionsTest {
    private static final int WAVES = 6;

    @Test
    void theTemplateKeepsAConnectionForEveryParallelReader() {
        String options = CloudFormationTemplate.load(CloudFormationTemplate.locate()).environment("AnchoringFunction")
                .getOrDefault("JAVA_TOOL_OPTIONS", "");
        Matcher setting = Pattern.compile("-Dhttp\\.maxConnections=(\\d+)").matcher(options);
        assertTrue(setting.find(), "JAVA_TOOL_OPTIONS sets http.maxConnections: " + options);
        int deployed = Integer.parseInt(setting.group(1));
        assertTrue(deployed >= DynamoAnchorPointers.PARALLELISM, deployed + " idle connections for " + DynamoAnchorPointers.PARALLELISM + " readers");
        assertEquals(deployed, Integer.getInteger("http.maxConnections", 5), "the tests run with the deployed setting (root pom, surefire)");
    }

    @Test
    void parallelReadersReuseTheirConnections(LocalAws aws) throws IOException {
        try (CountingProxy proxy = new CountingProxy(URI.create(aws.endpoint()));
             DynamoDbClient client = AwsClients.create(DynamoDbClient.builder()
                     .endpointOverride(URI.create("http://127.0.0.1:" + proxy.port()))
                     .region(LocalDynamoDb.REGION)
                     .credentialsProvider(StaticCredentialsProvider.create(
                             AwsBasicCredentials.create(LocalDynamoDb.ACCESS_KEY_ID, LocalDynamoDb.SECRET_ACCESS_KEY))))) {
            String table = aws.tableName("SessionsTable");
            List<Integer> readers = IntStream.range(0, DynamoAnchorPointers.PARALLELISM).boxed().toList();
            for (int wave = 0; wave < WAVES; wave++) {
                // every reader in flight at once, as in a run's wave of pointer reads
                CyclicBarrier together = new CyclicBarrier(readers.size());
                DynamoAnchorPointers.parallel(readers, reader -> {
                    await(together);
                    return client.getItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS("S#nobody#" + reader)))).hasItem();
                });
            }
            int opened = proxy.accepted();
            // the JDK's default (5 kept) would have opened 16 + 11 per later wave = 71
            assertTrue(opened >= DynamoAnchorPointers.PARALLELISM / 2 && opened <= DynamoAnchorPointers.PARALLELISM + 2,
                    opened + " connections for " + WAVES + " waves of " + DynamoAnchorPointers.PARALLELISM + " parallel reads");
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS); // fails, rather than hangs, if the pool ever has fewer threads
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forwards every connection to the upstream server and counts them. */
    private static final class CountingProxy implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        private final AtomicInteger accepted = new AtomicInteger();

        CountingProxy(URI upstream) throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        accepted.incrementAndGet();
                        Socket target = new Socket(upstream.getHost(), upstream.getPort());
                        pipe(client, target);
                        pipe(target, client);
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            }, "counting-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        private static void pipe(Socket from, Socket to) {
            Thread copy = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // one side closed: close both below
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "counting-proxy-pipe");
            copy.setDaemon(true);
            copy.start();
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
