package dev.veriproof.evidence;

import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.audit.AuditLog;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** The tenant's audit log (audit-log.jsonl), page by page: it grows with every administrative action and review, so it is never held whole. */
final class AuditReports {
    private static final int PAGE = 1000;

    private final AuditLog audit;

    AuditReports(AuditLog audit) {
        this.audit = audit;
    }

    void write(String tenantId, ReportFiles files) throws IOException {
        try (OutputStream out = files.open("audit-log.jsonl")) {
            for (long after = 0; ; ) {
                List<AuditEntry> page = audit.list(tenantId, after, PAGE);
                if (page.isEmpty()) break;
                for (AuditEntry e : page) ReportFiles.line(out, e.toJson());
                after = page.get(page.size() - 1).seq();
            }
        }
    }
}
