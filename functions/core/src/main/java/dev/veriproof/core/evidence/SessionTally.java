package dev.veriproof.core.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.session.Session;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running figures over the sessions of a package, fed one session at a time so that memory grows with
 * applications × days, never with sessions: per application and day (count, score sum, bands) and per
 * application (outcomes, risk levels), for the package's CSV reports. The scorecard's coverages come from
 * the rollups instead (dev.veriproof.core.posture), as for the live Compliance Center.
 */
public final class SessionTally {
    public static final String[] BANDS = {"EXCELLENT", "GOOD", "FAIR", "POOR", "CRITICAL"};
    private static final String UNKNOWN = "UNKNOWN";

    public static final class Day {
        public long sessions;
        public long scoreSum;
        public final Map<String, Long> bands = new TreeMap<>();
    }

    public static final class App {
        public final TreeMap<LocalDate, Day> days = new TreeMap<>();
        public final Map<String, Long> outcomes = new TreeMap<>();
        public final Map<String, Long> riskLevels = new TreeMap<>();
    }

    private final TreeMap<String, App> apps = new TreeMap<>();
    private long sessions;

    /** @param session the typed view of the session's stored record ({@code StoredSession.session()}) */
    public void add(String applicationId, LocalDate day, int score, String band, Session session) {
        sessions++;
        App app = apps.computeIfAbsent(applicationId, a -> new App());
        Day d = app.days.computeIfAbsent(day, x -> new Day());
        d.sessions++;
        d.scoreSum += score;
        d.bands.merge(band, 1L, Long::sum);
        app.outcomes.merge(session.outcome() == null ? UNKNOWN : session.outcome().name(), 1L, Long::sum);
        app.riskLevels.merge(session.riskLevel() == null ? UNKNOWN : session.riskLevel().name(), 1L, Long::sum);
    }

    /** Adds another tally's figures, e.g. those of another shard of the period. */
    public void merge(SessionTally other) {
        sessions += other.sessions;
        other.apps.forEach((id, o) -> {
            App app = apps.computeIfAbsent(id, a -> new App());
            o.days.forEach((day, od) -> {
                Day d = app.days.computeIfAbsent(day, x -> new Day());
                d.sessions += od.sessions;
                d.scoreSum += od.scoreSum;
                od.bands.forEach((b, n) -> d.bands.merge(b, n, Long::sum));
            });
            o.outcomes.forEach((k, n) -> app.outcomes.merge(k, n, Long::sum));
            o.riskLevels.forEach((k, n) -> app.riskLevels.merge(k, n, Long::sum));
        });
    }

    public JsonNode toJson() {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("sessions", sessions);
        ObjectNode applications = json.putObject("applications");
        apps.forEach((id, a) -> {
            ObjectNode app = applications.putObject(id);
            ObjectNode days = app.putObject("days");
            a.days.forEach((day, d) -> {
                ObjectNode node = days.putObject(day.toString());
                node.put("sessions", d.sessions);
                node.put("scoreSum", d.scoreSum);
                d.bands.forEach(node.putObject("bands")::put);
            });
            a.outcomes.forEach(app.putObject("outcomes")::put);
            a.riskLevels.forEach(app.putObject("riskLevels")::put);
        });
        return json;
    }

    public static SessionTally fromJson(JsonNode json) {
        SessionTally tally = new SessionTally();
        tally.sessions = json.path("sessions").asLong();
        json.path("applications").fields().forEachRemaining(e -> {
            App app = tally.apps.computeIfAbsent(e.getKey(), a -> new App());
            e.getValue().path("days").fields().forEachRemaining(d -> {
                Day day = app.days.computeIfAbsent(LocalDate.parse(d.getKey()), x -> new Day());
                day.sessions = d.getValue().path("sessions").asLong();
                day.scoreSum = d.getValue().path("scoreSum").asLong();
                d.getValue().path("bands").fields().forEachRemaining(b -> day.bands.put(b.getKey(), b.getValue().asLong()));
            });
            e.getValue().path("outcomes").fields().forEachRemaining(o -> app.outcomes.put(o.getKey(), o.getValue().asLong()));
            e.getValue().path("riskLevels").fields().forEachRemaining(r -> app.riskLevels.put(r.getKey(), r.getValue().asLong()));
        });
        return tally;
    }

    public long sessions() {
        return sessions;
    }

    public Map<String, App> applications() {
        return apps;
    }
}
