package dev.veriproof.devstack;

import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The local bucket's store with S3 outages on demand, for the tests that take S3 away in the middle of
 * an export: after {@link #failWrites} the next {@code okWrites} writes (objects, parts, multipart
 * starts and completions, copies) succeed and the following {@code failing} ones fail: s3proxy answers
 * them with an error status, so the SDK client sees S3 refuse the write. Reads, lists, deletes and aborts always work, so cleanup can
 * be checked. Disarmed, it only forwards.
 */
final class FaultyBlobStore extends ForwardingBlobStore {
    private final AtomicInteger okWrites = new AtomicInteger(Integer.MAX_VALUE);
    private final AtomicInteger failing = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    FaultyBlobStore(BlobStore delegate) {
        super(delegate);
    }

    /** Lets {@code okWrites} more writes through, then fails {@code failing} writes (Integer.MAX_VALUE: until {@link #heal}). */
    void failWrites(int okWrites, int failing) {
        this.failing.set(failing);
        this.okWrites.set(okWrites);
    }

    void heal() {
        okWrites.set(Integer.MAX_VALUE);
        failing.set(0);
    }

    /** How many writes failed since this store started. */
    int failedWrites() {
        return failed.get();
    }

    private void write(String what) {
        if (okWrites.get() == Integer.MAX_VALUE) return;
        if (okWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) return;
        if (failing.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) > 0) {
            failed.incrementAndGet();
            throw new IllegalStateException("injected S3 outage: " + what + " refused");
        }
    }

    /**
     * s3proxy answers a CreateMultipartUpload on this store with two calls, the upload's start and then this put of
     * its marker; the marker is part of the one request already counted. Refusing it alone would leave an upload that
     * s3proxy lists but answers NoSuchUpload to when aborted, which no S3 outage can produce.
     */
    private static final String UPLOAD_MARKER = ".s3proxy-mpu-stub-";

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        if (!request.key().startsWith(UPLOAD_MARKER)) write("PutObject " + request.key());
        return super.putBlob(request, content);
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        write("CopyObject " + request.destinationKey());
        return super.copyBlob(request);
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        write("CreateMultipartUpload " + request.key());
        return super.initiateMultipartUpload(request);
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request, InputStream content) {
        write("UploadPart " + request.key() + " #" + request.partNumber());
        return super.uploadMultipartPart(upload, request, content);
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload, CompleteMultipartUploadRequest request) {
        write("CompleteMultipartUpload " + request.key());
        return super.completeMultipartUpload(upload, request);
    }
}
