package dev.veriproof.evidence;

import dev.veriproof.adapters.Log;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;

/**
 * The state machine's steps of an evidence export (check, assemble the package into S3, finalize) and the failure path
 * (mark FAILED with the reason, discard the partial upload).
 */
final class ExportService {
    private final ExportStore store;
    private final EvidenceBucket bucket;
    private final PackageWriter writer;
    private final Clock clock;

    ExportService(ExportStore store, EvidenceBucket bucket, PackageWriter writer, Clock clock) {
        this.store = store;
        this.bucket = bucket;
        this.writer = writer;
        this.clock = clock;
    }

    static String objectKey(String tenantId, String exportId) {
        return "exports/" + tenantId + "/" + exportId + ".zip";
    }

    /** The job, which must still be RUNNING for the steps to go on. */
    ExportJob running(String tenantId, String exportId) {
        ExportJob job = store.find(tenantId, exportId).orElseThrow(() -> new IllegalStateException("no export " + exportId + " of tenant " + tenantId));
        if (job.status() != ExportJob.Status.RUNNING) throw new IllegalStateException("export " + exportId + " is " + job.status());
        return job;
    }

    /** Writes the package to S3; an earlier attempt's incomplete upload is discarded first. */
    PackageWriter.Result assemble(String tenantId, String exportId) {
        ExportJob job = running(tenantId, exportId);
        String key = objectKey(tenantId, exportId);
        bucket.abortUploads(key);
        MultipartUploadStream upload = bucket.upload(key);
        try {
            PackageWriter.Result result = writer.write(job, upload);
            upload.close();
            Log.info("evidence package written", "exportId", exportId, "sessions", result.sessions(), "bytes", upload.bytesWritten(),
                    "parts", upload.partsUploaded());
            return result;
        } catch (IOException | RuntimeException e) {
            upload.abort();
            if (e instanceof IOException io) throw new UncheckedIOException(io);
            throw (RuntimeException) e;
        }
    }

    /** RUNNING → SUCCEEDED; a repeated finalize of a SUCCEEDED job changes nothing. */
    void succeed(String tenantId, String exportId, long sessions) {
        store.succeed(tenantId, exportId, objectKey(tenantId, exportId), sessions, clock.instant());
    }

    /** RUNNING → FAILED with the reason, and no partial upload left behind. */
    void fail(String tenantId, String exportId, String reason) {
        store.fail(tenantId, exportId, reason, clock.instant());
        bucket.abortUploads(objectKey(tenantId, exportId));
    }
}
