package dev.veriproof.evidence;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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

    /** S3's maximum size of a part, and so of one UploadPartCopy. */
    static final long MAX_PART = 5L * 1024 * 1024 * 1024;

    /**
     * Appends the whole object {@code sourceKey} ({@code size} bytes) of the same bucket, as if its bytes were written:
     * S3 copies them server-side (UploadPartCopy) wherever they can make parts of at least {@link #MIN_PART}; only what
     * tops up the part being filled to that minimum, or a remainder smaller than it, is read through this stream. So
     * appending large objects costs requests, not bytes, and the memory stays one part.
     */
    void append(String sourceKey, long size) throws IOException {
        long at = 0;
        if (filled > 0) {
            long topUp = Math.min(size, MIN_PART - (long) filled);
            if (topUp > 0) {
                read(sourceKey, 0, topUp);
                at = topUp;
            }
            if (filled >= MIN_PART) flushPart();
        }
        long rest = size - at;
        if (rest >= MIN_PART && filled == 0) {
            // ranges of at most MAX_PART, all about equal so that none falls under MIN_PART
            long ranges = (rest + MAX_PART - 1) / MAX_PART;
            long each = (rest + ranges - 1) / ranges;
            for (long from = at; from < size; from += each) copyPart(sourceKey, from, Math.min(size, from + each) - 1);
        } else if (rest > 0) {
            read(sourceKey, at, size);
        }
    }

    private void read(String sourceKey, long from, long to) throws IOException {
        try (InputStream in = s3.getObject(g -> g.bucket(bucket).key(sourceKey).range("bytes=" + from + "-" + (to - 1)))) {
            byte[] buffer = new byte[64 * 1024];
            long left = to - from;
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; left -= n) write(buffer, 0, n);
            if (left != 0) throw new IOException("s3://" + bucket + "/" + sourceKey + " ended " + left + " bytes early");
        } catch (RuntimeException e) {
            throw new IOException("reading s3://" + bucket + "/" + sourceKey + " failed: " + e.getMessage(), e);
        }
    }

    private void copyPart(String sourceKey, long first, long last) throws IOException {
        int number = parts.size() + 1;
        try {
            String etag = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(sourceKey).copySourceRange("bytes=" + first + "-" + last)
                    .destinationBucket(bucket).destinationKey(key).uploadId(uploadId).partNumber(number)).copyPartResult().eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        } catch (RuntimeException e) {
            throw new IOException("copying s3://" + bucket + "/" + sourceKey + " into part " + number + " of s3://" + bucket + "/" + key
                    + " failed: " + e.getMessage(), e);
        }
        total += last - first + 1;
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
