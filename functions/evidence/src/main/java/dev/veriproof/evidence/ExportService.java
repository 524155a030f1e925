package dev.veriproof.evidence;

import dev.veriproof.adapters.Log;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.evidence.ExportStore;
import dev.veriproof.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The state machine's steps of an evidence export (plan the shards, write each shard's sessions to staging, assemble
 * the package into S3, finalize) and the failure path (mark FAILED with the reason, discard staging and the partial upload).
 */
final class ExportService {
    /** A contiguous range of the period's days whose sessions one WriteShard step writes; {@code id} orders them. */
    record Shard(String id, LocalDate from, LocalDate to) {}

    private final ExportStore store;
    private final EvidenceBucket bucket;
    private final PackageWriter writer;
    private final Clock clock;
    private final int shardDays;

    ExportService(ExportStore store, EvidenceBucket bucket, PackageWriter writer, Clock clock, int shardDays) {
        if (shardDays < 1) throw new IllegalArgumentException("a shard has at least one day");
        this.store = store;
        this.bucket = bucket;
        this.writer = writer;
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

    static String factsKey(String tenantId, String exportId, String shard) {
        return stagingPrefix(tenantId, exportId) + "facts/" + shard + ".json";
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

    /** Writes the shard's session lines and their facts to staging; a retried attempt overwrites both. */
    long writeShard(String tenantId, String exportId, Shard shard) {
        ExportJob job = running(tenantId, exportId);
        String key = sessionsKey(tenantId, exportId, shard.id());
        bucket.abortUploads(key);
        MultipartUploadStream upload = bucket.upload(key);
        PackageWriter.SessionFacts facts;
        try {
            facts = writer.writeShard(job.request(), shard.from(), shard.to(), upload);
            upload.close();
        } catch (IOException | RuntimeException e) {
            upload.abort();
            if (e instanceof IOException io) throw new UncheckedIOException(io);
            throw (RuntimeException) e;
        }
        bucket.put(factsKey(tenantId, exportId, shard.id()), facts.toJson());
        return facts.tally.sessions();
    }

    /** Streams the staged shards, in order, into the package in S3; an earlier attempt's incomplete upload is discarded first. */
    PackageWriter.Result assemble(String tenantId, String exportId, List<String> shards) {
        ExportJob job = running(tenantId, exportId);
        String key = objectKey(tenantId, exportId);
        bucket.abortUploads(key);
        MultipartUploadStream upload = bucket.upload(key);
        try {
            PackageWriter.Result result = writer.write(job, upload, files -> {
                PackageWriter.SessionFacts facts = new PackageWriter.SessionFacts();
                for (String shard : shards) {
                    PackageWriter.SessionFacts shardFacts;
                    try (InputStream in = bucket.open(factsKey(tenantId, exportId, shard))) {
                        shardFacts = PackageWriter.SessionFacts.fromJson(Json.mapper().readTree(in));
                    }
                    try (BufferedReader lines = new BufferedReader(new InputStreamReader(bucket.open(sessionsKey(tenantId, exportId, shard)),
                            StandardCharsets.UTF_8))) {
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) files.add(line.getBytes(StandardCharsets.UTF_8));
                    }
                    facts.merge(shardFacts);
                }
                return facts;
            });
            upload.close();
            Log.info("evidence package written", "exportId", exportId, "sessions", result.sessions(), "shards", shards.size(),
                    "bytes", upload.bytesWritten(), "parts", upload.partsUploaded());
            return result;
        } catch (IOException | RuntimeException e) {
            upload.abort();
            if (e instanceof IOException io) throw new UncheckedIOException(io);
            throw (RuntimeException) e;
        }
    }

    /** RUNNING → SUCCEEDED, staging removed; a repeated finalize of a SUCCEEDED job changes nothing. */
    void succeed(String tenantId, String exportId, long sessions) {
        store.succeed(tenantId, exportId, objectKey(tenantId, exportId), sessions, clock.instant());
        bucket.deletePrefix(stagingPrefix(tenantId, exportId));
    }

    /** RUNNING → FAILED with the reason, and no staging or partial upload left behind. */
    void fail(String tenantId, String exportId, String reason) {
        store.fail(tenantId, exportId, reason, clock.instant());
        bucket.deletePrefix(stagingPrefix(tenantId, exportId));
        bucket.abortUploads(objectKey(tenantId, exportId));
    }
}
