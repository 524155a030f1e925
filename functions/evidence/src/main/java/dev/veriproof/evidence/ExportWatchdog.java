package dev.veriproof.evidence;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.adapters.telemetry.Telemetry;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps an export from staying RUNNING forever when its execution dies without reaching MarkFailed.
 * <ul>
 *   <li>{@link ExecutionEnded}: Step Functions' "Execution Status Change" event (EventBridge rule on
 *       FAILED, TIMED_OUT and ABORTED) marks the run it names FAILED with the reason and an
 *       {@code exports.fail} audit entry, in one transaction; a repeated event, or one about an
 *       earlier run of a retried export, changes nothing.</li>
 *   <li>{@link Sweep}: on a schedule, marks FAILED every run still RUNNING after the state machine's
 *       timeout plus a margin: it cannot have a live execution (a crash between storing the job and
 *       starting it, or a status event that never came).</li>
 * </ul>
 */
public final class ExportWatchdog {
    private ExportWatchdog() {}

    static final Set<String> ENDED_WITHOUT_MARK_FAILED = Set.of("FAILED", "TIMED_OUT", "ABORTED");

    public static final class ExecutionEnded extends PrimedHandler<Map<String, Object>, Map<String, Object>> {
        private volatile ExportService service;

        public ExecutionEnded() {}

        ExecutionEnded(ExportService service) {
            this.service = service;
        }

        /** An execution that succeeded: read and ignored, so priming changes nothing. */
        @Override
        protected Map<String, Object> primingEvent() {
            return Map.of("detail", Map.of("status", "SUCCEEDED", "name", PRIMING, "input", "{}"));
        }

        @Override
        protected void warmUp() {
            service();
        }

        @Override
        public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
            Telemetry.begin(context);
            JsonNode detail = Json.mapper().valueToTree(event).path("detail");
            String status = detail.path("status").asText();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("status", status);
            if (!ENDED_WITHOUT_MARK_FAILED.contains(status)) {
                result.put("changed", false);
                return result;
            }
            JsonNode input = Json.parse(detail.path("input").asText("{}"));
            String tenantId = input.path("tenantId").asText();
            String exportId = input.path("exportId").asText();
            int attempt = input.path("attempt").asInt(1);
            String reason = "the execution " + detail.path("name").asText() + " ended " + status
                    + (detail.hasNonNull("error") ? ": " + detail.get("error").asText() : "")
                    + (detail.hasNonNull("cause") ? " (" + detail.get("cause").asText() + ")" : "");
            boolean changed = !tenantId.isEmpty() && !exportId.isEmpty() && service().failAttempt(tenantId, exportId, attempt, reason);
            if (changed) {
                Log.warn("evidence export ended by its execution's status", "exportId", exportId, "attempt", attempt, "reason", reason);
                ExportMetrics.failed();
            }
            result.put("exportId", exportId);
            result.put("changed", changed);
            return result;
        }

        private ExportService service() {
            if (service == null) {
                synchronized (this) {
                    if (service == null) service = Evidence.service();
                }
            }
            return service;
        }
    }

    public static final class Sweep extends PrimedHandler<Map<String, Object>, Map<String, Object>> {
        /** Beyond the timeout: the time Step Functions may take to end a timed-out execution and deliver its event. */
        static final Duration MARGIN = Duration.ofMinutes(15);

        private final Tenants tenants;
        private final ExportService service;
        private final Duration timeout;
        private final Clock clock;

        public Sweep() {
            this(new Tenants(AwsClients.dynamoDb(), Config.governanceTable()), Evidence.service(),
                    Duration.ofSeconds(Long.parseLong(Config.optional("EXPORT_TIMEOUT_SECONDS").orElse("7200"))), Clock.systemUTC());
        }

        Sweep(Tenants tenants, ExportService service, Duration timeout, Clock clock) {
            this.tenants = tenants;
            this.service = service;
            this.timeout = timeout;
            this.clock = clock;
        }

        /** Every run may mark jobs FAILED: none is handled before the snapshot. */
        @Override
        protected Map<String, Object> primingEvent() {
            return null;
        }

        @Override
        public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
            Telemetry.begin(context);
            Instant startedBefore = clock.instant().minus(timeout).minus(MARGIN);
            List<String> failed = new ArrayList<>();
            for (String tenant : tenants.all()) {
                for (ExportJob job : service.runningSince(tenant, startedBefore)) {
                    String reason = "no live execution: still RUNNING " + Duration.between(job.attemptStartedAt(), clock.instant()).toMinutes()
                            + " minutes after its run started, beyond the state machine's timeout of " + timeout.toMinutes() + " minutes";
                    if (service.failAttempt(tenant, job.exportId(), job.attempt(), reason)) {
                        failed.add(tenant + "/" + job.exportId());
                        ExportMetrics.failed();
                    }
                }
            }
            if (!failed.isEmpty()) Log.warn("stale evidence exports marked FAILED", "exports", failed);
            return Map.of("failed", failed);
        }
    }
}
