package dev.veriproof.evidence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** The multipart stream and presigned links against a real S3-compatible server that checks signatures. */
class MultipartUploadStreamTest {
    private static LocalS3 s3;
    private static EvidenceBucket bucket;
    private static S3Client client;

    @BeforeAll
    static void start() {
        s3 = LocalS3.start();
        bucket = s3.bucket("multipart-test", MultipartUploadStream.MIN_PART);
        client = s3.client();
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    @Test
    void streamsPartsAndCompletesOnClose() throws Exception {
        byte[] data = new byte[MultipartUploadStream.MIN_PART * 2 + 12345];
        new Random(7).nextBytes(data);
        MultipartUploadStream out = bucket.upload("big.bin");
        for (int i = 0; i < data.length; i += 100_000) out.write(data, i, Math.min(100_000, data.length - i));
        assertEquals(2, out.partsUploaded(), "full parts are uploaded while writing");
        out.close();
        assertEquals(3, out.partsUploaded());
        assertArrayEquals(data, client.getObjectAsBytes(b -> b.bucket("multipart-test").key("big.bin")).asByteArray());
    }

    @Test
    void appendedObjectsAreCopiedByS3WhereTheyMakeWholePartsAndReadOnlyToTopUpAPart() throws Exception {
        Random random = new Random(11);
        byte[] small = new byte[100_000];
        byte[] big = new byte[MultipartUploadStream.MIN_PART * 2 + 3];
        byte[] mid = new byte[MultipartUploadStream.MIN_PART + 1];
        random.nextBytes(small);
        random.nextBytes(big);
        random.nextBytes(mid);
        client.putObject(b -> b.bucket("multipart-test").key("src/small"), software.amazon.awssdk.core.sync.RequestBody.fromBytes(small));
        client.putObject(b -> b.bucket("multipart-test").key("src/big"), software.amazon.awssdk.core.sync.RequestBody.fromBytes(big));
        client.putObject(b -> b.bucket("multipart-test").key("src/mid"), software.amazon.awssdk.core.sync.RequestBody.fromBytes(mid));
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        MultipartUploadStream out = bucket.upload("stitched.bin");
        // from an empty part: big is copied whole; then small is read; mid tops the part up and its rest is read
        out.append("src/big", big.length);
        expected.write(big);
        assertEquals(1, out.partsUploaded(), "a big object is one copied part, nothing read");
        out.write("head".getBytes(StandardCharsets.UTF_8));
        expected.write("head".getBytes(StandardCharsets.UTF_8));
        out.append("src/small", small.length);
        expected.write(small);
        out.append("src/mid", mid.length);
        expected.write(mid);
        assertEquals(2, out.partsUploaded(), "the part being filled was topped up to the minimum from mid and sent");
        out.append("src/big", big.length);
        expected.write(big);
        out.write("tail".getBytes(StandardCharsets.UTF_8));
        expected.write("tail".getBytes(StandardCharsets.UTF_8));
        assertEquals(expected.size(), out.bytesWritten());
        out.close();
        assertArrayEquals(expected.toByteArray(), client.getObjectAsBytes(b -> b.bucket("multipart-test").key("stitched.bin")).asByteArray());
    }

    @Test
    void anEmptyStreamIsAnEmptyObject() throws Exception {
        bucket.upload("empty.bin").close();
        assertEquals(0, client.getObjectAsBytes(b -> b.bucket("multipart-test").key("empty.bin")).asByteArray().length);
    }

    /** An export stages many small and empty objects; over HttpURLConnection about 1 in 100 of these failed against s3proxy. */
    @Test
    void manySmallAndEmptyObjectsInARowAllComplete() throws Exception {
        for (int i = 0; i < 300; i++) {
            try (MultipartUploadStream out = bucket.upload("small/" + (i % 20) + ".jsonl")) {
                if (i % 3 == 0) out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (i % 3 == 1) bucket.put("small/put-" + (i % 20), new byte[i % 2 == 0 ? 0 : 64]);
        }
        assertEquals("line 297\n", client.getObjectAsBytes(b -> b.bucket("multipart-test").key("small/17.jsonl")).asUtf8String());
    }

    @Test
    void abortLeavesNoObjectAndNoUpload() throws Exception {
        MultipartUploadStream out = bucket.upload("aborted.bin");
        out.write(new byte[MultipartUploadStream.MIN_PART + 1]);
        out.abort();
        assertThrows(NoSuchKeyException.class, () -> client.getObject(b -> b.bucket("multipart-test").key("aborted.bin")));
        assertTrue(client.listMultipartUploads(b -> b.bucket("multipart-test").prefix("aborted.bin")).uploads().isEmpty());
    }

    /** S3 refusing the completion leaves the upload open: the step's abort must still discard it. */
    @Test
    void abortAfterARefusedCompletionDiscardsTheUpload() throws Exception {
        ExecutionInterceptor refuseCompletion = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof CompleteMultipartUploadRequest) throw SdkClientException.create("S3 is unavailable");
            }
        };
        S3Client refusing = s3.client(refuseCompletion);
        MultipartUploadStream out = new EvidenceBucket(refusing, s3.presigner(), "multipart-test", MultipartUploadStream.MIN_PART).upload("refused.bin");
        out.write("evidence".getBytes(StandardCharsets.UTF_8));
        assertThrows(IOException.class, out::close);
        assertEquals(1, client.listMultipartUploads(b -> b.bucket("multipart-test").prefix("refused.bin")).uploads().size());
        out.abort();
        assertTrue(client.listMultipartUploads(b -> b.bucket("multipart-test").prefix("refused.bin")).uploads().isEmpty());
        assertThrows(NoSuchKeyException.class, () -> client.getObject(b -> b.bucket("multipart-test").key("refused.bin")));
        refusing.close();
    }

    @Test
    void abortUploadsDiscardsAnEarlierAttemptsUpload() {
        bucket.upload("crashed.bin"); // started, never completed: a crashed attempt
        assertEquals(1, client.listMultipartUploads(b -> b.bucket("multipart-test").prefix("crashed.bin")).uploads().size());
        bucket.abortUploads("crashed.bin");
        assertTrue(client.listMultipartUploads(b -> b.bucket("multipart-test").prefix("crashed.bin")).uploads().isEmpty());
    }

    @Test
    void presignedLinksWorkAreCappedAtFifteenMinutesAndAreChecked() throws Exception {
        try (MultipartUploadStream out = bucket.upload("doc.txt")) {
            out.write("evidence".getBytes());
        }
        URI url = bucket.presignGet("doc.txt", Duration.ofHours(2));
        assertTrue(url.getQuery().contains("X-Amz-Expires=900"), url.toString());
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertEquals("evidence", ok.body());
        URI tampered = URI.create(url.toString().replace("doc.txt", "doc.txx"));
        assertEquals(403, http.send(HttpRequest.newBuilder(tampered).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        URI unsigned = URI.create(s3.endpoint + "/multipart-test/doc.txt");
        assertEquals(403, http.send(HttpRequest.newBuilder(unsigned).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
