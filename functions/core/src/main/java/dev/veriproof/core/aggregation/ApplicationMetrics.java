package dev.veriproof.core.aggregation;

import dev.veriproof.core.scoring.Band;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of SPEC §5/§11 derived from an application's daily rollups, as of {@code today}.
 * Averages are rounded half-up to 2 decimals; rates are fractions, null when there is nothing to
 * divide. The window of the three rates is the 30 days ending today; the risk rules use
 * {@link #window} for their own windows.
 */
public record ApplicationMetrics(LocalDate today, Window rolling7d, Window rolling30d,
                                 Double guardrailFailureRate, Double anchorCoverage, Double humanOversightCoverage,
                                 List<Day> daily) {

    /** Totals of the days {@code today - (days - 1)} .. {@code today}. */
    public record Window(int days, long sessions, Double averageScore, Map<String, Long> totals) {
        public long get(String counter) {
            return totals.getOrDefault(counter, 0L);
        }

        public Double rate(String numerator, String denominator) {
            return ApplicationMetrics.rate(get(numerator), get(denominator));
        }
    }

    public record Day(LocalDate date, long sessions, Double averageScore, Map<Band, Long> bands) {
    }

    public static ApplicationMetrics of(List<DailyRollup> rollups, LocalDate today) {
        Window w7 = window(rollups, today, 7);
        Window w30 = window(rollups, today, 30);
        List<Day> daily = rollups.stream()
                .filter(r -> inWindow(r.day(), today, 30) && r.get(Contribution.SESSIONS) > 0)
                .sorted(Comparator.comparing(DailyRollup::day))
                .map(ApplicationMetrics::day)
                .toList();
        return new ApplicationMetrics(today, w7, w30,
                w30.rate(Contribution.GUARDRAIL_FAILURES, Contribution.SESSIONS),
                w30.rate(Contribution.ANCHORED, Contribution.SESSIONS),
                w30.rate(Contribution.OVERSIGHT_HAD, Contribution.OVERSIGHT_REQUIRED),
                daily);
    }

    public static Window window(List<DailyRollup> rollups, LocalDate today, int days) {
        Map<String, Long> totals = new LinkedHashMap<>();
        for (DailyRollup r : rollups) {
            if (inWindow(r.day(), today, days)) r.counters().forEach((k, v) -> totals.merge(k, v, Long::sum));
        }
        long sessions = totals.getOrDefault(Contribution.SESSIONS, 0L);
        return new Window(days, sessions, average(totals.getOrDefault(Contribution.SCORE_SUM, 0L), sessions), Map.copyOf(totals));
    }

    private static Day day(DailyRollup r) {
        Map<Band, Long> bands = new LinkedHashMap<>();
        for (Band band : Band.values()) bands.put(band, r.get(Contribution.band(band)));
        long sessions = r.get(Contribution.SESSIONS);
        return new Day(r.day(), sessions, average(r.get(Contribution.SCORE_SUM), sessions), bands);
    }

    static boolean inWindow(LocalDate day, LocalDate today, int days) {
        return !day.isAfter(today) && day.isAfter(today.minusDays(days));
    }

    /** sum / count rounded half-up to 2 decimals; null for no sessions. */
    public static Double average(long sum, long count) {
        if (count == 0) return null;
        return BigDecimal.valueOf(sum).divide(BigDecimal.valueOf(count), 2, RoundingMode.HALF_UP).doubleValue();
    }

    /** A fraction 0..1 (rounded half-up to 4 decimals); null when the denominator is 0. */
    public static Double rate(long numerator, long denominator) {
        if (denominator == 0) return null;
        return BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), 4, RoundingMode.HALF_UP).doubleValue();
    }
}
