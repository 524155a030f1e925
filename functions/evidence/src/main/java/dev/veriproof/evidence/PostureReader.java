package dev.veriproof.evidence;

import dev.veriproof.core.access.ApiKeyRecord;
import dev.veriproof.core.access.KeyStore;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.aggregation.DailyRollup;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.alerts.Alert;
import dev.veriproof.core.alerts.AlertRule;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.anchoring.AnchorLedger;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.audit.AuditLog;
import dev.veriproof.core.evidence.AnchoringIncidents;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportStore;
import dev.veriproof.core.governance.DeploymentRecord;
import dev.veriproof.core.governance.DeploymentStore;
import dev.veriproof.core.governance.GuardrailConfig;
import dev.veriproof.core.governance.GuardrailStore;
import dev.veriproof.core.governance.PlanItem;
import dev.veriproof.core.governance.PlanStore;
import dev.veriproof.core.governance.SdkHealthReport;
import dev.veriproof.core.governance.SdkTelemetryStore;
import dev.veriproof.core.posture.Incident;
import dev.veriproof.core.posture.IncidentStore;
import dev.veriproof.core.posture.Incidents;
import dev.veriproof.core.posture.PostureInputs;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * Reads the inputs of the ISO/IEC 42001 posture of a period from the governance table: per application its records and
 * daily rollups, the incidents, remediations, keys, exports and the audit log. The live Compliance Center endpoints and
 * the evidence package both read through here, so both compute the posture from the same inputs; sessions are never
 * read (their figures come from the rollups).
 */
final class PostureReader {
    /** Where the inputs come from. */
    record Stores(RollupStore rollups, IncidentStore incidents, AlertStore alerts, AnchorLedger anchoring, DeploymentStore deployments,
                  GuardrailStore guardrails, SdkTelemetryStore sdk, PlanStore plans, KeyStore keys, ExportStore exports, AuditLog audit) {}

    /** What a caller sees: the applications in view and whether tenant-wide records (anchoring failures) are in view. */
    record View(String tenantId, List<Application> applications, boolean tenantWide) {}

    /** Concurrent rollup reads, shared by every request of the JVM (daemon threads: they never keep it alive). */
    private static final ExecutorService READS = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "posture-rollup-read");
        t.setDaemon(true);
        return t;
    });

    private final Stores stores;

    PostureReader(Stores stores) {
        this.stores = stores;
    }

    /**
     * The inputs of the period from..to.
     *
     * @param self the export this posture is for, if it is a package's: only exports that succeeded before it count for 9.3
     */
    PostureInputs read(View view, LocalDate from, LocalDate to, Optional<ExportJob> self) {
        String tenant = view.tenantId();
        List<AlertRule> rules = stores.alerts().rules(tenant);
        // one read each for the whole tenant, counted per application: a request per application would make the
        // scorecard's time grow with the number of applications (docs/compliance-center.md, benchmark)
        Map<String, Long> signed = stores.deployments().listOfTenant(tenant).stream().filter(d -> d.signature() != null)
                .collect(Collectors.groupingBy(DeploymentRecord::applicationId, Collectors.counting()));
        Map<String, Long> versions = stores.guardrails().historyOfTenant(tenant).stream()
                .collect(Collectors.groupingBy(GuardrailConfig::applicationId, Collectors.counting()));
        Map<String, Long> health = stores.sdk().healthReportsOfTenant(tenant).stream().filter(r -> inPeriod(r.reportedAt(), from, to))
                .collect(Collectors.groupingBy(SdkHealthReport::applicationId, Collectors.counting()));
        Map<String, List<DailyRollup>> rollups = rollups(tenant, view.applications(), from, to);
        List<PostureInputs.App> apps = new ArrayList<>();
        for (Application a : view.applications()) {
            String id = a.applicationId();
            long activeRules = rules.stream().filter(r -> r.applicationId().equals("*") || r.applicationId().equals(id)).count();
            apps.add(new PostureInputs.App(id, a.declaredRiskLevel() != null, (int) activeRules, a.scoreTarget() > 0 ? a.scoreTarget() : null,
                    signed.getOrDefault(id, 0L).intValue(), a.redaction() != null && !a.redaction().changesNothing(),
                    versions.getOrDefault(id, 0L).intValue(), health.getOrDefault(id, 0L).intValue(), rollups.get(id)));
        }
        List<PlanItem> remediations = remediations(view);
        return new PostureInputs(from, to, apps, tenantFacts(tenant, from, to, self), incidents(view, from, to, remediations), remediations);
    }

    /**
     * Each application's rollups of the period. The reads are exact ranges, one per application (a tenant-wide read
     * would also read the days outside the period); they run concurrently, so that the time stays near one read's.
     */
    private Map<String, List<DailyRollup>> rollups(String tenant, List<Application> applications, LocalDate from, LocalDate to) {
        Map<String, CompletableFuture<List<DailyRollup>>> reads = new LinkedHashMap<>();
        for (Application a : applications) {
            reads.put(a.applicationId(), CompletableFuture.supplyAsync(() -> stores.rollups().read(tenant, a.applicationId(), from, to), READS));
        }
        Map<String, List<DailyRollup>> rollups = new HashMap<>();
        try {
            for (var read : reads.entrySet()) rollups.put(read.getKey(), read.getValue().join());
        } catch (CompletionException e) {
            reads.values().forEach(r -> r.cancel(false));
            if (e.getCause() instanceof RuntimeException cause) throw cause;
            throw e;
        }
        return rollups;
    }

    /** The incidents of the period in view, with their corrective actions. */
    List<Incident> incidents(View view, LocalDate from, LocalDate to) {
        return incidents(view, from, to, remediations(view));
    }

    private List<Incident> incidents(View view, LocalDate from, LocalDate to, List<PlanItem> remediations) {
        String tenant = view.tenantId();
        Set<String> ids = new TreeSet<>();
        view.applications().forEach(a -> ids.add(a.applicationId()));
        List<Alert> alerts = stores.alerts().alerts(tenant);
        AnchoringIncidents anchoring = AnchoringIncidents.of(stores.anchoring().incidents(), at -> inPeriod(at, from, to),
                stores.anchoring().lastAnchoredAt());
        return Incidents.of(from, to, ids, view.tenantWide(), alerts, stores.incidents().list(tenant, from, to), anchoring, remediations);
    }

    /** The remediation items in view: those of the applications in view, and the tenant-wide ones for a tenant-wide view. */
    private List<PlanItem> remediations(View view) {
        Set<String> ids = new TreeSet<>();
        view.applications().forEach(a -> ids.add(a.applicationId()));
        return stores.plans().list(view.tenantId(), PlanItem.Kind.REMEDIATION).stream()
                .filter(r -> r.applicationId() == null ? view.tenantWide() : ids.contains(r.applicationId())).toList();
    }

    private PostureInputs.Tenant tenantFacts(String tenant, LocalDate from, LocalDate to, Optional<ExportJob> self) {
        AuditFacts audit = auditFacts(tenant);
        int auditorKeys = 0;
        for (ApiKeyRecord k : stores.keys().list(tenant)) if (k.role() == Role.AUDITOR && k.revokedAt() == null) auditorKeys++;
        int exports = 0;
        for (ExportJob other : stores.exports().list(tenant)) {
            if (other.status() != ExportJob.Status.SUCCEEDED || !inPeriod(other.createdAt(), from, to)) continue;
            if (self.isPresent() && (other.exportId().equals(self.get().exportId()) || !other.createdAt().isBefore(self.get().createdAt()))) continue;
            exports++;
        }
        return new PostureInputs.Tenant(exports, audit.keyAssignments, auditorKeys, audit.downloads, audit.chain.intact());
    }

    /** The audit log's figures, from one walk over it, page by page. */
    static final class AuditFacts {
        int keyAssignments;
        int downloads;
        final AuditChain.Walk chain = new AuditChain.Walk();

        void add(AuditEntry e) {
            if (e.action().startsWith("key.")) keyAssignments++;
            if (e.action().equals("exports.download")) downloads++;
            chain.add(e);
        }
    }

    private AuditFacts auditFacts(String tenant) {
        AuditFacts facts = new AuditFacts();
        for (long after = 0; ; ) {
            List<AuditEntry> page = stores.audit().list(tenant, after, 1000);
            if (page.isEmpty()) break;
            page.forEach(facts::add);
            after = page.get(page.size() - 1).seq();
        }
        return facts;
    }

    static boolean inPeriod(Instant at, LocalDate from, LocalDate to) {
        if (at == null) return false;
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        return !day.isBefore(from) && !day.isAfter(to);
    }
}
