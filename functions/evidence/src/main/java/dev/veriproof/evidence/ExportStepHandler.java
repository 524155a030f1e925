package dev.veriproof.evidence;

import com.amazonaws.services.lambda.runtime.Context;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.adapters.telemetry.Telemetry;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.json.Json;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evidence-export state machine's steps (infrastructure/statemachines/evidence-export.asl.json),
 * one Lambda each; the input is the execution's state {@code {tenantId, exportId, ...}}.
 * <ul>
 *   <li>{@link Check}: the job exists and is RUNNING; adds the period's {@code shards} to the state;</li>
 *   <li>{@link WriteShard} (in a Map over the shards, input {@code {tenantId, exportId, shard}}): writes the shard's
 *       session lines and facts to staging;</li>
 *   <li>{@link PackShard} (in a second Map over the shards, input {@code {tenantId, exportId, shard, index, written}} where
 *       {@code written} is every shard's {@code {sessions}} in order): packs the shard's staged lines into finished ZIP
 *       entries numbered after the files of the shards before it;</li>
 *   <li>{@link WriteReports} (a branch of the Parallel state per report group, input the state and {@code group}): writes
 *       the group's reports to staging (the posture group: the scorecard, gap analysis and incidents) and answers
 *       {@code {group, files}}, collected in the state's {@code reports};</li>
 *   <li>{@link Assemble}: joins the packed shards (S3 copies them), then writes the staged reports, VERIFY.md, the signed
 *       manifest and the central directory into the package in S3, and adds {@code sessions} and {@code manifestSha256}
 *       to the state;</li>
 *   <li>{@link Finalize}: marks it SUCCEEDED with an audit entry, publishes {@code evidence_package.ready} and deletes staging;</li>
 *   <li>{@link MarkFailed}: the Catch path, marks it FAILED with the error (and an audit entry) and discards staging and the
 *       partial upload.</li>
 * </ul>
 */
public abstract class ExportStepHandler extends PrimedHandler<Map<String, Object>, Map<String, Object>> {
    private volatile ExportService service;

    ExportStepHandler() {}

    ExportStepHandler(ExportService service) {
        this.service = service;
    }

    /** Every step works on a real export's objects: none is handled before the snapshot; the service is built. */
    @Override
    protected Map<String, Object> primingEvent() {
        return null;
    }

    @Override
    protected void warmUp() {
        service();
    }

    ExportService service() {
        if (service == null) {
            synchronized (this) {
                if (service == null) service = Evidence.service();
            }
        }
        return service;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Telemetry.begin(context);
        String tenantId = String.valueOf(input.get("tenantId"));
        String exportId = String.valueOf(input.get("exportId"));
        Map<String, Object> state = new LinkedHashMap<>(input);
        step(service(), tenantId, exportId, input, state);
        return state;
    }

    abstract void step(ExportService service, String tenantId, String exportId, Map<String, Object> input, Map<String, Object> state);

    public static final class Check extends ExportStepHandler {
        public Check() {}

        Check(ExportService service) { super(service); }

        @Override
        void step(ExportService service, String tenantId, String exportId, Map<String, Object> input, Map<String, Object> state) {
            List<Map<String, Object>> shards = new ArrayList<>();
            for (ExportService.Shard s : service.plan(tenantId, exportId)) {
                shards.add(Map.of("id", s.id(), "from", s.from().toString(), "to", s.to().toString()));
            }
            state.put("objectKey", ExportService.objectKey(tenantId, exportId));
            state.put("shards", shards);
        }
    }

    public static final class WriteShard extends ExportStepHandler {
        public WriteShard() {}

        WriteShard(ExportService service) { super(service); }

        @Override
        void step(ExportService service, String tenantId, String exportId, Map<String, Object> input, Map<String, Object> state) {
            Map<?, ?> shard = (Map<?, ?>) input.get("shard");
            state.put("sessions", service.writeShard(tenantId, exportId, new ExportService.Shard(String.valueOf(shard.get("id")),
                    LocalDate.parse(String.valueOf(shard.get("from"))), LocalDate.parse(String.valueOf(shard.get("to"))))));
        }
    }

    public static final class PackShard extends ExportStepHandler {
        public PackShard() {}

        PackShard(ExportService service) { super(service); }

        @Override
        void step(ExportService service, String tenantId, String exportId, Map<String, Object> input, Map<String, Object> state) {
            String shard = String.valueOf(((Map<?, ?>) input.get("shard")).get("id"));
            List<Long> written = new ArrayList<>();
            for (Object w : (List<?>) input.get("written")) written.add(((Number) ((Map<?, ?>) w).get("sessions")).longValue());
            int index = ((Number) input.get("index")).intValue();
            state.clear();
            state.put("sessions", service.packShard(tenantId, exportId, shard, ShardEntries.firstFile(written, index)));
        }
    }

    public static final class WriteReports extends ExportStepHandler {
        public WriteReports() {}

        WriteReports(ExportService service) { super(service); }

        /** A branch's result is only its group's staged files: the Parallel state collects them in {@code reports}. */
        @Override
        void step(ExportService service, String tenantId, String exportId, Map<String, Object> input, Map<String, Object> state) {
            ExportService.StagedReports staged = service.writeReports(tenantId, exportId,
                    ExportService.ReportGroup.of(String.valueOf(input.get("group"))), shardIds(input));
            state.clear();
            state.put("group", staged.group().id);
            state.put("files", staged.files());
        }
    }

    public static final class Assemble extends ExportStepHandler {
        public Assemble() {}

        Assemble(ExportService service) { super(service); }

        @Override
        void step(ExportService service, String tenantId, String exportId, Map<String, Object> input, Map<String, Object> state) {
            List<ExportService.StagedReports> reports = new ArrayList<>();
            for (Object item : (List<?>) input.getOrDefault("reports", List.of())) {
                Map<?, ?> r = (Map<?, ?>) item;
                List<String> files = ((List<?>) r.get("files")).stream().map(String::valueOf).toList();
                reports.add(new ExportService.StagedReports(ExportService.ReportGroup.of(String.valueOf(r.get("group"))), files));
            }
            PackageWriter.Result result = service.assemble(tenantId, exportId, shardIds(input), reports);
            state.remove("reports");
            state.put("sessions", result.sessions());
            state.put("manifestSha256", result.manifestSha256());
        }
    }

    private static List<String> shardIds(Map<String, Object> input) {
        List<String> shards = new ArrayList<>();
        for (Object shard : (List<?>) input.get("shards")) shards.add(String.valueOf(((Map<?, ?>) shard).get("id")));
        return shards;
    }

    public static final class Finalize extends ExportStepHandler {
        public Finalize() {}

        Finalize(ExportService service) { super(service); }

        @Override
        void step(ExportService service, String tenantId, String exportId, Map<String, Object> input, Map<String, Object> state) {
            ExportJob job = service.succeed(tenantId, exportId, ((Number) input.get("sessions")).longValue(), String.valueOf(input.get("manifestSha256")));
            ExportMetrics.succeeded(job);
        }
    }

    public static final class MarkFailed extends ExportStepHandler {
        public MarkFailed() {}

        MarkFailed(ExportService service) { super(service); }

        @SuppressWarnings("unchecked")
        @Override
        void step(ExportService service, String tenantId, String exportId, Map<String, Object> input, Map<String, Object> state) {
            Object error = input.get("error");
            String reason = "the export failed";
            if (error instanceof Map<?, ?> e) {
                String type = String.valueOf(e.get("Error"));
                String cause = cause((Map<String, Object>) e);
                reason = cause.startsWith(type) ? cause : type + ": " + cause;
            }
            Log.warn("evidence export failed", "exportId", exportId, "reason", reason);
            if (service.fail(tenantId, exportId, reason)) ExportMetrics.failed();
        }

        private static String cause(Map<String, Object> error) {
            Object cause = error.get("Cause");
            if (cause == null) return "";
            try {
                var json = Json.parse(cause.toString());
                if (json.hasNonNull("errorMessage")) return json.get("errorMessage").asText();
            } catch (RuntimeException notJson) {
                // the cause is plain text
            }
            return cause.toString();
        }
    }
}
