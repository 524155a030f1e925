package dev.veriproof.evidence;

import com.amazonaws.services.lambda.runtime.Context;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.dynamo.DynamoSettingsStore;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.adapters.telemetry.Telemetry;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.evidence.Quarter;
import dev.veriproof.core.governance.SettingsStore;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quarterly EventBridge schedule (SPEC §9): on the first day of a quarter, an ISO/IEC 42001
 * export of the previous quarter for every tenant that had sessions in it and has not turned
 * {@code quarterlyExport} off. The export id is derived from the quarter, so a schedule that fires
 * twice starts each tenant's export once (the second run lists the tenant as skipped), and a
 * quarter whose export FAILED is retried by the next run (listed as retried): a quarter is never
 * silently missing.
 */
public final class QuarterlyExportHandler extends PrimedHandler<Map<String, Object>, Map<String, Object>> {
    private static final String ACTOR = "schedule/quarterly-export";
    private final Tenants tenants;
    private final SettingsStore settings;
    private final DynamoSessionStore sessions;
    private final ExportLauncher launcher;
    private final Clock clock;

    public QuarterlyExportHandler() {
        this(new Tenants(AwsClients.dynamoDb(), Config.governanceTable()),
                new DynamoSettingsStore(AwsClients.dynamoDb(), Config.governanceTable(), Evidence.auditLog()),
                new DynamoSessionStore(AwsClients.dynamoDb(), Config.sessionsTable()), Evidence.exports(), SfnExportStarter.fromConfig(),
                Clock.systemUTC());
    }

    QuarterlyExportHandler(Tenants tenants, SettingsStore settings, DynamoSessionStore sessions, dev.veriproof.core.evidence.ExportStore exports,
                           ExportStarter starter, Clock clock) {
        this.tenants = tenants;
        this.settings = settings;
        this.sessions = sessions;
        this.launcher = new ExportLauncher(exports, starter, clock);
        this.clock = clock;
    }

    /** Every scheduled event starts exports: none is handled before the snapshot. */
    @Override
    protected Map<String, Object> primingEvent() {
        return null;
    }

    @Override
    protected void warmUp() {
        settings.get(PRIMING);
    }

    /** The input is the scheduled event; its {@code time} is the instant the schedule fired. */
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Telemetry.begin(context);
        Instant at = event != null && event.get("time") != null ? Instant.parse(event.get("time").toString()) : clock.instant();
        Quarter quarter = Quarter.previous(LocalDate.ofInstant(at, ZoneOffset.UTC));
        String exportId = "exp_" + quarter;
        List<String> started = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> retried = new ArrayList<>();
        for (String tenant : tenants.all()) {
            if (!settings.get(tenant).quarterlyExport() || !sessions.anyOnDays(tenant, quarter.from(), quarter.to())) {
                skipped.add(tenant);
                continue;
            }
            ExportRequest request = new ExportRequest(tenant, ExportRequest.Framework.ISO_42001, quarter.from(), quarter.to(), List.of());
            ExportLauncher.Launch launch = launcher.start(exportId, request, ExportJob.Trigger.SCHEDULE, ACTOR);
            if (launch.created()) started.add(tenant);
            else if (launch.job().status() == ExportJob.Status.FAILED && launcher.retry(launch.job(), ACTOR).isPresent()) retried.add(tenant);
            else skipped.add(tenant);
        }
        Log.info("quarterly evidence export", "quarter", quarter.toString(), "started", started, "retried", retried, "skipped", skipped);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("quarter", quarter.toString());
        result.put("exportId", exportId);
        result.put("started", started);
        result.put("retried", retried);
        result.put("skipped", skipped);
        return result;
    }
}
