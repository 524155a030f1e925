package dev.veriproof.evidence;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.governance.DeploymentStore;
import dev.veriproof.core.governance.GuardrailConfig;
import dev.veriproof.core.governance.GuardrailStore;
import dev.veriproof.core.governance.PlanItem;
import dev.veriproof.core.governance.PlanStore;
import dev.veriproof.core.governance.SdkTelemetryStore;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.risk.RiskStore;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The reports drawn from the governance records of the package's applications: guardrail configuration history,
 * deployment context, SDK versions, risk classification history, and the remediation items and roadmap.
 */
final class GovernanceReports {
    record Stores(GuardrailStore guardrails, DeploymentStore deployments, SdkTelemetryStore sdk, RiskStore risks, PlanStore plans) {}

    private final Stores stores;

    GovernanceReports(Stores stores) {
        this.stores = stores;
    }

    void write(ExportRequest request, List<Application> apps, ReportFiles files) throws IOException {
        String tenant = request.tenantId();
        ArrayNode guardrails = Json.mapper().createArrayNode();
        for (Application a : apps) {
            for (GuardrailConfig c : stores.guardrails().history(tenant, a.applicationId())) guardrails.add(Views.tree(c, Set.of("tenantId")));
        }
        files.json("guardrail-config-history.json", guardrails);

        try (OutputStream out = files.open("deployment-context.jsonl")) {
            for (Application a : apps) {
                for (var d : stores.deployments().list(tenant, a.applicationId())) ReportFiles.line(out, Views.tree(d, Set.of("tenantId")));
            }
        }

        ObjectNode sdk = Json.mapper().createObjectNode();
        for (Application a : apps) {
            ObjectNode app = sdk.putObject(a.applicationId());
            app.set("versions", Views.tree(stores.sdk().versions(tenant, a.applicationId()), Set.of("tenantId")));
            app.put("healthReportsInPeriod", stores.sdk().healthReports(tenant, a.applicationId()).stream()
                    .filter(r -> PostureReader.inPeriod(r.reportedAt(), request.from(), request.to())).count());
        }
        files.json("sdk-versions.json", sdk);

        try (OutputStream out = files.open("risk-classification-history.jsonl")) {
            for (Application a : apps) {
                for (var change : stores.risks().history(tenant, a.applicationId())) {
                    ObjectNode node = Json.mapper().createObjectNode();
                    node.put("applicationId", a.applicationId());
                    node.setAll((ObjectNode) Views.tree(change, Set.of()));
                    ReportFiles.line(out, node);
                }
            }
        }

        Set<String> ids = new TreeSet<>();
        apps.forEach(a -> ids.add(a.applicationId()));
        ObjectNode plans = Json.mapper().createObjectNode();
        plans.set("remediations", plans(tenant, PlanItem.Kind.REMEDIATION, ids));
        plans.set("roadmap", plans(tenant, PlanItem.Kind.ROADMAP, ids));
        files.json("remediation-and-roadmap.json", plans);
    }

    /** The items of the package's applications and the tenant-wide ones, as GET /v1/remediations and /v1/roadmap answer them. */
    private ArrayNode plans(String tenant, PlanItem.Kind kind, Set<String> applications) {
        ArrayNode list = Json.mapper().createArrayNode();
        for (PlanItem item : stores.plans().list(tenant, kind)) {
            if (item.applicationId() == null || applications.contains(item.applicationId())) list.add(Json.mapper().valueToTree(item.view()));
        }
        return list;
    }
}
