package dev.veriproof.core.evidence;

import java.time.Instant;
import java.util.Optional;

/**
 * One evidence export as the API reports it (SPEC §9): {@code RUNNING} until the state machine
 * finalizes it as {@code SUCCEEDED} (with the package's S3 key) or {@code FAILED} (with a reason).
 */
public record ExportJob(String exportId, ExportRequest request, Trigger trigger, Status status, Instant createdAt,
                        String createdBy, Optional<Instant> finishedAt, Optional<String> objectKey,
                        Optional<String> failureReason, Optional<Long> sessions) {
    public enum Status { RUNNING, SUCCEEDED, FAILED }

    public enum Trigger { API, SCHEDULE }

    public String tenantId() {
        return request.tenantId();
    }
}
