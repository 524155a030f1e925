package dev.veriproof.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.adapters.telemetry.Telemetry;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The ingest figures of one request, read from the receipts it answers: {@code SessionsStored},
 * {@code SessionsDuplicate}, and {@code SessionsRejected} per error code (dimension {@code errorCode}),
 * {@code BatchRootMismatch} besides.
 */
final class IngestMetrics {
    private IngestMetrics() {}

    static void record(JsonNode body) {
        int stored = 0;
        int duplicate = 0;
        Map<String, Integer> rejected = new TreeMap<>();
        Iterable<JsonNode> receipts = body.has("results") ? body.get("results") : java.util.List.of(body);
        for (JsonNode receipt : receipts) {
            if (receipt.has("error")) {
                rejected.merge(receipt.get("error").path("code").asText("unknown"), 1, Integer::sum);
            } else if (receipt.path("duplicate").asBoolean(false)) {
                duplicate++;
            } else {
                stored++;
            }
        }
        int storedCount = stored;
        int duplicateCount = duplicate;
        Telemetry.emit(m -> {
            m.addMetric("SessionsStored", storedCount, MetricUnit.COUNT);
            m.addMetric("SessionsDuplicate", duplicateCount, MetricUnit.COUNT);
        });
        rejected.forEach(IngestMetrics::rejected);
    }

    /** The whole request was refused (bad body, bad batch root, too large): one rejection under its code. */
    static void rejectedWhole(String code) {
        if (code.equals("batch_root_mismatch")) Telemetry.count("BatchRootMismatch", 1);
        rejected(code, 1);
    }

    private static void rejected(String code, int count) {
        Telemetry.emit(m -> {
            m.addDimension(DimensionSet.of("errorCode", code));
            m.addMetric("SessionsRejected", count, MetricUnit.COUNT);
        });
    }
}
