package dev.veriproof.evidence;

import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.evidence.ExportStore;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Starts evidence exports: stores the RUNNING job with its audit entry, then starts the state machine for it;
 * retries a FAILED one the same way, as its next run.
 */
final class ExportLauncher {
    private final ExportStore store;
    private final ExportStarter starter;
    private final Clock clock;

    ExportLauncher(ExportStore store, ExportStarter starter, Clock clock) {
        this.store = store;
        this.starter = starter;
        this.clock = clock;
    }

    /**
     * Stores the job and starts its execution. A job id that exists already (a retried start) starts
     * nothing new and answers the stored job. If the state machine cannot be started the job is FAILED.
     */
    record Launch(ExportJob job, boolean created) {}

    Launch start(String exportId, ExportRequest request, ExportJob.Trigger trigger, String actor) {
        Instant now = clock.instant();
        ExportJob job = new ExportJob(exportId, request, trigger, ExportJob.Status.RUNNING, now, actor,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 1, now);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("framework", request.framework().name());
        details.put("from", request.from().toString());
        details.put("to", request.to().toString());
        details.put("applications", request.applications());
        details.put("trigger", trigger.name());
        if (!store.create(job, new AuditEvent(actor, "exports.start", "export/" + exportId, details))) return new Launch(store.find(request.tenantId(), exportId).orElseThrow(), false);
        execute(job);
        return new Launch(job, true);
    }

    /**
     * Runs a FAILED export again as its next attempt (a new execution; the old run's late reports cannot end it).
     * Empty if the job is not FAILED or another retry came first.
     */
    Optional<ExportJob> retry(ExportJob failed, String actor) {
        int attempt = failed.attempt() + 1;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("attempt", attempt);
        details.put("previousFailure", failed.failureReason().orElse(""));
        if (!store.retry(failed.tenantId(), failed.exportId(), attempt, clock.instant(),
                new AuditEvent(actor, "exports.retry", "export/" + failed.exportId(), details))) {
            return Optional.empty();
        }
        ExportJob running = store.find(failed.tenantId(), failed.exportId()).orElseThrow();
        execute(running);
        return Optional.of(running);
    }

    /** If the state machine cannot be started the run is FAILED at once, and the error goes to the caller. */
    private void execute(ExportJob job) {
        try {
            starter.start(job.tenantId(), job.exportId(), job.attempt());
        } catch (RuntimeException e) {
            String reason = "the export could not be started: " + e.getMessage();
            store.failAttempt(job.tenantId(), job.exportId(), job.attempt(), reason, clock.instant(),
                    new AuditEvent(ExportService.ACTOR, "exports.fail", "export/" + job.exportId(), Map.of("reason", reason)));
            throw e;
        }
    }

}
