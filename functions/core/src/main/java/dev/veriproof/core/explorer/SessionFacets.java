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
    public SessionFacets {
        contentSafetyFlags = List.copyOf(contentSafetyFlags);
    }

    /** The facets of a canonical session record (validated at ingest). */
    public static SessionFacets of(String canonicalRecord) {
        JsonNode record = Json.parse(canonicalRecord);
        List<String> flags = new ArrayList<>();
        record.path("contentSafety").path("flags").forEach(flag -> {
            if (!flags.contains(flag.asText())) flags.add(flag.asText());
        });
        return new SessionFacets(text(record.path("riskLevel")), text(record.path("decision").path("outcome")),
                text(record.path("model")), flags);
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.textValue().isEmpty() ? node.textValue() : null;
    }
}
