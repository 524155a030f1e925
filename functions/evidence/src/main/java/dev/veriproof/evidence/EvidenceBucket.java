package dev.veriproof.evidence;

import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The evidence bucket: packages are written with a multipart upload and handed out as presigned GET
 * URLs. {@code EVIDENCE_BUCKET} names it; in the local runtime the SDK's endpoint setting for S3
 * points at an S3-compatible server (see AwsClients).
 */
final class EvidenceBucket {
    /** SPEC §9: a download link is valid for at most 15 minutes. */
    static final Duration MAX_LINK = Duration.ofMinutes(15);

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final int partSize;

    EvidenceBucket(S3Client s3, S3Presigner presigner, String bucket, int partSize) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.partSize = partSize;
    }

    static EvidenceBucket fromConfig() {
        // Not the URL-connection client of the other functions: it reuses pooled connections the
        // server has closed and, against s3proxy, failed about 1 small upload in 100 after all retries;
        // the Apache client checks idle connections before reuse. Start-up time does not matter here.
        // An S3-compatible server (the local runtime's) is addressed path-style: it has no bucket subdomains.
        boolean pathStyle = AwsClients.endpointOverride("S3").isPresent();
        S3Client client = AwsClients.create(S3Client.builder().forcePathStyle(pathStyle), ApacheHttpClient.builder());
        S3Presigner presigner = S3Presigner.builder()
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build()).build();
        return new EvidenceBucket(client, presigner, Config.required("EVIDENCE_BUCKET"), 16 * 1024 * 1024);
    }

    String name() {
        return bucket;
    }

    MultipartUploadStream upload(String key) {
        return new MultipartUploadStream(s3, bucket, key, partSize);
    }

    /** Aborts multipart uploads left under the key by an earlier, failed attempt. */
    void abortUploads(String key) {
        s3.listMultipartUploadsPaginator(l -> l.bucket(bucket).prefix(key)).uploads().forEach(u -> {
            try {
                s3.abortMultipartUpload(a -> a.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
            } catch (NoSuchUploadException alreadyEnded) {
                // completed or aborted since the listing: nothing is left to discard
            }
        });
    }

    void put(String key, byte[] bytes) {
        s3.putObject(p -> p.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }

    InputStream open(String key) {
        return s3.getObject(g -> g.bucket(bucket).key(key));
    }

    /** Deletes every object under the prefix, and the uploads left incomplete there. */
    void deletePrefix(String prefix) {
        abortUploads(prefix);
        s3.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(prefix)).contents().forEach(o ->
                s3.deleteObject(d -> d.bucket(bucket).key(o.key())));
    }

    URI presignGet(String key, Duration validity) {
        Duration d = validity.compareTo(MAX_LINK) > 0 ? MAX_LINK : validity;
        return URI.create(presigner.presignGetObject(p -> p.signatureDuration(d).getObjectRequest(g -> g.bucket(bucket).key(key)))
                .url().toString());
    }
}
