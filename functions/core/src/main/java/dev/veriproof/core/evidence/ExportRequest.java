package dev.veriproof.core.evidence;

import java.time.LocalDate;
import java.util.List;

/**
 * What to export (SPEC §9): a framework, a closed period of UTC days and optionally a subset of the
 * tenant's applications (empty: all of them).
 */
public record ExportRequest(String tenantId, Framework framework, LocalDate from, LocalDate to, List<String> applications) {
    /** The longest period one package covers: a year and a day, enough for any quarter or year. */
    public static final int MAX_DAYS = 366;

    public enum Framework { ISO_42001 }

    public ExportRequest {
        applications = List.copyOf(applications);
        if (to.isBefore(from)) throw new IllegalArgumentException("to must not be before from");
        if (days(from, to) > MAX_DAYS) throw new IllegalArgumentException("the period must not exceed " + MAX_DAYS + " days");
    }

    public long days() {
        return days(from, to);
    }

    private static long days(LocalDate from, LocalDate to) {
        return to.toEpochDay() - from.toEpochDay() + 1;
    }
}
