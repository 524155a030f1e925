package dev.veriproof.evidence;

import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.evidence.ExportStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Starts evidence exports: stores the RUNNING job with its audit entry, then starts the state machine for it. */
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
        ExportJob job = new ExportJob(exportId, request, trigger, ExportJob.Status.RUNNING, clock.instant(), actor,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("framework", request.framework().name());
        details.put("from", request.from().toString());
        details.put("to", request.to().toString());
        details.put("applications", request.applications());
        details.put("trigger", trigger.name());
        if (!store.create(job, new AuditEvent(actor, "exports.start", "export/" + exportId, details))) return new Launch(store.find(request.tenantId(), exportId).orElseThrow(), false);
        try {
            starter.start(request.tenantId(), exportId);
        } catch (RuntimeException e) {
            String reason = "the export could not be started: " + e.getMessage();
            store.fail(request.tenantId(), exportId, reason, clock.instant(),
                    new AuditEvent(ExportService.ACTOR, "exports.fail", "export/" + exportId, Map.of("reason", reason)));
            throw e;
        }
        return new Launch(job, true);
    }

}
