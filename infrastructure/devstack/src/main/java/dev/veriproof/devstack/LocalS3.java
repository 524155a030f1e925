package dev.veriproof.devstack;

import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import java.nio.file.Path;

/**
 * The local S3 (SPEC §12): s3proxy in process, its objects as files in a directory (the state
 * directory's {@code s3/}) or in memory, checking SigV4 signatures (presigned URLs included)
 * against the devstack's local credentials.
 */
final class LocalS3 implements AutoCloseable {
    private final S3Proxy proxy;
    private final FaultyBlobStore store;

    private LocalS3(S3Proxy proxy, FaultyBlobStore store) {
        this.proxy = proxy;
        this.store = store;
    }

    /** @param directory where the objects are kept as files; null keeps them in memory */
    static LocalS3 start(Path directory, String... buckets) {
        FaultyBlobStore store = new FaultyBlobStore(directory == null ? new TransientNio2BlobStore() : new FilesystemNio2BlobStore(directory.toString()));
        S3Proxy proxy = S3Proxy.builder().blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, "local", "local")
                .build();
        try {
            proxy.start();
            for (int i = 0; i < 400 && !proxy.getState().equals("STARTED"); i++) Thread.sleep(25);
        } catch (Exception e) {
            throw new IllegalStateException("the local S3 server did not start", e);
        }
        LocalS3 s3 = new LocalS3(proxy, store);
        try (S3Client client = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(URI.create(s3.endpoint()))
                .forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
            for (String bucket : buckets) {
                if (client.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) client.createBucket(b -> b.bucket(bucket));
            }
        }
        return s3;
    }

    /** Where the tests inject S3 outages. */
    FaultyBlobStore store() {
        return store;
    }

    String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            // stopping anyway
        }
    }
}
