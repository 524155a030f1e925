package dev.veriproof.evidence;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.veriproof.core.evidence.SessionTally;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/** The reports drawn from the session lines' facts: anchors.json, the two CSV reports and the human review trail. */
final class SessionReports {
    private SessionReports() {}

    /** Copies the review lines the shards wrote, in the period's order. */
    interface ReviewTrail {
        void copyTo(OutputStream out) throws IOException;
    }

    static void write(SessionFacts sessions, ReviewTrail reviews, ReportFiles files) throws IOException {
        ArrayNode anchors = Json.mapper().createArrayNode();
        sessions.anchors.values().forEach(anchors::add);
        files.json("anchors.json", anchors);
        files.bytes("score-timeseries.csv", timeseries(sessions.tally));
        files.bytes("outcomes-risk.csv", outcomes(sessions.tally));
        try (OutputStream out = files.open("human-review-trail.jsonl")) {
            reviews.copyTo(out);
        }
    }

    /** Per application and day: sessions, average score, sessions per band. */
    static byte[] timeseries(SessionTally tally) {
        StringBuilder csv = new StringBuilder("applicationId,date,sessions,averageScore");
        for (String band : SessionTally.BANDS) csv.append(',').append(band);
        csv.append('\n');
        tally.applications().forEach((app, a) -> a.days.forEach((day, d) -> {
            csv.append(app).append(',').append(day).append(',').append(d.sessions).append(',')
                    .append(BigDecimal.valueOf(d.scoreSum).divide(BigDecimal.valueOf(d.sessions), 2, RoundingMode.HALF_UP).toPlainString());
            for (String band : SessionTally.BANDS) csv.append(',').append(d.bands.getOrDefault(band, 0L));
            csv.append('\n');
        }));
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Per application: sessions per outcome and per risk level. */
    static byte[] outcomes(SessionTally tally) {
        StringBuilder csv = new StringBuilder("applicationId,dimension,value,sessions\n");
        tally.applications().forEach((app, a) -> {
            a.outcomes.forEach((k, v) -> csv.append(app).append(",outcome,").append(k).append(',').append(v).append('\n'));
            a.riskLevels.forEach((k, v) -> csv.append(app).append(",riskLevel,").append(k).append(',').append(v).append('\n'));
        });
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }
}
