package dev.veriproof.scoring;

import com.amazonaws.services.lambda.runtime.Context;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.dynamo.DynamoSdkTelemetryStore.TenantSdkState;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.core.alerts.AlertRule;
import dev.veriproof.core.alerts.MetricCheck;
import dev.veriproof.core.governance.SdkHealthState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The SDK health watch (scheduled every minute): evaluates every tenant's SDK_CIRCUIT_BREAKER_OPEN,
 * SDK_EXPORT_SUCCESS_BELOW and SDK_SILENT rules against the latest health report of each SDK
 * version of each application, opening and resolving their alerts. On a clock because silence sends
 * no event. Idempotent: a tick with nothing new leaves open alerts as they are.
 */
public final class SdkHealthWatchHandler extends PrimedHandler<Map<String, Object>, Map<String, Object>> {
    private final Supplier<List<TenantSdkState>> states;
    private final Function<String, List<AlertRule>> rules;
    private final Aggregation aggregation;
    private final Clock clock;

    public SdkHealthWatchHandler() {
        this(Scoring.sdk()::sdkStatesOfAllTenants, Scoring.alerts()::rules, Scoring.aggregation(Clock.systemUTC()), Clock.systemUTC());
    }

    SdkHealthWatchHandler(Supplier<List<TenantSdkState>> states, Function<String, List<AlertRule>> rules, Aggregation aggregation, Clock clock) {
        this.states = states;
        this.rules = rules;
        this.aggregation = aggregation;
        this.clock = clock;
    }

    /** Every tick evaluates and may open alerts: none is handled before the snapshot. */
    @Override
    protected Map<String, Object> primingEvent() {
        return null;
    }

    @Override
    protected void warmUp() {
        MetricCheck.class.getName();
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Instant now = clock.instant();
        Map<String, Map<String, List<SdkHealthState>>> byTenant = new TreeMap<>();
        for (TenantSdkState s : states.get()) {
            byTenant.computeIfAbsent(s.tenantId(), t -> new TreeMap<>())
                    .computeIfAbsent(s.state().applicationId(), a -> new ArrayList<>()).add(s.state());
        }
        int evaluated = 0, failedTenants = 0;
        for (Map.Entry<String, Map<String, List<SdkHealthState>>> tenant : byTenant.entrySet()) {
            try {
                List<AlertRule> sdkRules = rules.apply(tenant.getKey()).stream().filter(r -> r.kind().isSdk()).toList();
                for (AlertRule rule : sdkRules) {
                    for (Map.Entry<String, List<SdkHealthState>> app : tenant.getValue().entrySet()) {
                        if (!rule.appliesTo(app.getKey())) continue;
                        aggregation.settle(rule, app.getKey(), MetricCheck.ofSdk(rule, app.getValue(), now), false, now);
                        evaluated++;
                    }
                }
            } catch (RuntimeException e) {
                failedTenants++;
                Log.error("SDK health rules failed", e, "tenantId", tenant.getKey());
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("tenants", byTenant.size());
        summary.put("evaluated", evaluated);
        summary.put("failedTenants", failedTenants);
        return summary;
    }
}
