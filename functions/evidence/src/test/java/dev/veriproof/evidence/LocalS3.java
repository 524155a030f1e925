package dev.veriproof.evidence;

import dev.veriproof.local.LocalDynamoDb;
import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** An in-process S3-compatible server (s3proxy, in-memory store) that checks SigV4 signatures, presigned URLs included. */
final class LocalS3 implements AutoCloseable {
    private final S3Proxy proxy;
    final String endpoint;

    private LocalS3(S3Proxy proxy) {
        this.proxy = proxy;
        this.endpoint = "http://127.0.0.1:" + proxy.getPort();
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

    S3Client client() {
        return S3Client.builder().httpClient(ApacheHttpClient.create()).endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                .region(LocalDynamoDb.REGION).credentialsProvider(credentials()).build();
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
        proxy.stop();
    }
}
