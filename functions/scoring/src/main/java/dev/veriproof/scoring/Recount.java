package dev.veriproof.scoring;

import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.core.aggregation.Contribution;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.session.Session;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The repair after a stream batch was given up (its records went to the on-failure queue, which
 * holds only pointers, and expire from the stream after 24 h): rebuilds an application's daily
 * rollups for a range of days from the sessions themselves ({@code tenant-day} index), then
 * re-evaluates its risk classification and metric alert rules.
 *
 * <p>Idempotent, and safe while ingest goes on: each day is read, recomputed and replaced with
 * {@link RollupStore#replace}, conditioned on the rollup not having changed since it was read (a
 * stream event counted meanwhile makes it read and recompute again); the markers of every session it
 * counts are written first, so a stream event still to come for one of them adds nothing. After a
 * replacement the day is read once more: a session that became visible in the index meanwhile makes
 * it recount the day.
 */
public final class Recount {
    static final int ATTEMPTS = 10;

    private final DynamoSessionStore sessions;
    private final RollupStore rollups;
    private final Aggregation aggregation;
    private final AlertStore alerts;
    private final Clock clock;

    public Recount(DynamoSessionStore sessions, RollupStore rollups, Aggregation aggregation, AlertStore alerts, Clock clock) {
        this.sessions = sessions;
        this.rollups = rollups;
        this.aggregation = aggregation;
        this.alerts = alerts;
        this.clock = clock;
    }

    /** What one day's recount found: the sessions counted and whether the stored rollup was different. */
    public record Day(LocalDate day, long sessions, boolean corrected) {}

    public List<Day> run(String tenantId, String applicationId, LocalDate from, LocalDate to) {
        if (to.isBefore(from)) throw new IllegalArgumentException("to " + to + " is before from " + from);
        if (to.toEpochDay() - from.toEpochDay() >= 366) throw new IllegalArgumentException("at most 366 days at a time");
        List<Day> days = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) days.add(recount(tenantId, applicationId, day));
        aggregation.evaluate(tenantId, applicationId, days.stream().anyMatch(Day::corrected), alerts.rules(tenantId));
        return days;
    }

    private Day recount(String tenantId, String applicationId, LocalDate day) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Optional<RollupStore.Stored> stored = rollups.find(tenantId, applicationId, day);
            Tally tally = tally(tenantId, applicationId, day);
            if (stored.isEmpty() && tally.sessions == 0) return new Day(day, 0, false);
            // reviews of waiting sessions are counted from the stream only (a session does not tell whether it waited):
            // their counters are kept as they are, never lost to the replacement
            stored.ifPresent(s -> Contribution.ofReview().keySet().forEach(name -> {
                if (s.counters().containsKey(name)) tally.counters.put(name, s.counters().get(name));
            }));
            boolean corrected = stored.map(s -> !s.counters().equals(tally.counters)).orElse(true);
            if (!rollups.replace(tenantId, applicationId, day, tally.counters, tally.models, tally.markers, stored, clock.instant())) continue;
            if (tally(tenantId, applicationId, day).sessions != tally.sessions) continue; // the index caught up meanwhile
            if (corrected) Log.info("rollup recounted", "tenantId", tenantId, "applicationId", applicationId, "day", day.toString(),
                    "sessions", tally.sessions, "before", stored.map(s -> s.counters().toString()).orElse("none"));
            return new Day(day, tally.sessions, corrected);
        }
        throw new IllegalStateException("the rollup of " + applicationId + " on " + day + " kept changing during " + ATTEMPTS
                + " recounts; run the recount again");
    }

    private static final class Tally {
        final Map<String, Long> counters = new HashMap<>();
        final List<String> markers = new ArrayList<>();
        final Map<String, Map<String, Long>> models = new HashMap<>();
        long sessions;
    }

    private Tally tally(String tenantId, String applicationId, LocalDate day) {
        Tally tally = new Tally();
        sessions.forEachOnDay(tenantId, day, view -> {
            StoredSession stored = view.session();
            if (!stored.applicationId().equals(applicationId)) return;
            Session session = stored.session();
            SessionEvent storedEvent = SessionEvent.of("recount", tenantId, session, stored.governanceScore(), SessionEvent.Change.STORED);
            add(tally, storedEvent.marker(), Contribution.ofSession(session, stored.governanceScore()));
            Map<String, Long> model = Contribution.ofModel(session, stored.governanceScore());
            if (session.model() != null && !model.isEmpty()) {
                model.forEach((name, value) -> tally.models.computeIfAbsent(session.model(), m -> new HashMap<>()).merge(name, value, Long::sum));
            }
            if (view.anchor().isPresent()) {
                SessionEvent anchored = SessionEvent.of("recount", tenantId, session, stored.governanceScore(), SessionEvent.Change.ANCHORED);
                add(tally, anchored.marker(), Contribution.ofAnchoring());
            }
            tally.sessions++;
        });
        return tally;
    }

    private static void add(Tally tally, String marker, Map<String, Long> counters) {
        tally.markers.add(marker);
        counters.forEach((name, value) -> tally.counters.merge(name, value, Long::sum));
    }
}
