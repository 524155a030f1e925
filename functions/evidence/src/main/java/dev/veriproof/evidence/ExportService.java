package dev.veriproof.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.adapters.Log;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.events.EventBus;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.evidence.ExportStore;
import dev.veriproof.core.json.Json;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state machine's steps of an evidence export (plan the shards, write each shard's sessions to staging, assemble
 * the package into S3, finalize) and the failure path (mark FAILED with the reason, discard staging and the partial upload).
 */
final class ExportService {
    /** A contiguous range of the period's days whose sessions one WriteShard step writes; {@code id} orders them. */
    record Shard(String id, LocalDate from, LocalDate to) {}

    /** The groups of reports, one branch of the Parallel state each, in the order the package lists their files. */
    enum ReportGroup {
        SESSIONS("session-reports"), GOVERNANCE("governance-records"), AUDIT("audit-trail"), POSTURE("posture"),
        COMPLETENESS("completeness");

        final String id;

        ReportGroup(String id) {
            this.id = id;
        }

        static ReportGroup of(String id) {
            for (ReportGroup g : values()) if (g.id.equals(id)) return g;
            throw new IllegalArgumentException("no report group " + id);
        }
    }

    /** A group's report files in staging, in the order they were written. */
    record StagedReports(ReportGroup group, List<String> files) {}

    /** Who the audit log names for what the state machine does. */
    static final String ACTOR = "system/evidence-export";
    static final String READY_EVENT = "evidence_package.ready";

    private final ExportStore store;
    private final EvidenceBucket bucket;
    private final PackageWriter writer;
    private final EventBus bus;
    private final Clock clock;
    private final int shardDays;

    ExportService(ExportStore store, EvidenceBucket bucket, PackageWriter writer, EventBus bus, Clock clock, int shardDays) {
        if (shardDays < 1) throw new IllegalArgumentException("a shard has at least one day");
        this.store = store;
        this.bucket = bucket;
        this.writer = writer;
        this.bus = bus;
        this.clock = clock;
        this.shardDays = shardDays;
    }

    static String objectKey(String tenantId, String exportId) {
        return "exports/" + tenantId + "/" + exportId + ".zip";
    }

    static String stagingPrefix(String tenantId, String exportId) {
        return "staging/" + tenantId + "/" + exportId + "/";
    }

    static String sessionsKey(String tenantId, String exportId, String shard) {
        return stagingPrefix(tenantId, exportId) + "sessions/" + shard + ".jsonl";
    }

    static String reviewsKey(String tenantId, String exportId, String shard) {
        return stagingPrefix(tenantId, exportId) + "reviews/" + shard + ".jsonl";
    }

    static String factsKey(String tenantId, String exportId, String shard) {
        return stagingPrefix(tenantId, exportId) + "facts/" + shard + ".json";
    }

    /** Where a shard's packed session files are listed: which object holds them and each entry's offset, CRC-32, sizes and SHA-256. */
    static String packedKey(String tenantId, String exportId, String shard) {
        return stagingPrefix(tenantId, exportId) + "packed/" + shard + ".json";
    }

    static String reportKey(String tenantId, String exportId, String path) {
        return stagingPrefix(tenantId, exportId) + "reports/" + path;
    }

    /** The job, which must still be RUNNING for the steps to go on. */
    ExportJob running(String tenantId, String exportId) {
        ExportJob job = store.find(tenantId, exportId).orElseThrow(() -> new IllegalStateException("no export " + exportId + " of tenant " + tenantId));
        if (job.status() != ExportJob.Status.RUNNING) throw new IllegalStateException("export " + exportId + " is " + job.status());
        return job;
    }

    /** The period split into shards of at most {@code shardDays} days, in order. */
    List<Shard> plan(String tenantId, String exportId) {
        ExportRequest request = running(tenantId, exportId).request();
        List<Shard> shards = new ArrayList<>();
        for (LocalDate from = request.from(); !from.isAfter(request.to()); from = from.plusDays(shardDays)) {
            LocalDate to = from.plusDays(shardDays - 1L);
            shards.add(new Shard(String.format("%05d", shards.size() + 1), from, to.isAfter(request.to()) ? request.to() : to));
        }
        return shards;
    }

    /** Writes the shard's session lines, its part of the review trail and their facts to staging; a retried attempt overwrites them. */
    long writeShard(String tenantId, String exportId, Shard shard) {
        ExportJob job = running(tenantId, exportId);
        String sessionsKey = sessionsKey(tenantId, exportId, shard.id());
        String reviewsKey = reviewsKey(tenantId, exportId, shard.id());
        bucket.abortUploads(sessionsKey);
        bucket.abortUploads(reviewsKey);
        MultipartUploadStream sessions = bucket.upload(sessionsKey);
        MultipartUploadStream reviews;
        try {
            reviews = bucket.upload(reviewsKey);
        } catch (RuntimeException e) {
            // S3 refused the second upload: the first must not stay open under staging
            throw discarding(e, sessions::abort);
        }
        SessionFacts facts;
        try {
            facts = writer.writeShard(job.request(), shard.from(), shard.to(), sessions, reviews);
            sessions.close();
            reviews.close();
        } catch (IOException | RuntimeException e) {
            throw discarding(e, sessions::abort, reviews::abort);
        }
        bucket.put(factsKey(tenantId, exportId, shard.id()), facts.toJson());
        discardIfEnded(tenantId, exportId);
        return facts.tally.sessions();
    }

    /**
     * Packs the shard's staged session lines into finished ZIP entries (deflated, with CRC-32, sizes and SHA-256), named
     * from {@code firstFile} on, in a staged object of their own, then lists them. Each attempt writes a new object and
     * the listing, written last in one request, names it: a retried or replayed attempt, even one still running beside
     * its successor, leaves a listing that matches the object it names.
     */
    long packShard(String tenantId, String exportId, String shard, int firstFile) {
        ExportJob job = running(tenantId, exportId);
        String objectKey = stagingPrefix(tenantId, exportId) + "packed/" + shard + "-" + java.util.UUID.randomUUID() + ".zipparts";
        MultipartUploadStream upload = bucket.upload(objectKey);
        ShardEntries.Packed packed;
        try (InputStream lines = bucket.open(sessionsKey(tenantId, exportId, shard))) {
            packed = ShardEntries.write(lines, firstFile, ZipParts.dosTime(job.createdAt()), upload);
            upload.close();
        } catch (IOException | RuntimeException e) {
            throw discarding(e, upload::abort);
        }
        bucket.put(packedKey(tenantId, exportId, shard), packed.toJson(objectKey));
        discardIfEnded(tenantId, exportId);
        return packed.lines();
    }

    /**
     * Writes one group of reports to staging (a branch of the Parallel state, after every shard is written); a retried
     * attempt overwrites the files.
     */
    StagedReports writeReports(String tenantId, String exportId, ReportGroup group, List<String> shards) {
        ExportJob job = running(tenantId, exportId);
        StagingFiles files = new StagingFiles(tenantId, exportId);
        try {
            switch (group) {
                case SESSIONS -> writer.writeSessionReports(stagedFacts(tenantId, exportId, shards), out -> {
                    for (String shard : shards) {
                        try (InputStream in = bucket.open(reviewsKey(tenantId, exportId, shard))) {
                            in.transferTo(out);
                        }
                    }
                }, files);
                case GOVERNANCE -> writer.writeGovernanceReports(job.request(), files);
                case AUDIT -> writer.writeAuditReports(job.request(), files);
                case POSTURE -> writer.writePostureReports(job, files);
                case COMPLETENESS -> writer.writeCompletenessReports(job.request(), stagedFacts(tenantId, exportId, shards), files);
            }
        } catch (IOException | RuntimeException e) {
            throw discarding(e, files::abort);
        }
        discardIfEnded(tenantId, exportId);
        return new StagedReports(group, files.written);
    }

    /**
     * A step still running when another shard's or branch's failure ended the job (the Map and Parallel states do not
     * stop a task already invoked) would leave its files after MarkFailed's discard. Each step therefore looks at the
     * job after writing: MarkFailed marks the job before it discards, so either it sees this step's files or this step
     * sees the job ended and discards them itself.
     */
    private void discardIfEnded(String tenantId, String exportId) {
        ExportJob job = store.find(tenantId, exportId).orElseThrow();
        if (job.status() == ExportJob.Status.RUNNING) return;
        discard(tenantId, exportId);
        throw new IllegalStateException("export " + exportId + " ended (" + job.status() + ") while this step wrote to staging; its files are discarded");
    }

    /**
     * Joins the shards' packed session files, in order, into the package in S3 without reading them (S3 copies them),
     * then writes the staged reports, VERIFY.md, the signed manifest and the central directory; an earlier attempt's
     * incomplete upload is discarded first.
     */
    PackageWriter.Result assemble(String tenantId, String exportId, List<String> shards, List<StagedReports> reports) {
        ExportJob job = running(tenantId, exportId);
        Map<ReportGroup, StagedReports> byGroup = new EnumMap<>(ReportGroup.class);
        reports.forEach(r -> byGroup.put(r.group(), r));
        for (ReportGroup group : ReportGroup.values()) {
            if (!byGroup.containsKey(group)) throw new IllegalStateException("the " + group.id + " reports of export " + exportId + " are missing");
        }
        String key = objectKey(tenantId, exportId);
        bucket.abortUploads(key);
        MultipartUploadStream upload = bucket.upload(key);
        try {
            List<PackageWriter.PackedShard> packed = new ArrayList<>();
            for (String shard : shards) {
                try (InputStream in = bucket.open(packedKey(tenantId, exportId, shard))) {
                    JsonNode listing = Json.mapper().readTree(in);
                    packed.add(new PackageWriter.PackedShard(listing.get("object").asText(), ShardEntries.Packed.fromJson(listing)));
                }
            }
            PackageWriter.Result result = writer.write(job, upload, upload::append, packed, stagedFacts(tenantId, exportId, shards), files -> {
                for (ReportGroup group : ReportGroup.values()) {
                    for (String path : byGroup.get(group).files()) {
                        try (InputStream in = bucket.open(reportKey(tenantId, exportId, path)); var out = files.open(path)) {
                            in.transferTo(out);
                        }
                    }
                }
            });
            upload.close();
            Log.info("evidence package written", "exportId", exportId, "sessions", result.sessions(), "shards", shards.size(),
                    "bytes", upload.bytesWritten(), "parts", upload.partsUploaded());
            return result;
        } catch (IOException | RuntimeException e) {
            throw discarding(e, upload::abort);
        }
    }

    /** Discards what a failed step was uploading and gives its error to throw (an I/O error unchecked, for the state machine's Retry). */
    private static RuntimeException discarding(Exception error, Runnable... uploads) {
        for (Runnable abort : uploads) {
            try {
                abort.run();
            } catch (RuntimeException abortFailed) {
                // the step's own error is the one to report; MarkFailed's discard aborts what is still open
                error.addSuppressed(abortFailed);
            }
        }
        return error instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) error;
    }

    /** The facts of the staged shards' sessions, merged in the period's order. */
    private SessionFacts stagedFacts(String tenantId, String exportId, List<String> shards) throws IOException {
        SessionFacts facts = new SessionFacts();
        for (String shard : shards) {
            try (InputStream in = bucket.open(factsKey(tenantId, exportId, shard))) {
                facts.merge(SessionFacts.fromJson(Json.mapper().readTree(in)));
            }
        }
        return facts;
    }

    /** Report files written to staging one at a time, each as its own upload. */
    private final class StagingFiles implements ReportFiles {
        private final String tenantId;
        private final String exportId;
        private final List<String> written = new ArrayList<>();
        private MultipartUploadStream current;

        StagingFiles(String tenantId, String exportId) {
            this.tenantId = tenantId;
            this.exportId = exportId;
        }

        @Override
        public OutputStream open(String path) {
            current = bucket.upload(reportKey(tenantId, exportId, path));
            written.add(path);
            return new FilterOutputStream(current) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }
            };
        }

        void abort() {
            if (current != null) current.abort();
        }
    }

    /**
     * RUNNING → SUCCEEDED with its audit entry, then the {@value #READY_EVENT} notification, then staging removed.
     * Step Functions may run this again after any of the three: the job and the audit log change once, and the
     * notification is published until it is recorded as published (so at least once; its exportId names repeats).
     */
    ExportJob succeed(String tenantId, String exportId, long sessions, String manifestSha256) {
        String key = objectKey(tenantId, exportId);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("sessions", sessions);
        details.put("manifestSha256", manifestSha256);
        details.put("object", "s3://" + bucket.name() + "/" + key);
        store.succeed(tenantId, exportId, key, sessions, clock.instant(), new AuditEvent(ACTOR, "exports.complete", "export/" + exportId, details));
        ExportJob job = store.find(tenantId, exportId).orElseThrow();
        if (job.status() != ExportJob.Status.SUCCEEDED) throw new IllegalStateException("export " + exportId + " is " + job.status());
        if (!store.readyNotified(tenantId, exportId)) {
            bus.put(tenantId, READY_EVENT, new String(Json.write(readyEvent(job, manifestSha256)), StandardCharsets.UTF_8));
            store.markReadyNotified(tenantId, exportId, clock.instant());
        }
        bucket.deletePrefix(stagingPrefix(tenantId, exportId));
        return job;
    }

    private static ObjectNode readyEvent(ExportJob job, String manifestSha256) {
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("type", READY_EVENT);
        event.put("tenantId", job.tenantId());
        event.put("exportId", job.exportId());
        event.put("framework", job.request().framework().name());
        event.put("from", job.request().from().toString());
        event.put("to", job.request().to().toString());
        job.request().applications().forEach(event.putArray("applications")::add);
        event.put("trigger", job.trigger().name());
        event.put("sessions", job.sessions().orElse(0L));
        event.put("manifestSha256", manifestSha256);
        event.put("finishedAt", job.finishedAt().map(Object::toString).orElse(null));
        event.put("download", "GET /v1/exports/" + job.exportId() + "/download");
        return event;
    }

    /**
     * RUNNING → FAILED with the reason and its audit entry, and no staging or partial upload left behind;
     * true if this call ended the job.
     */
    boolean fail(String tenantId, String exportId, String reason) {
        boolean ended = store.fail(tenantId, exportId, reason, clock.instant(), failed(exportId, reason));
        discard(tenantId, exportId);
        return ended;
    }

    /**
     * Like {@link #fail}, for a run whose execution ended without reaching MarkFailed (Step Functions' status change
     * event, or the sweep): only while {@code attempt} is the job's current run. Staging and the partial upload are
     * discarded only when this call ended it, since a newer run may be writing them.
     */
    boolean failAttempt(String tenantId, String exportId, int attempt, String reason) {
        boolean ended = store.failAttempt(tenantId, exportId, attempt, reason, clock.instant(), failed(exportId, reason));
        if (ended) discard(tenantId, exportId);
        return ended;
    }

    /** RUNNING jobs of the tenant whose current run started before {@code startedBefore}. */
    List<ExportJob> runningSince(String tenantId, Instant startedBefore) {
        return store.list(tenantId).stream()
                .filter(j -> j.status() == ExportJob.Status.RUNNING && j.attemptStartedAt().isBefore(startedBefore)).toList();
    }

    private static AuditEvent failed(String exportId, String reason) {
        return new AuditEvent(ACTOR, "exports.fail", "export/" + exportId, Map.of("reason", reason));
    }

    private void discard(String tenantId, String exportId) {
        // a step that failed while writing a staged file leaves that file's multipart upload open
        bucket.abortUploads(stagingPrefix(tenantId, exportId));
        bucket.deletePrefix(stagingPrefix(tenantId, exportId));
        bucket.abortUploads(objectKey(tenantId, exportId));
    }
}
