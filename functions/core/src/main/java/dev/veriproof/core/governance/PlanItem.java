package dev.veriproof.core.governance;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A remediation item (a gap, who closes it, by when: ISO/IEC 42001 10.1) or a roadmap item (a
 * planned improvement with a target date). Both move through statuses; each change bumps
 * {@code version} and is conditional on it.
 *
 * @param title the gap (remediation) or the planned improvement (roadmap)
 * @param applicationId null for a tenant-wide item
 * @param controlId the ISO/IEC 42001 clause or control it addresses (one of {@code Iso42001.CLAUSES}), or null
 * @param incidentId the 10.2 incident it is the corrective action of, or null
 */
public record PlanItem(Kind kind, String tenantId, String id, String title, String description, String owner,
                       LocalDate dueDate, String status, String applicationId, String controlId, String incidentId, String note,
                       long version, Instant createdAt, String createdBy, Instant updatedAt, String updatedBy) {

    public enum Kind {
        REMEDIATION("rem_", "OPEN", java.util.List.of("OPEN", "IN_PROGRESS", "DONE", "ACCEPTED_RISK")),
        ROADMAP("rmp_", "PLANNED", java.util.List.of("PLANNED", "IN_PROGRESS", "DONE", "CANCELLED"));

        private final String idPrefix;
        private final String initialStatus;
        private final java.util.List<String> statuses;

        Kind(String idPrefix, String initialStatus, java.util.List<String> statuses) {
            this.idPrefix = idPrefix;
            this.initialStatus = initialStatus;
            this.statuses = statuses;
        }

        public String idPrefix() { return idPrefix; }

        public String initialStatus() { return initialStatus; }

        public java.util.List<String> statuses() { return statuses; }
    }

    /**
     * The item as the API answers it and the evidence package lists it: the title is {@code gap} and the date
     * {@code dueDate} for a remediation, {@code title} and {@code targetDate} for a roadmap item.
     */
    public Map<String, Object> view() {
        boolean remediation = kind == Kind.REMEDIATION;
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put(remediation ? "gap" : "title", title);
        view.put("description", description);
        view.put("owner", owner);
        view.put(remediation ? "dueDate" : "targetDate", dueDate == null ? null : dueDate.toString());
        view.put("status", status);
        view.put("applicationId", applicationId);
        view.put("controlId", controlId);
        if (remediation) view.put("incidentId", incidentId);
        view.put("note", note);
        view.put("version", version);
        view.put("createdAt", createdAt.toString());
        view.put("createdBy", createdBy);
        view.put("updatedAt", updatedAt.toString());
        view.put("updatedBy", updatedBy);
        return view;
    }
}
