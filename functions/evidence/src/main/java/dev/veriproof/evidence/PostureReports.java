package dev.veriproof.evidence;

import dev.veriproof.core.applications.Application;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.posture.Incident;
import dev.veriproof.core.posture.Iso42001;
import dev.veriproof.core.posture.PostureInputs;
import dev.veriproof.core.posture.PostureJson;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The package's ISO/IEC 42001 posture: scorecard.json, gap-analysis.json and alerts-and-corrective-actions.jsonl, read
 * through the same {@link PostureReader} and computed by the same core code as the live Compliance Center, so that a
 * package and GET /v1/scorecards/iso-42001 (or /v1/gap-analysis/iso-42001) of the same period and applications are
 * equal apart from {@code generatedAt}. The exporter is an admin: tenant-wide records (anchoring failures, tenant-wide
 * remediations) are in view.
 */
final class PostureReports {
    private final PostureReader reader;
    private final Clock clock;

    PostureReports(PostureReader reader, Clock clock) {
        this.reader = reader;
        this.clock = clock;
    }

    void write(ExportJob job, List<Application> apps, ReportFiles files) throws IOException {
        ExportRequest request = job.request();
        PostureReader.View view = new PostureReader.View(request.tenantId(), apps, true);
        PostureInputs inputs = reader.read(request.tenantId(), () -> view, request.from(), request.to(), Optional.of(job));
        Iso42001.Posture posture = Iso42001.evaluate(inputs);
        Instant generatedAt = clock.instant();
        files.json("scorecard.json", PostureJson.scorecard(posture, generatedAt));
        files.json("gap-analysis.json", PostureJson.gapAnalysis(posture, generatedAt));
        try (OutputStream out = files.open("alerts-and-corrective-actions.jsonl")) {
            for (Incident incident : inputs.incidents()) ReportFiles.line(out, PostureJson.incident(incident));
        }
    }
}
