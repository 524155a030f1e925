package dev.veriproof.core.evidence;

import dev.veriproof.core.audit.AuditEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Evidence export jobs of a tenant. A job's start and end are administrative facts: each is written together with its
 * audit entry, or not at all.
 */
public interface ExportStore {
    /** Stores a new RUNNING job with the audit entry of its start; false if one with the same id exists (a retried start). */
    boolean create(ExportJob job, AuditEvent started);

    Optional<ExportJob> find(String tenantId, String exportId);

    /** The tenant's exports, newest first. */
    List<ExportJob> list(String tenantId);

    /** RUNNING → SUCCEEDED, with the audit entry; false if the job is not RUNNING any more (nothing written). */
    boolean succeed(String tenantId, String exportId, String objectKey, long sessions, Instant at, AuditEvent succeeded);

    /** RUNNING → FAILED with the reason, with the audit entry; false if the job is not RUNNING any more (nothing written). */
    boolean fail(String tenantId, String exportId, String reason, Instant at, AuditEvent failed);

    /**
     * RUNNING → FAILED like {@link #fail}, but only while {@code attempt} is the job's current run: a late
     * report about an earlier run's execution must not end a retry. False if nothing was written.
     */
    boolean failAttempt(String tenantId, String exportId, int attempt, String reason, Instant at, AuditEvent failed);

    /**
     * FAILED → RUNNING as run {@code attempt} (the previous one plus one), with the audit entry of the retry;
     * false if the job is not FAILED or another retry came first (nothing written).
     */
    boolean retry(String tenantId, String exportId, int attempt, Instant at, AuditEvent retried);

    /** Whether the notification that the package is ready has been published. */
    boolean readyNotified(String tenantId, String exportId);

    /** Records that the notification that the package is ready has been published. */
    void markReadyNotified(String tenantId, String exportId, Instant at);
}
