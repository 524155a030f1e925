package dev.veriproof.core.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class QuarterTest {
    @Test
    void theFirstDayOfAQuarterExportsThePreviousOne() {
        Quarter q = Quarter.previous(LocalDate.parse("2026-10-01"));
        assertEquals("2026Q3", q.toString());
        assertEquals(LocalDate.parse("2026-07-01"), q.from());
        assertEquals(LocalDate.parse("2026-09-30"), q.to());
        Quarter lastYear = Quarter.previous(LocalDate.parse("2027-01-01"));
        assertEquals("2026Q4", lastYear.toString());
        assertEquals(LocalDate.parse("2026-12-31"), lastYear.to());
        assertEquals(LocalDate.parse("2026-03-31"), Quarter.previous(LocalDate.parse("2026-04-15")).to());
    }
}
