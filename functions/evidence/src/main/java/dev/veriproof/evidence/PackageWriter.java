package dev.veriproof.evidence;

import dev.veriproof.core.anchoring.TenantBatches;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.ApplicationStore;
import dev.veriproof.core.audit.AuditLog;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.evidence.Manifest;
import dev.veriproof.core.governance.DeploymentStore;
import dev.veriproof.core.governance.GuardrailStore;
import dev.veriproof.core.governance.PlanStore;
import dev.veriproof.core.governance.ReviewStore;
import dev.veriproof.core.governance.SdkTelemetryStore;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.risk.RiskStore;
import dev.veriproof.core.signing.Signer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes one evidence package (SPEC §9) as a ZIP to a stream: the session files first (packed by the shard steps, see
 * {@link ShardEntries}, and joined whole), then the reports, VERIFY.md and last the manifest listing every file's SHA-256
 * and size (each taken as the file is written), signed, and the central directory ({@link ZipParts}). The package's
 * parts are written by {@link SessionLines}, {@link SessionReports}, {@link GovernanceReports}, {@link AuditReports}
 * and {@link PostureReports}; memory depends on applications, days and governance records, never on sessions.
 */
final class PackageWriter {
    static final int SESSIONS_PER_FILE = 50_000;

    record Sources(SessionSource sessions, ApplicationStore applications, GuardrailStore guardrails, DeploymentStore deployments,
                   SdkTelemetryStore sdk, AuditLog audit, PlanStore plans, ReviewStore reviews, RiskStore risks, PostureReader posture,
                   TenantBatches tenantBatches, CompletenessReports.Sessions sessionsById) {
        /** The same sources with the sessions read from elsewhere. */
        Sources withSessions(SessionSource other) {
            return new Sources(other, applications, guardrails, deployments, sdk, audit, plans, reviews, risks, posture, tenantBatches, sessionsById);
        }
    }

    record Result(long sessions, int sessionFiles, String manifestSha256, List<Manifest.FileEntry> files) {}

    /** A shard's packed session files: the staged object holding them, whole, and what it holds. */
    record PackedShard(String objectKey, ShardEntries.Packed packed) {}

    /** Appends a staged object, whole, to the package being written (S3 copies it: see {@link MultipartUploadStream#append}). */
    interface Appender {
        void append(String objectKey, long size) throws IOException;
    }

    /** Writes the package's reports, in order. */
    interface ReportPart {
        void write(ReportFiles files) throws IOException;
    }

    private final Sources sources;
    private final Signer signer;
    private final Clock clock;
    private final SessionLines lines;
    private final GovernanceReports governance;
    private final AuditReports audit;
    private final PostureReports posture;
    private final CompletenessReports completeness;

    PackageWriter(Sources sources, Signer signer, Clock clock) {
        this.sources = sources;
        this.signer = signer;
        this.clock = clock;
        this.lines = new SessionLines(sources.sessions(), sources.reviews());
        this.governance = new GovernanceReports(new GovernanceReports.Stores(sources.guardrails(), sources.deployments(), sources.sdk(),
                sources.risks(), sources.plans()));
        this.audit = new AuditReports(sources.audit());
        this.posture = new PostureReports(sources.posture(), clock);
        this.completeness = new CompletenessReports(sources.tenantBatches(), sources.sessionsById());
    }

    /** The session lines of the days from..to (one shard of the period) and their part of the review trail; see {@link SessionLines}. */
    SessionFacts writeShard(ExportRequest request, LocalDate from, LocalDate to, OutputStream sessions, OutputStream reviews) {
        return lines.writeShard(request, applicationIds(request), from, to, sessions, reviews);
    }

    void writeSessionReports(SessionFacts sessions, SessionReports.ReviewTrail reviews, ReportFiles files) throws IOException {
        SessionReports.write(sessions, reviews, files);
    }

    void writeGovernanceReports(ExportRequest request, ReportFiles files) throws IOException {
        governance.write(request, applications(request), files);
    }

    void writeAuditReports(ExportRequest request, ReportFiles files) throws IOException {
        audit.write(request.tenantId(), files);
    }

    void writePostureReports(ExportJob job, ReportFiles files) throws IOException {
        posture.write(job, applications(job.request()), files);
    }

    /** @param sessions the facts of the period's session lines: the batches they are anchored in, and their lines in each */
    void writeCompletenessReports(ExportRequest request, SessionFacts sessions, ReportFiles files) throws IOException {
        completeness.write(request, applicationIds(request), sessions.anchors, sessions.linesPerBatch, files);
    }

    /**
     * Writes the package: the shards' packed session files joined in order through {@code appender} (never read here),
     * then the reports, VERIFY.md, the signed manifest and the central directory. The work and memory depend on the
     * number of files, not on the sessions' bytes.
     */
    Result write(ExportJob job, OutputStream target, Appender appender, List<PackedShard> shards, SessionFacts sessions, ReportPart reportPart)
            throws IOException {
        ExportRequest request = job.request();
        Manifest manifest = new Manifest();
        ZipParts.Counting out = new ZipParts.Counting(target, 0);
        List<ZipParts.Entry> entries = new ArrayList<>();
        long sessionLines = 0;
        int sessionFiles = 0;
        for (PackedShard shard : shards) {
            long base = out.position();
            appender.append(shard.objectKey(), shard.packed().bytes());
            // the appended bytes went around the counting stream
            out.skip(shard.packed().bytes());
            for (ZipParts.Entry e : shard.packed().entries()) {
                if (!e.name().equals(sessionFile(++sessionFiles))) {
                    throw new IllegalStateException("shard object " + shard.objectKey() + " holds " + e.name() + " where " + sessionFile(sessionFiles)
                            + " belongs: its shard was packed with other sessions than those counted");
                }
                entries.add(e.at(base));
                manifest.add(new Manifest.FileEntry(e.name(), e.sha256(), e.size()));
            }
            sessionLines += shard.packed().lines();
        }
        if (sessionLines != sessions.tally.sessions()) {
            throw new IllegalStateException("the packed shards hold " + sessionLines + " session lines, their facts count " + sessions.tally.sessions());
        }
        long dosTime = ZipParts.dosTime(job.createdAt());
        Entries files = new Entries(out, dosTime, entries, manifest);
        reportPart.write(files);
        files.bytes("VERIFY.md", verifyText(signer.address()).getBytes(StandardCharsets.UTF_8));

        byte[] manifestBytes = manifest.bytes(job.exportId(), request, List.copyOf(applicationIds(request)), clock.instant(),
                sessions.tally.sessions(), new TreeSet<>(sessions.anchors.keySet()), signer.address());
        List<Manifest.FileEntry> listed = manifest.files();
        files.unlisted(Manifest.PATH, manifestBytes);
        files.unlisted(Manifest.SIGNATURE_PATH, (signer.signPersonalMessage(manifestBytes) + "\n").getBytes(StandardCharsets.US_ASCII));
        ZipParts.centralDirectory(out, entries);
        out.flush();
        return new Result(sessions.tally.sessions(), sessionFiles, Hashes.hex(Hashes.sha256(manifestBytes)), listed);
    }

    static String sessionFile(int number) {
        return String.format("sessions/%05d.jsonl", number);
    }

    /** The applications a package covers: those it names, or every application of the tenant. */
    private List<Application> applications(ExportRequest request) {
        List<Application> apps = new ArrayList<>();
        for (Application a : sources.applications().list(request.tenantId())) {
            if (request.applications().isEmpty() || request.applications().contains(a.applicationId())) apps.add(a);
        }
        return apps;
    }

    private Set<String> applicationIds(ExportRequest request) {
        Set<String> ids = new TreeSet<>();
        applications(request).forEach(a -> ids.add(a.applicationId()));
        return ids;
    }

    /** VERIFY.md: every algorithm an auditor needs to check the package with or without VeriProof's verifier. */
    static String verifyText(String signer) {
        try (var in = PackageWriter.class.getResourceAsStream("/evidence/VERIFY.md")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.replace("{{signer}}", signer).replace("{{anchoredTopic}}", org.web3j.crypto.Hash.sha3String("Anchored(bytes32,uint256,bytes32)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes ZIP entries after the session files and records each one's SHA-256 and size in the manifest. */
    private static final class Entries implements ReportFiles {
        private final ZipParts.Counting out;
        private final long dosTime;
        private final List<ZipParts.Entry> entries;
        private final Manifest manifest;

        Entries(ZipParts.Counting out, long dosTime, List<ZipParts.Entry> entries, Manifest manifest) {
            this.out = out;
            this.dosTime = dosTime;
            this.entries = entries;
            this.manifest = manifest;
        }

        @Override
        public OutputStream open(String path) throws IOException {
            return ZipParts.entry(out, path, dosTime, e -> {
                entries.add(e);
                manifest.add(new Manifest.FileEntry(path, e.sha256(), e.size()));
            });
        }

        /** An entry that is not listed in the manifest (the manifest itself and its signature). */
        void unlisted(String path, byte[] bytes) throws IOException {
            try (OutputStream entry = ZipParts.entry(out, path, dosTime, entries::add)) {
                entry.write(bytes);
            }
        }
    }
}
