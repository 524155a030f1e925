package dev.veriproof.evidence;

import dev.veriproof.adapters.DaemonPools;
import dev.veriproof.core.access.ApiKeyRecord;
import dev.veriproof.core.access.KeyStore;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.aggregation.DailyRollup;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.alerts.Alert;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.anchoring.AnchorLedger;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.audit.AuditCheckpoint;
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
import dev.veriproof.core.posture.Iso42001;
import dev.veriproof.core.posture.PostureInputs;
import dev.veriproof.core.posture.SessionIncident;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads the inputs of the ISO/IEC 42001 posture of a period from the governance table: per application its records and
 * daily rollups, the incidents, remediations, keys, exports and the audit log. The live Compliance Center endpoints and
 * the evidence package both read through here, so both compute the posture from the same inputs; sessions are never
 * read (their figures come from the rollups).
 *
 * <p>The reads do not depend on one another, so they all start at once, {@value #CONCURRENT_READS} at a time, and the
 * caller's view (which lists the applications) is taken while they run: a request takes about as long as its slowest
 * read, not the sum of ~15 (issue 16: the first request after SnapStart priming within 50 ms; docs/compliance-center.md).
 */
final class PostureReader {
    /** Where the inputs come from. */
    record Stores(RollupStore rollups, IncidentStore incidents, AlertStore alerts, AnchorLedger anchoring, DeploymentStore deployments,
                  GuardrailStore guardrails, SdkTelemetryStore sdk, PlanStore plans, KeyStore keys, ExportStore exports, AuditLog audit) {}

    /** What a caller sees: the applications in view and whether tenant-wide records (anchoring failures) are in view. */
    record View(String tenantId, List<Application> applications, boolean tenantWide) {}

    static final int CONCURRENT_READS = 8;

    /** The reads, shared by every request of the JVM (daemon threads: they never keep it alive). */
    private static final ExecutorService READS = DaemonPools.fixed(CONCURRENT_READS, "posture-read");

    private final Stores stores;

    PostureReader(Stores stores) {
        this.stores = stores;
    }

    /**
     * The inputs of the period from..to, for the view that {@code view} gives (called on this thread while the tenant's
     * records are read: an exception it throws, such as a 404 for an application the caller may not read, is thrown
     * from here as it was thrown).
     *
     * @param self the export this posture is for, if it is a package's: only exports that succeeded before it count for 9.3
     */
    PostureInputs read(String tenant, Supplier<View> view, LocalDate from, LocalDate to, Optional<ExportJob> self) {
        try (Reads reads = new Reads()) {
            // one read each for the whole tenant, counted per application: a request per application would make the
            // scorecard's time grow with the number of applications (docs/compliance-center.md, benchmark)
            var rules = reads.start(() -> stores.alerts().rules(tenant));
            var signed = reads.start(() -> stores.deployments().listOfTenant(tenant).stream().filter(d -> d.signature() != null)
                    .collect(Collectors.groupingBy(DeploymentRecord::applicationId, Collectors.counting())));
            var versions = reads.start(() -> stores.guardrails().historyOfTenant(tenant).stream()
                    .collect(Collectors.groupingBy(GuardrailConfig::applicationId, Collectors.counting())));
            var health = reads.start(() -> stores.sdk().healthReportsOfTenant(tenant).stream().filter(r -> inPeriod(r.reportedAt(), from, to))
                    .collect(Collectors.groupingBy(SdkHealthReport::applicationId, Collectors.counting())));
            var plans = reads.start(() -> stores.plans().list(tenant, PlanItem.Kind.REMEDIATION));
            var audit = reads.start(() -> auditFacts(tenant));
            var keys = reads.start(() -> stores.keys().list(tenant));
            var exports = reads.start(() -> stores.exports().list(tenant));
            IncidentReads incidentReads = incidentReads(reads, tenant, from, to);
            View v = view.get();
            // exact ranges, one per application (a tenant-wide read would also read the days outside the period), with
            // only the counters the posture reads
            Map<String, CompletableFuture<List<DailyRollup>>> rollups = new LinkedHashMap<>();
            for (Application a : v.applications()) {
                rollups.put(a.applicationId(), reads.start(() -> stores.rollups().read(tenant, a.applicationId(), from, to, Iso42001.COUNTERS)));
            }
            List<PostureInputs.App> apps = new ArrayList<>();
            for (Application a : v.applications()) {
                String id = a.applicationId();
                long activeRules = reads.join(rules).stream().filter(r -> r.applicationId().equals("*") || r.applicationId().equals(id)).count();
                apps.add(new PostureInputs.App(id, a.declaredRiskLevel() != null, (int) activeRules, a.scoreTarget() > 0 ? a.scoreTarget() : null,
                        reads.join(signed).getOrDefault(id, 0L).intValue(), a.redaction() != null && !a.redaction().changesNothing(),
                        reads.join(versions).getOrDefault(id, 0L).intValue(), reads.join(health).getOrDefault(id, 0L).intValue(),
                        reads.join(rollups.get(id))));
            }
            List<PlanItem> remediations = inView(v, reads.join(plans));
            PostureInputs.Tenant facts = tenantFacts(reads.join(audit), reads.join(keys), reads.join(exports), from, to, self);
            return new PostureInputs(from, to, apps, facts, incidentReads.incidents(reads, v, from, to, remediations), remediations);
        }
    }

    /** The incidents of the period in view, with their corrective actions. */
    List<Incident> incidents(String tenant, Supplier<View> view, LocalDate from, LocalDate to) {
        try (Reads reads = new Reads()) {
            var plans = reads.start(() -> stores.plans().list(tenant, PlanItem.Kind.REMEDIATION));
            IncidentReads incidentReads = incidentReads(reads, tenant, from, to);
            View v = view.get();
            return incidentReads.incidents(reads, v, from, to, inView(v, reads.join(plans)));
        }
    }

    private record IncidentReads(CompletableFuture<List<Alert>> alerts, CompletableFuture<List<SessionIncident>> sessions,
                                 CompletableFuture<List<AnchorLedger.Incident>> anchoringFailures, CompletableFuture<Optional<Instant>> lastAnchoredAt) {
        List<Incident> incidents(Reads reads, View view, LocalDate from, LocalDate to, List<PlanItem> remediations) {
            Set<String> ids = new TreeSet<>();
            view.applications().forEach(a -> ids.add(a.applicationId()));
            AnchoringIncidents anchoring = AnchoringIncidents.of(reads.join(anchoringFailures), at -> inPeriod(at, from, to), reads.join(lastAnchoredAt));
            return Incidents.of(from, to, ids, view.tenantWide(), reads.join(alerts), reads.join(sessions), anchoring, remediations);
        }
    }

    private IncidentReads incidentReads(Reads reads, String tenant, LocalDate from, LocalDate to) {
        return new IncidentReads(reads.start(() -> stores.alerts().alerts(tenant)), reads.start(() -> stores.incidents().list(tenant, from, to)),
                reads.start(() -> stores.anchoring().incidents()), reads.start(() -> stores.anchoring().lastAnchoredAt()));
    }

    /** The remediation items in view: those of the applications in view, and the tenant-wide ones for a tenant-wide view. */
    private static List<PlanItem> inView(View view, List<PlanItem> remediations) {
        Set<String> ids = new TreeSet<>();
        view.applications().forEach(a -> ids.add(a.applicationId()));
        return remediations.stream().filter(r -> r.applicationId() == null ? view.tenantWide() : ids.contains(r.applicationId())).toList();
    }

    /**
     * Reads started together on {@link #READS}. {@link #join} gives a read's result or throws what the read threw (the
     * store's own exception, not a wrapper), so a failed read answers as it did when the reads ran one after the other;
     * closing cancels the reads not yet started.
     */
    private static final class Reads implements AutoCloseable {
        private final List<CompletableFuture<?>> started = new ArrayList<>();

        <T> CompletableFuture<T> start(Supplier<T> read) {
            CompletableFuture<T> future = CompletableFuture.supplyAsync(read, READS);
            started.add(future);
            return future;
        }

        <T> T join(CompletableFuture<T> read) {
            try {
                return read.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) throw cause;
                if (e.getCause() instanceof Error cause) throw cause;
                throw e;
            }
        }

        @Override
        public void close() {
            for (CompletableFuture<?> read : started) read.cancel(false);
        }
    }

    private static PostureInputs.Tenant tenantFacts(AuditFacts audit, List<ApiKeyRecord> keys, List<ExportJob> exports, LocalDate from, LocalDate to,
                                                    Optional<ExportJob> self) {
        int auditorKeys = 0;
        for (ApiKeyRecord k : keys) if (k.role() == Role.AUDITOR && k.revokedAt() == null) auditorKeys++;
        int succeeded = 0;
        for (ExportJob other : exports) {
            if (other.status() != ExportJob.Status.SUCCEEDED || !inPeriod(other.createdAt(), from, to)) continue;
            if (self.isPresent() && (other.exportId().equals(self.get().exportId()) || !other.createdAt().isBefore(self.get().createdAt()))) continue;
            succeeded++;
        }
        return new PostureInputs.Tenant(succeeded, audit.keyAssignments(), auditorKeys, audit.downloads(), audit.intact());
    }

    /** Entries of the verified part re-checked by each read: one query of about 0.3 MB, ~80 ms of C1 hashing. */
    static final int SWEEP = 1000;
    /** A log walked in full saves no checkpoint below this length: the walk is one page anyway. */
    static final int SAVE_AFTER = 500;

    /**
     * The audit log's figures, from its checkpoint on (docs/compliance-center.md, "The audit log's walk"): the entries
     * since the last verified one are walked and counted, one slice of up to {@link #SWEEP} entries of the verified
     * part is checked again (the sweep goes round the whole verified part, then starts over), and what was verified is
     * saved. The chain is reported intact unless a walk or a sweep, now or before, found it broken.
     */
    static final class AuditFacts {
        private final AuditCheckpoint from;
        private final AuditChain.Walk tail;
        private long keyAssignments;
        private long downloads;
        private long sweepSeq;
        private String sweepHash;
        private long brokenAt;

        AuditFacts(AuditCheckpoint from) {
            this.from = from;
            this.tail = new AuditChain.Walk(from.seq(), from.hash());
            this.keyAssignments = from.keyAssignments();
            this.downloads = from.downloads();
            this.sweepSeq = from.sweepSeq();
            this.sweepHash = from.sweepHash();
            this.brokenAt = from.brokenAt();
        }

        void add(AuditEntry e) {
            if (e.action().startsWith("key.")) keyAssignments++;
            if (e.action().equals("exports.download")) downloads++;
            tail.add(e);
        }

        /** Checks the next slice of entries 1..checkpoint (as listed after the sweep's position, at most {@code limit}). */
        void sweep(List<AuditEntry> slice, int limit) {
            if (from.seq() == 0) return;
            AuditChain.Walk walk = new AuditChain.Walk(sweepSeq, sweepHash);
            boolean pastTheCheckpoint = false;
            for (AuditEntry e : slice) {
                if (e.seq() > from.seq()) {
                    pastTheCheckpoint = true;
                    break;
                }
                walk.add(e);
            }
            if (!walk.intact()) {
                broken(walk.brokenAt());
            } else if (walk.lastSeq() == from.seq()) {
                // round the whole verified part: it must end in the very entry the checkpoint holds
                if (!walk.lastHash().equals(from.hash())) broken(from.seq());
                sweepSeq = 0;
                sweepHash = AuditChain.GENESIS_HASH;
            } else if (pastTheCheckpoint || slice.size() < limit) {
                broken(walk.lastSeq() + 1); // the listing went past or ended before the checkpoint: entries are missing
            } else {
                sweepSeq = walk.lastSeq();
                sweepHash = walk.lastHash();
            }
        }

        private void broken(long seq) {
            if (brokenAt == 0 || seq < brokenAt) brokenAt = seq;
        }

        boolean intact() {
            return brokenAt == 0 && tail.intact();
        }

        int keyAssignments() {
            return (int) Math.min(Integer.MAX_VALUE, keyAssignments);
        }

        int downloads() {
            return (int) Math.min(Integer.MAX_VALUE, downloads);
        }

        AuditCheckpoint checkpoint() {
            long broken = brokenAt;
            if (!tail.intact() && (broken == 0 || tail.brokenAt() < broken)) broken = tail.brokenAt();
            return new AuditCheckpoint(tail.lastSeq(), tail.lastHash(), keyAssignments, downloads, sweepSeq, sweepHash, broken);
        }

        long walked() {
            return tail.lastSeq() - from.seq();
        }
    }

    /** From the checkpoint: the tail walked, one slice of the rest checked again, what was verified saved. */
    static AuditFacts auditFacts(AuditLog log, String tenant, int sweep, int saveAfter) {
        Optional<AuditCheckpoint> saved = log.checkpoint(tenant);
        AuditFacts facts = new AuditFacts(saved.orElse(AuditCheckpoint.NONE));
        log.forEachAfter(tenant, saved.map(AuditCheckpoint::seq).orElse(0L), facts::add);
        if (saved.isPresent()) facts.sweep(log.list(tenant, saved.get().sweepSeq(), sweep), sweep);
        AuditCheckpoint next = facts.checkpoint();
        boolean changed = saved.map(c -> !c.equals(next)).orElse(facts.walked() >= saveAfter || next.brokenAt() != 0);
        if (changed) log.saveCheckpoint(tenant, next, saved);
        return facts;
    }

    private AuditFacts auditFacts(String tenant) {
        return auditFacts(stores.audit(), tenant, SWEEP, SAVE_AFTER);
    }

    static boolean inPeriod(Instant at, LocalDate from, LocalDate to) {
        if (at == null) return false;
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        return !day.isBefore(from) && !day.isAfter(to);
    }
}
