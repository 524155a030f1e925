package dev.veriproof.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.access.ApiKeyRecord;
import dev.veriproof.core.access.KeyStore;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.alerts.Alert;
import dev.veriproof.core.alerts.AlertRule;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.anchoring.AnchorLedger;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.audit.AuditLog;
import dev.veriproof.core.evidence.AnchoringIncidents;
import dev.veriproof.core.evidence.EvidenceFacts;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.evidence.ExportStore;
import dev.veriproof.core.evidence.Manifest;
import dev.veriproof.core.evidence.Scorecard;
import dev.veriproof.core.evidence.SessionTally;
import dev.veriproof.core.governance.DeploymentStore;
import dev.veriproof.core.governance.GuardrailConfig;
import dev.veriproof.core.governance.GuardrailStore;
import dev.veriproof.core.governance.PlanItem;
import dev.veriproof.core.governance.PlanStore;
import dev.veriproof.core.governance.ReviewStore;
import dev.veriproof.core.governance.SdkTelemetryStore;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.ingest.SessionView;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.InclusionProof;
import dev.veriproof.core.risk.RiskStore;
import dev.veriproof.core.signing.Signer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes one evidence package (SPEC §9) as a ZIP to a stream, sessions first and day by day, so that
 * memory depends on applications, days and governance records, never on the number of sessions. Every
 * file's SHA-256 is taken as it is written; the manifest listing them is written last and signed.
 */
final class PackageWriter {
    static final int SESSIONS_PER_FILE = 50_000;

    record Sources(SessionSource sessions, ApplicationStore applications, GuardrailStore guardrails,
                   DeploymentStore deployments, SdkTelemetryStore sdk, AuditLog audit, PlanStore plans,
                   ReviewStore reviews, KeyStore keys, ExportStore exports, AlertStore alerts, RiskStore risks,
                   AnchorLedger anchoring) {}

    record Result(long sessions, int sessionFiles, String manifestSha256, List<Manifest.FileEntry> files) {}

    private final Sources sources;
    private final Signer signer;
    private final Clock clock;

    PackageWriter(Sources sources, Signer signer, Clock clock) {
        this.sources = sources;
        this.signer = signer;
        this.clock = clock;
    }

    /** What the session files leave for the rest of the package. */
    static final class SessionFacts {
        final SessionTally tally;
        final TreeMap<String, ObjectNode> anchors;

        SessionFacts() {
            this(new SessionTally(), new TreeMap<>());
        }

        private SessionFacts(SessionTally tally, TreeMap<String, ObjectNode> anchors) {
            this.tally = tally;
            this.anchors = anchors;
        }

        /** Adds the facts of the sessions that follow these (the next shard of the period). */
        void merge(SessionFacts next) {
            tally.merge(next.tally);
            next.anchors.forEach(anchors::putIfAbsent);
        }

        byte[] toJson() {
            ObjectNode json = Json.mapper().createObjectNode();
            json.set("tally", tally.toJson());
            anchors.forEach(json.putObject("anchors")::set);
            return Json.write(json);
        }

        static SessionFacts fromJson(JsonNode json) {
            TreeMap<String, ObjectNode> anchors = new TreeMap<>();
            json.path("anchors").fields().forEachRemaining(e -> anchors.put(e.getKey(), (ObjectNode) e.getValue()));
            return new SessionFacts(SessionTally.fromJson(json.path("tally")), anchors);
        }
    }

    /** Writes the package's session lines, in order, and returns their facts. */
    interface SessionPart {
        SessionFacts write(SessionFiles files) throws IOException;
    }

    /**
     * Writes the session lines of the days from..to (one shard of the period) to {@code sessions}, one per line, and
     * the reviews of those of them whose required oversight came from a later review to {@code reviews} (their part of
     * human-review-trail.jsonl); returns their facts.
     */
    SessionFacts writeShard(ExportRequest request, LocalDate from, LocalDate to, OutputStream sessions, OutputStream reviews) throws IOException {
        SessionFacts facts = new SessionFacts();
        forEachSession(request, from, to, facts, (line, reviewed) -> {
            line(sessions, line);
            if (reviewed) {
                for (var review : sources.reviews().forSession(request.tenantId(), line.get("sessionId").asText())) {
                    line(reviews, Views.tree(review, Set.of("tenantId")));
                }
            }
        });
        return facts;
    }

    /** Where a group of reports writes its files: straight into the ZIP, or to staging when a branch of the Parallel state writes them. */
    interface ReportFiles {
        OutputStream open(String path) throws IOException;

        default void json(String path, JsonNode json) throws IOException {
            bytes(path, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        }

        default void bytes(String path, byte[] bytes) throws IOException {
            try (OutputStream out = open(path)) {
                out.write(bytes);
            }
        }
    }

    /** Writes the package's reports, given the facts of its sessions, and returns what the records contribute to the scorecard. */
    interface ReportPart {
        RecordFacts write(ReportFiles files, SessionFacts sessions) throws IOException;
    }

    /** Per application, what its governance records show. */
    record AppRecords(String applicationId, boolean riskClassified, int activeAlertRules, Integer scoreTarget,
                      int signedDeploymentRecords, boolean redactionConfigured) {}

    /** What the governance records of the period contribute to the scorecard. */
    record GovernanceFacts(int guardrailConfigVersions, int sdkHealthReports, int incidents, int incidentsWithCorrectiveAction,
                           int anchoringFailures, List<AppRecords> applications) {}

    /** What the audit trail, the plans, the keys and the earlier exports contribute to the scorecard. */
    record AuditFacts(int keyAssignmentsLogged, int downloadsLogged, boolean auditChainIntact, int openRemediations,
                      int ownedOpenRemediations, int auditorKeys, int earlierExports) {}

    record RecordFacts(GovernanceFacts governance, AuditFacts audit) {}

    /** Writes the package: the session lines first, then the reports, the scorecard, VERIFY.md and the signed manifest. */
    Result write(ExportJob job, OutputStream target, SessionPart sessionPart, ReportPart reportPart) throws IOException {
        ExportRequest request = job.request();
        Set<String> appIds = new TreeSet<>();
        applications(request).forEach(a -> appIds.add(a.applicationId()));
        Manifest manifest = new Manifest();
        try (ZipOutputStream zip = new ZipOutputStream(new NonClosing(target))) {
            Files files = new Files(zip, manifest);
            SessionFiles sessionOut = new SessionFiles(files);
            SessionFacts sessions = sessionPart.write(sessionOut);
            int sessionFiles = sessionOut.finish();
            RecordFacts records = reportPart.write(files, sessions);
            List<Scorecard.Control> controls = Scorecard.evaluate(scorecardFacts(request, sessions, records), sessions.tally);
            files.json("scorecard.json", Scorecard.scorecardJson(controls, request));
            files.json("gap-analysis.json", Scorecard.gapAnalysisJson(controls));
            files.bytes("VERIFY.md", verifyText(signer.address()).getBytes(StandardCharsets.UTF_8));

            byte[] manifestBytes = manifest.bytes(job.exportId(), request, List.copyOf(appIds), clock.instant(), sessions.tally.sessions(),
                    new TreeSet<>(sessions.anchors.keySet()), signer.address());
            List<Manifest.FileEntry> listed = manifest.files();
            files.raw(Manifest.PATH, manifestBytes);
            files.raw(Manifest.SIGNATURE_PATH, (signer.signPersonalMessage(manifestBytes) + "\n").getBytes(StandardCharsets.US_ASCII));
            return new Result(sessions.tally.sessions(), sessionFiles, Hashes.hex(Hashes.sha256(manifestBytes)), listed);
        }
    }

    /** Copies the review lines the shards wrote, in the period's order. */
    interface ReviewTrail {
        void copyTo(OutputStream out) throws IOException;
    }

    /** The reports drawn from the sessions: anchors, score time series, outcomes and risk levels, the human review trail. */
    void writeSessionReports(SessionFacts sessions, ReviewTrail reviews, ReportFiles files) throws IOException {
        files.json("anchors.json", anchorsJson(sessions.anchors));
        files.bytes("score-timeseries.csv", timeseries(sessions.tally));
        files.bytes("outcomes-risk.csv", outcomes(sessions.tally));
        try (OutputStream out = files.open("human-review-trail.jsonl")) {
            reviews.copyTo(out);
        }
    }

    /**
     * The reports drawn from the governance records: guardrail configuration history, alerts and corrective actions
     * (anchoring failures included), deployment context, SDK versions, risk classification history.
     */
    GovernanceFacts writeGovernanceReports(ExportRequest request, ReportFiles files) throws IOException {
        String tenant = request.tenantId();
        List<Application> apps = applications(request);
        Set<String> appIds = new TreeSet<>();
        apps.forEach(a -> appIds.add(a.applicationId()));

        ArrayNode guardrails = Json.mapper().createArrayNode();
        int guardrailVersions = 0;
        for (Application a : apps) {
            for (GuardrailConfig c : sources.guardrails().history(tenant, a.applicationId())) {
                guardrails.add(Views.tree(c, Set.of("tenantId")));
                guardrailVersions++;
            }
        }
        files.json("guardrail-config-history.json", guardrails);

        List<AlertRule> rules = sources.alerts().rules(tenant);
        int incidents = 0;
        int corrected = 0;
        AnchoringIncidents anchoringFailures = AnchoringIncidents.of(sources.anchoring().incidents(),
                at -> inPeriod(at, request), sources.anchoring().lastAnchoredAt());
        try (OutputStream out = files.open("alerts-and-corrective-actions.jsonl")) {
            for (Alert alert : sources.alerts().alerts(tenant)) {
                if (!appIds.contains(alert.applicationId()) || !inPeriod(alert.openedAt(), request)) continue;
                incidents++;
                if (alert.resolution() != null && !alert.resolution().isBlank()) corrected++;
                line(out, Views.tree(alert, Set.of("tenantId")));
            }
            // anchoring is one run over all tenants: a failed run is every tenant's incident
            for (AnchorLedger.Incident failure : anchoringFailures.failures()) {
                ObjectNode node = Json.mapper().createObjectNode();
                node.put("type", "anchoring_failure");
                node.put("at", failure.at().toString());
                node.put("reason", failure.reason());
                node.put("pendingSessions", failure.pendingSessions());
                node.put("correctiveAction", anchoringFailures.corrected(failure)
                        ? "retried: a later anchoring run anchored the pending sessions" : null);
                line(out, node);
            }
        }
        corrected += anchoringFailures.correctedCount();

        List<AppRecords> appRecords = new ArrayList<>();
        try (OutputStream out = files.open("deployment-context.jsonl")) {
            for (Application a : apps) {
                var deployments = sources.deployments().list(tenant, a.applicationId());
                for (var d : deployments) line(out, Views.tree(d, Set.of("tenantId")));
                long activeRules = rules.stream().filter(r -> r.applicationId().equals("*") || r.applicationId().equals(a.applicationId())).count();
                appRecords.add(new AppRecords(a.applicationId(), a.declaredRiskLevel() != null, (int) activeRules,
                        a.scoreTarget() > 0 ? a.scoreTarget() : null, (int) deployments.stream().filter(d -> d.signature() != null).count(),
                        a.redaction() != null && !a.redaction().changesNothing()));
            }
        }

        ObjectNode sdk = Json.mapper().createObjectNode();
        int healthReports = 0;
        for (Application a : apps) {
            ObjectNode app = sdk.putObject(a.applicationId());
            app.set("versions", Views.tree(sources.sdk().versions(tenant, a.applicationId()), Set.of("tenantId")));
            long reports = sources.sdk().healthReports(tenant, a.applicationId()).stream().filter(r -> inPeriod(r.reportedAt(), request)).count();
            app.put("healthReportsInPeriod", reports);
            healthReports += (int) reports;
        }
        files.json("sdk-versions.json", sdk);

        try (OutputStream out = files.open("risk-classification-history.jsonl")) {
            for (Application a : apps) {
                for (var change : sources.risks().history(tenant, a.applicationId())) {
                    ObjectNode node = Json.mapper().createObjectNode();
                    node.put("applicationId", a.applicationId());
                    node.setAll((ObjectNode) Views.tree(change, Set.of()));
                    line(out, node);
                }
            }
        }
        return new GovernanceFacts(guardrailVersions, healthReports, incidents, corrected, anchoringFailures.failures().size(), appRecords);
    }

    /** The audit log (and whether its hash chain holds), with the access, plan and export facts of the scorecard. */
    AuditFacts writeAuditReports(ExportJob job, ReportFiles files) throws IOException {
        ExportRequest request = job.request();
        String tenant = request.tenantId();
        // page by page: the log grows with every administrative action and review, so it is never held whole
        int keyAssignments = 0;
        int downloads = 0;
        AuditChain.Walk chain = new AuditChain.Walk();
        try (OutputStream out = files.open("audit-log.jsonl")) {
            for (long after = 0; ; ) {
                List<AuditEntry> page = sources.audit().list(tenant, after, 1000);
                if (page.isEmpty()) break;
                for (AuditEntry e : page) {
                    if (e.action().startsWith("key.")) keyAssignments++;
                    if (e.action().equals("exports.download")) downloads++;
                    chain.add(e);
                    line(out, e.toJson());
                }
                after = page.get(page.size() - 1).seq();
            }
        }
        boolean chainIntact = chain.intact();

        List<PlanItem> remediations = sources.plans().list(tenant, PlanItem.Kind.REMEDIATION);
        List<PlanItem> open = remediations.stream().filter(p -> p.status().equals("OPEN") || p.status().equals("IN_PROGRESS")).toList();
        int auditorKeys = 0;
        for (ApiKeyRecord k : sources.keys().list(tenant)) if (k.role() == Role.AUDITOR && k.revokedAt() == null) auditorKeys++;
        int earlier = 0;
        for (ExportJob other : sources.exports().list(tenant)) {
            if (!other.exportId().equals(job.exportId()) && other.status() == ExportJob.Status.SUCCEEDED
                    && other.createdAt().isBefore(job.createdAt()) && inPeriod(other.createdAt(), request)) earlier++;
        }
        return new AuditFacts(keyAssignments, downloads, chainIntact, open.size(),
                (int) open.stream().filter(p -> p.owner() != null && !p.owner().isBlank()).count(), auditorKeys, earlier);
    }

    private static EvidenceFacts scorecardFacts(ExportRequest request, SessionFacts sessions, RecordFacts records) {
        GovernanceFacts g = records.governance();
        AuditFacts a = records.audit();
        List<EvidenceFacts.AppFacts> apps = new ArrayList<>();
        for (AppRecords app : g.applications()) {
            apps.add(new EvidenceFacts.AppFacts(app.applicationId(), app.riskClassified(), app.activeAlertRules(), app.scoreTarget(),
                    average30d(sessions.tally, app.applicationId(), request.to()), app.signedDeploymentRecords(), app.redactionConfigured()));
        }
        return new EvidenceFacts(request.days(), apps, g.guardrailConfigVersions(), g.sdkHealthReports(), a.earlierExports(),
                a.openRemediations(), a.ownedOpenRemediations(), g.incidents(), g.incidentsWithCorrectiveAction(), g.anchoringFailures(),
                a.keyAssignmentsLogged(), a.auditorKeys(), a.downloadsLogged(), a.auditChainIntact(), !sessions.anchors.isEmpty());
    }

    private List<Application> applications(ExportRequest request) {
        List<Application> apps = new ArrayList<>();
        for (Application a : sources.applications().list(request.tenantId())) {
            if (request.applications().isEmpty() || request.applications().contains(a.applicationId())) apps.add(a);
        }
        return apps;
    }

    private interface LineSink {
        /** @param reviewed its required oversight came from a later review (it has left the review queue) */
        void accept(ObjectNode line, boolean reviewed) throws IOException;
    }

    private void forEachSession(ExportRequest request, LocalDate from, LocalDate to, SessionFacts facts, LineSink sink) {
        Set<String> appIds = new TreeSet<>();
        applications(request).forEach(a -> appIds.add(a.applicationId()));
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            LocalDate d = day;
            sources.sessions().forEach(request.tenantId(), day, view -> {
                StoredSession stored = view.session();
                String app = stored.applicationId();
                if (!appIds.contains(app)) return;
                ObjectNode line = sessionLine(view, facts.anchors);
                JsonNode record = line.get("record");
                boolean awaiting = stored.needsReview();
                boolean required = record.path("humanOversight").path("required").asBoolean(false)
                        || Set.of("HIGH", "CRITICAL").contains(record.path("riskLevel").asText(""));
                boolean recorded = record.path("humanOversight").hasNonNull("type") && !record.path("humanOversight").path("type").asText().equals("NONE");
                boolean reviewed = required && !recorded && !awaiting;
                facts.tally.add(app, d, stored.governanceScore(), stored.band(), record, view.proof().isPresent(), reviewed);
                try {
                    sink.accept(line, reviewed);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static ObjectNode sessionLine(SessionView view, TreeMap<String, ObjectNode> anchors) {
        StoredSession stored = view.session();
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("sessionId", stored.sessionId());
        line.put("applicationId", stored.applicationId());
        line.set("record", Json.parse(stored.canonicalRecord()));
        line.put("leafHash", stored.leafHash());
        ObjectNode annotations = line.putObject("governance");
        annotations.put("governanceScore", stored.governanceScore());
        annotations.put("band", stored.band());
        ObjectNode factors = annotations.putObject("factors");
        new TreeMap<>(stored.factors()).forEach(factors::put);
        ObjectNode receipt = line.putObject("receipt");
        receipt.put("receivedAt", stored.receivedAt().toString());
        if (stored.requestId() != null) receipt.put("requestId", stored.requestId());
        receipt.put("leafHash", stored.leafHash());
        if (view.proof().isPresent() && view.anchor().isPresent()) {
            InclusionProof proof = view.proof().get();
            Anchor anchor = view.anchor().get();
            line.set("proof", proof.toJson());
            line.set("anchor", anchor.toJson());
            anchors.computeIfAbsent(anchor.batchId(), b -> {
                ObjectNode a = (ObjectNode) anchor.toJson();
                a.put("root", proof.root());
                a.put("treeSize", proof.treeSize());
                return a;
            });
        }
        return line;
    }

    private static JsonNode anchorsJson(TreeMap<String, ObjectNode> anchors) {
        ArrayNode list = Json.mapper().createArrayNode();
        anchors.values().forEach(list::add);
        return list;
    }

    private static byte[] timeseries(SessionTally tally) {
        StringBuilder csv = new StringBuilder("applicationId,date,sessions,averageScore");
        for (String band : SessionTally.BANDS) csv.append(',').append(band);
        csv.append('\n');
        tally.applications().forEach((app, a) -> a.days.forEach((day, d) -> {
            csv.append(app).append(',').append(day).append(',').append(d.sessions).append(',')
                    .append(BigDecimal.valueOf(d.scoreSum).divide(BigDecimal.valueOf(d.sessions), 2, RoundingMode.HALF_UP).toPlainString());
            for (String band : SessionTally.BANDS) csv.append(',').append(d.bands.getOrDefault(band, 0L));
            csv.append('\n');
        }));
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] outcomes(SessionTally tally) {
        StringBuilder csv = new StringBuilder("applicationId,dimension,value,sessions\n");
        tally.applications().forEach((app, a) -> {
            a.outcomes.forEach((k, v) -> csv.append(app).append(",outcome,").append(k).append(',').append(v).append('\n'));
            a.riskLevels.forEach((k, v) -> csv.append(app).append(",riskLevel,").append(k).append(',').append(v).append('\n'));
        });
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The average score over the 30 days ending with the period's last day (within the period). */
    private static Double average30d(SessionTally tally, String app, LocalDate end) {
        SessionTally.App a = tally.applications().get(app);
        if (a == null) return null;
        long n = 0;
        long sum = 0;
        for (SessionTally.Day d : a.days.subMap(end.minusDays(29), true, end, true).values()) {
            n += d.sessions;
            sum += d.scoreSum;
        }
        return n == 0 ? null : (double) sum / n;
    }

    private static boolean inPeriod(Instant at, ExportRequest request) {
        if (at == null) return false;
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        return !day.isBefore(request.from()) && !day.isAfter(request.to());
    }

    private static void line(OutputStream out, JsonNode json) throws IOException {
        out.write(Json.write(json));
        out.write('\n');
    }

    static String verifyText(String signer) {
        return """
                # Verifying this evidence package

                Everything in this package can be checked offline against the public chain, with no access to VeriProof.

                1. Get the verifier: `verifier.jar` (built from the VeriProof sources, `verifier/`).
                2. Run `java -jar verifier.jar <this-package>.zip --rpc <an Ethereum JSON-RPC URL of the anchoring chain>`.
                   It checks
                   - `manifest.sig`: the EIP-191 signature of `manifest.json`'s bytes by the signer address below,
                     the address that published the anchors;
                   - every file listed in `manifest.json`: its SHA-256 and size;
                   - every session line in `sessions/*.jsonl`: the record's RFC 8785 canonical bytes → leaf hash
                     (SHA-256 of 0x00 ‖ bytes) → audit path → Merkle root (RFC 9162), and that root's `Anchored`
                     event in the named transaction, block and contract.
                3. It prints PASS, or every failure by session id or file, and exits 0 only if everything holds.
                   Add `--signer <address>` to insist on the signer below.

                Signer address: %s
                """.formatted(signer);
    }

    /** The package's session lines, split into sessions/NNNNN.jsonl files of at most {@link #SESSIONS_PER_FILE} lines. */
    static final class SessionFiles {
        private final Files files;
        private OutputStream out;
        private int fileCount;
        private long inFile;

        private SessionFiles(Files files) {
            this.files = files;
        }

        /** Adds one line (without its line feed). */
        void add(byte[] line) throws IOException {
            if (out == null || inFile == SESSIONS_PER_FILE) {
                if (out != null) out.close();
                out = files.open(String.format("sessions/%05d.jsonl", ++fileCount));
                inFile = 0;
            }
            out.write(line);
            out.write('\n');
            inFile++;
        }

        private int finish() throws IOException {
            if (out != null) out.close();
            return fileCount;
        }
    }

    /** Writes ZIP entries and records each one's SHA-256 and size in the manifest. */
    private static final class Files implements ReportFiles {
        private final ZipOutputStream zip;
        private final Manifest manifest;

        Files(ZipOutputStream zip, Manifest manifest) {
            this.zip = zip;
            this.manifest = manifest;
        }

        @Override
        public OutputStream open(String path) throws IOException {
            zip.putNextEntry(new ZipEntry(path));
            MessageDigest digest = sha256();
            return new OutputStream() {
                private long bytes;
                private boolean closed;

                @Override
                public void write(int b) throws IOException {
                    zip.write(b);
                    digest.update((byte) b);
                    bytes++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    zip.write(b, off, len);
                    digest.update(b, off, len);
                    bytes += len;
                }

                @Override
                public void close() throws IOException {
                    if (closed) return;
                    closed = true;
                    zip.closeEntry();
                    manifest.add(new Manifest.FileEntry(path, Hashes.hex(digest.digest()), bytes));
                }
            };
        }

        /** An entry that is not listed in the manifest (the manifest itself and its signature). */
        void raw(String path, byte[] bytes) throws IOException {
            zip.putNextEntry(new ZipEntry(path));
            zip.write(bytes);
            zip.closeEntry();
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The ZIP's close finishes the archive but leaves the target for the caller to complete or abort. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
