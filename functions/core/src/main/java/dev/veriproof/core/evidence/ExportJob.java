package dev.veriproof.core.evidence;

import java.time.Instant;
import java.util.Optional;

/**
 * One evidence export as the API reports it (SPEC §9): {@code RUNNING} until the state machine
 * finalizes it as {@code SUCCEEDED} (with the package's S3 key) or {@code FAILED} (with a reason).
 * A FAILED export can be retried: {@code attempt} counts its runs, the current one started at
 * {@code attemptStartedAt}, and only that run's execution may end it.
 */
public record ExportJob(String exportId, ExportRequest request, Trigger trigger, Status status, Instant createdAt,
                        String createdBy, Optional<Instant> finishedAt, Optional<String> objectKey,
                        Optional<String> failureReason, Optional<Long> sessions, int attempt, Instant attemptStartedAt) {
    public ExportJob {
        if (attempt < 1) throw new IllegalArgumentException("attempt must be at least 1");
    }

    public enum Status { RUNNING, SUCCEEDED, FAILED }

    public enum Trigger { API, SCHEDULE }

    public String tenantId() {
        return request.tenantId();
    }
}
