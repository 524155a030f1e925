package dev.veriproof.scoring;

import com.amazonaws.services.lambda.runtime.Context;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.adapters.telemetry.Telemetry;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recount command (docs/operations-runbook.md): invoked by an operator with
 * {@code {"tenantId": "...", "applicationId": "...", "from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}};
 * answers, per day, the sessions counted and whether the rollup was corrected.
 */
public final class RecountHandler extends PrimedHandler<Map<String, Object>, Map<String, Object>> {
    private final Recount recount;

    public RecountHandler() {
        this(new Recount(new DynamoSessionStore(AwsClients.dynamoDb(), Config.sessionsTable()), Scoring.rollups(), Scoring.aggregation(Clock.systemUTC()),
                Scoring.alerts(), Clock.systemUTC()));
    }

    RecountHandler(Recount recount) {
        this.recount = recount;
    }

    /** Every run replaces rollups: none is handled before the snapshot. */
    @Override
    protected Map<String, Object> primingEvent() {
        return null;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Telemetry.begin(context);
        String tenantId = text(input, "tenantId");
        String applicationId = text(input, "applicationId");
        LocalDate from = date(input, "from");
        LocalDate to = input.containsKey("to") ? date(input, "to") : from;
        List<Recount.Day> days = recount.run(tenantId, applicationId, from, to);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("tenantId", tenantId);
        result.put("applicationId", applicationId);
        result.put("days", days.stream().map(d -> Map.of("day", d.day().toString(), "sessions", d.sessions(), "corrected", d.corrected())).toList());
        result.put("corrected", days.stream().filter(Recount.Day::corrected).count());
        return result;
    }

    private static String text(Map<String, Object> input, String name) {
        Object value = input == null ? null : input.get(name);
        if (!(value instanceof String s) || s.isBlank()) throw new IllegalArgumentException(name + " is required (a string)");
        return s;
    }

    private static LocalDate date(Map<String, Object> input, String name) {
        String text = text(input, name);
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be a date YYYY-MM-DD, not " + text);
        }
    }
}
