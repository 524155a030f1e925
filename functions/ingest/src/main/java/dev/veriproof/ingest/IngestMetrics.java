package dev.veriproof.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.adapters.telemetry.MetricUnit;
import dev.veriproof.adapters.telemetry.Telemetry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ingest figures of one request, read from the receipts it answers: {@code SessionsStored},
 * {@code SessionsDuplicate}, and {@code SessionsRejected} per error code (dimension {@code errorCode}),
 * {@code BatchRootMismatch} besides. Both ingest routes report them: {@code POST /v1/sessions} and the
 * sessions assembled from OTLP traces.
 */
public final class IngestMetrics {
    private IngestMetrics() {}

    /** The sessions of one request, counted as their receipts come and emitted once at its end. */
    public static final class Tally {
        private int stored;
        private int duplicate;
        private final Map<String, Integer> rejected = new TreeMap<>();

        /** One receipt ({@code status}, {@code duplicate}) or error body ({@code error.code}) of a session. */
        public void add(JsonNode receipt) {
            if (receipt.has("error")) {
                rejected(receipt.get("error").path("code").asText("unknown"));
            } else if (receipt.path("duplicate").asBoolean(false)) {
                duplicate++;
            } else {
                stored++;
            }
        }

        /** A session refused before it reached ingest (an OTLP trace whose spans broke the limits, say). */
        public void rejected(String code) {
            rejected.merge(code, 1, Integer::sum);
        }

        public void emit() {
            int storedCount = stored;
            int duplicateCount = duplicate;
            Telemetry.emit(m -> {
                m.metric("SessionsStored", storedCount, MetricUnit.COUNT);
                m.metric("SessionsDuplicate", duplicateCount, MetricUnit.COUNT);
            });
            rejected.forEach(IngestMetrics::rejected);
        }
    }

    /** The answer of {@code POST /v1/sessions}: one receipt, or {@code results} of a batch. */
    static void record(JsonNode body) {
        Tally tally = new Tally();
        (body.has("results") ? body.get("results") : List.of(body)).forEach(tally::add);
        tally.emit();
    }

    /** The whole request was refused (bad body, bad batch root, too large): one rejection under its code. */
    static void rejectedWhole(String code) {
        if (code.equals("batch_root_mismatch")) Telemetry.count("BatchRootMismatch", 1);
        rejected(code, 1);
    }

    private static void rejected(String code, int count) {
        Telemetry.emit(m -> {
            m.breakdown("errorCode", code);
            m.metric("SessionsRejected", count, MetricUnit.COUNT);
        });
    }
}
