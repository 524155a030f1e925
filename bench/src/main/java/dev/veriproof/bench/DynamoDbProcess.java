package dev.veriproof.bench;

import dev.veriproof.local.LocalDynamoDb;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local in a JVM of its own, for a benchmark whose handler must not share its heap and its collector with
 * the database: on Lambda the function's JVM holds the handler alone, and DynamoDB Local's own garbage (several times
 * the handler's) would otherwise add its collection pauses to the handler's time. The child runs until its standard
 * input closes, so it dies with the benchmark.
 */
final class DynamoDbProcess implements AutoCloseable {
    private final Process process;
    private final String endpoint;
    private final DynamoDbClient client;

    private DynamoDbProcess(Process process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
        this.client = DynamoDbClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(LocalDynamoDb.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalDynamoDb.ACCESS_KEY_ID, LocalDynamoDb.SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    static DynamoDbProcess start() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), DynamoDbProcess.class.getName()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("ENDPOINT ")) return new DynamoDbProcess(process, line.substring("ENDPOINT ".length()).trim());
            }
            throw new IllegalStateException("DynamoDB Local's process ended before it listened (exit " + process.waitFor() + ")");
        } catch (IOException e) {
            throw new IllegalStateException("could not start DynamoDB Local's process", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while DynamoDB Local's process was starting", e);
        }
    }

    String endpoint() {
        return endpoint;
    }

    DynamoDbClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        process.destroy();
    }

    /** The child: DynamoDB Local in memory until standard input closes. */
    public static void main(String[] args) throws IOException {
        try (LocalDynamoDb db = LocalDynamoDb.start()) {
            System.out.println("ENDPOINT " + db.endpoint());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to go
            }
        }
        System.exit(0);
    }
}
