package dev.veriproof.core.evidence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Evidence export jobs of a tenant. */
public interface ExportStore {
    /** Stores a new RUNNING job; false if one with the same id exists (a retried start). */
    boolean create(ExportJob job);

    Optional<ExportJob> find(String tenantId, String exportId);

    /** The tenant's exports, newest first. */
    List<ExportJob> list(String tenantId);

    /** RUNNING → SUCCEEDED; false if the job is not RUNNING any more. */
    boolean succeed(String tenantId, String exportId, String objectKey, long sessions, Instant at);

    /** RUNNING → FAILED with the reason; false if the job is not RUNNING any more. */
    boolean fail(String tenantId, String exportId, String reason, Instant at);
}
