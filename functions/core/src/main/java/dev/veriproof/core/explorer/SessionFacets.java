package dev.veriproof.core.explorer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * What the explorer filters on that only the session record holds: its risk level, decision
 * outcome, model and content-safety flags (null or empty when the record has none). Stored beside
 * the record so that an index can filter on them without reading it.
 */
public record SessionFacets(String riskLevel, String outcome, String model, List<String> contentSafetyFlags) {
    /** Flags are a set: kept sorted and without repeats, so that facets read back from an item equal those written. */
    public SessionFacets {
        contentSafetyFlags = contentSafetyFlags.size() < 2 ? List.copyOf(contentSafetyFlags) : contentSafetyFlags.stream().distinct().sorted().toList();
    }

    /** The facets of a canonical session record (validated at ingest). */
    public static SessionFacets of(String canonicalRecord) {
        return of(Json.parse(canonicalRecord));
    }

    /** The facets of a session record as stored (redaction never touches these four fields), already parsed. */
    public static SessionFacets of(JsonNode record) {
        List<String> flags = new ArrayList<>();
        record.path("contentSafety").path("flags").forEach(flag -> flags.add(flag.asText()));
        return new SessionFacets(text(record.path("riskLevel")), text(record.path("decision").path("outcome")),
                text(record.path("model")), flags);
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.textValue().isEmpty() ? node.textValue() : null;
    }
}
