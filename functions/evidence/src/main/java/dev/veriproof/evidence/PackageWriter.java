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
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes one evidence package (SPEC §9) as a ZIP to a stream: the session lines first, then the reports, VERIFY.md and
 * last the manifest listing every file's SHA-256 and size (each taken as the file is written), signed. The package's
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

    /** Writes the package's session lines, in order, and returns their facts. */
    interface SessionPart {
        SessionFacts write(SessionFiles files) throws IOException;
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

    /** @param usedBatches the batches the period's session lines are anchored in */
    void writeCompletenessReports(ExportRequest request, Set<String> usedBatches, ReportFiles files) throws IOException {
        completeness.write(request, applicationIds(request), usedBatches, files);
    }

    /** Writes the package: the session lines, the reports, VERIFY.md and the signed manifest. */
    Result write(ExportJob job, OutputStream target, SessionPart sessionPart, ReportPart reportPart) throws IOException {
        ExportRequest request = job.request();
        Manifest manifest = new Manifest();
        try (ZipOutputStream zip = new ZipOutputStream(new NonClosing(target))) {
            Entries entries = new Entries(zip, manifest);
            SessionFiles sessionFiles = new SessionFiles(entries);
            SessionFacts sessions = sessionPart.write(sessionFiles);
            int sessionFileCount = sessionFiles.finish();
            reportPart.write(entries);
            entries.bytes("VERIFY.md", verifyText(signer.address()).getBytes(StandardCharsets.UTF_8));

            byte[] manifestBytes = manifest.bytes(job.exportId(), request, List.copyOf(applicationIds(request)), clock.instant(),
                    sessions.tally.sessions(), new TreeSet<>(sessions.anchors.keySet()), signer.address());
            List<Manifest.FileEntry> listed = manifest.files();
            entries.unlisted(Manifest.PATH, manifestBytes);
            entries.unlisted(Manifest.SIGNATURE_PATH, (signer.signPersonalMessage(manifestBytes) + "\n").getBytes(StandardCharsets.US_ASCII));
            return new Result(sessions.tally.sessions(), sessionFileCount, Hashes.hex(Hashes.sha256(manifestBytes)), listed);
        }
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

    /** The package's session lines, split into sessions/NNNNN.jsonl files of at most {@link #SESSIONS_PER_FILE} lines. */
    static final class SessionFiles {
        private final Entries entries;
        private OutputStream out;
        private int fileCount;
        private long inFile;

        private SessionFiles(Entries entries) {
            this.entries = entries;
        }

        /** Adds one line (without its line feed). */
        void add(byte[] line) throws IOException {
            if (out == null || inFile == SESSIONS_PER_FILE) {
                if (out != null) out.close();
                out = entries.open(String.format("sessions/%05d.jsonl", ++fileCount));
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
    private static final class Entries implements ReportFiles {
        private final ZipOutputStream zip;
        private final Manifest manifest;

        Entries(ZipOutputStream zip, Manifest manifest) {
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
        void unlisted(String path, byte[] bytes) throws IOException {
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
    private static final class NonClosing extends FilterOutputStream {
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
