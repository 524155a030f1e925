package dev.veriproof.evidence;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Streams an object of unknown size to S3 with a multipart upload, holding one part in memory at a
 * time (the buffer grows to the part size as data comes, so a small object holds little, and a part
 * is sent from the buffer without a copy). {@link #close()} uploads the last part and completes the
 * upload; {@link #abort()} discards it (a bucket lifecycle rule also aborts uploads left incomplete
 * by a crash).
 */
final class MultipartUploadStream extends OutputStream {
    /** S3's minimum size of every part but the last. */
    static final int MIN_PART = 5 * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String uploadId;
    private final int partSize;
    private byte[] part = new byte[64 * 1024];
    private final List<CompletedPart> parts = new ArrayList<>();
    private int filled;
    private long total;
    private boolean closed;
    private boolean ended;

    MultipartUploadStream(S3Client s3, String bucket, String key, int partSize) {
        if (partSize < MIN_PART) throw new IllegalArgumentException("parts must be at least 5 MiB");
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.partSize = partSize;
        this.uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType("application/zip")).uploadId();
    }

    @Override
    public void write(int b) throws IOException {
        makeRoom();
        part[filled++] = (byte) b;
        total++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            makeRoom();
            int n = Math.min(len, part.length - filled);
            System.arraycopy(b, off, part, filled, n);
            filled += n;
            off += n;
            len -= n;
            total += n;
        }
    }

    /** A full part is sent; a full buffer smaller than a part doubles. */
    private void makeRoom() throws IOException {
        if (filled < part.length) return;
        if (part.length < partSize) part = Arrays.copyOf(part, Math.min(partSize, part.length * 2));
        else flushPart();
    }

    private void flushPart() throws IOException {
        int number = parts.size() + 1;
        byte[] bytes = part;
        int length = filled;
        // streamed from the buffer (each retry gets a new stream over it): RequestBody.fromBytes would copy the part
        RequestBody body = RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length, "application/octet-stream");
        try {
            String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number).contentLength((long) length),
                    body).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        } catch (RuntimeException e) {
            throw new IOException("uploading part " + number + " of s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
        filled = 0;
    }

    long bytesWritten() {
        return total;
    }

    int partsUploaded() {
        return parts.size();
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        if (filled > 0 || parts.isEmpty()) flushPart();
        try {
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
            ended = true;
        } catch (RuntimeException e) {
            throw new IOException("completing s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Discards the upload unless it was completed (a {@link #close()} whose last part or completion S3 refused leaves
     * it open, so it is aborted too); nothing becomes visible under the key.
     */
    void abort() {
        if (ended) return;
        closed = true;
        ended = true;
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    }
}
