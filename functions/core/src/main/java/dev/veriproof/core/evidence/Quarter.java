package dev.veriproof.core.evidence;

import java.time.LocalDate;

/** A calendar quarter in UTC days: the period of a scheduled evidence export (SPEC §9). */
public record Quarter(int year, int number) {
    public Quarter {
        if (number < 1 || number > 4) throw new IllegalArgumentException("quarter must be 1..4");
    }

    public static Quarter of(LocalDate day) {
        return new Quarter(day.getYear(), (day.getMonthValue() - 1) / 3 + 1);
    }

    /** The quarter before the one {@code day} is in: on the first day of a quarter, the one that just ended. */
    public static Quarter previous(LocalDate day) {
        return of(of(day).from().minusDays(1));
    }

    public LocalDate from() {
        return LocalDate.of(year, (number - 1) * 3 + 1, 1);
    }

    public LocalDate to() {
        return from().plusMonths(3).minusDays(1);
    }

    /** {@code 2026Q3}. */
    @Override
    public String toString() {
        return year + "Q" + number;
    }
}
