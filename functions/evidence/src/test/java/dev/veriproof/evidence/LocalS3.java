package dev.veriproof.evidence;

import dev.veriproof.local.LocalDynamoDb;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * An in-process S3-compatible server (s3proxy, in-memory store) that checks SigV4 signatures, presigned URLs included;
 * {@link #startOnDisk()} keeps the objects in files instead.
 */
final class LocalS3 implements AutoCloseable {
    private final S3Proxy proxy;
    final String endpoint;
    /** Where the objects of {@link #startOnDisk()} are kept; null for the in-memory store. */
    private final Path directory;

    private LocalS3(S3Proxy proxy) {
        this(proxy, null);
    }

    private LocalS3(S3Proxy proxy, Path directory) {
        this.proxy = proxy;
        this.endpoint = "http://127.0.0.1:" + proxy.getPort();
        this.directory = directory;
    }

    static LocalS3 start() {
        try {
            S3Proxy proxy = S3Proxy.builder().blobStore(new TransientNio2BlobStore())
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V4, LocalDynamoDb.ACCESS_KEY_ID, LocalDynamoDb.SECRET_ACCESS_KEY)
                    .build();
            proxy.start();
            for (int i = 0; i < 200 && !proxy.getState().equals("STARTED"); i++) Thread.sleep(25);
            return new LocalS3(proxy);
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not start", e);
        }
    }

    /**
     * s3proxy on a filesystem store in a new temporary directory, deleted by {@link #close()}: the objects are files, not
     * memory of this JVM (for measuring the heap of code that stages gigabytes in S3).
     */
    static LocalS3 startOnDisk() {
        Path directory;
        try {
            directory = Files.createTempDirectory("local-s3");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            S3Proxy proxy = S3Proxy.builder().blobStore(new FilesystemNio2BlobStore(directory.toString()))
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V4, LocalDynamoDb.ACCESS_KEY_ID, LocalDynamoDb.SECRET_ACCESS_KEY)
                    .build();
            proxy.start();
            for (int i = 0; i < 200 && !proxy.getState().equals("STARTED"); i++) Thread.sleep(25);
            return new LocalS3(proxy, directory);
        } catch (Exception e) {
            delete(directory);
            throw new IllegalStateException("s3proxy did not start", e);
        }
    }

    S3Client client() {
        return client(new ExecutionInterceptor[0]);
    }

    /** A client whose requests pass the interceptors first (to fail chosen calls, as an S3 outage would). */
    S3Client client(ExecutionInterceptor... interceptors) {
        return S3Client.builder().httpClient(ApacheHttpClient.create()).endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                .region(LocalDynamoDb.REGION).credentialsProvider(credentials())
                .overrideConfiguration(c -> { for (var i : interceptors) c.addExecutionInterceptor(i); }).build();
    }

    S3Presigner presigner() {
        return S3Presigner.builder().endpointOverride(URI.create(endpoint)).region(LocalDynamoDb.REGION).credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
    }

    EvidenceBucket bucket(String name, int partSize) {
        S3Client s3 = client();
        s3.createBucket(b -> b.bucket(name));
        return new EvidenceBucket(s3, presigner(), name, partSize);
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalDynamoDb.ACCESS_KEY_ID, LocalDynamoDb.SECRET_ACCESS_KEY));
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            if (directory != null) delete(directory);
        }
    }

    private static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + directory, e);
        }
    }
}
