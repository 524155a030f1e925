package dev.veriproof.core.anchoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import java.time.Instant;

/** Where a batch root was published (SPEC §6.3): the chain, contract, transaction and block. */
public record Anchor(long chainId, String contract, String txHash, long blockNumber, Instant blockTime, String batchId) {

    public JsonNode toJson() {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("chainId", chainId);
        json.put("contract", contract);
        json.put("txHash", txHash);
        json.put("blockNumber", blockNumber);
        json.put("blockTime", blockTime.toString());
        json.put("batchId", batchId);
        return json;
    }

    /** Reads the JSON form; throws IllegalArgumentException naming the first bad field. */
    public static Anchor fromJson(JsonNode json) {
        if (json == null || !json.isObject()) throw new IllegalArgumentException("anchor must be a JSON object");
        try {
            return new Anchor(number(json, "chainId"), text(json, "contract"), text(json, "txHash"),
                    number(json, "blockNumber"), Instant.parse(text(json, "blockTime")), text(json, "batchId"));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("anchor.blockTime must be an RFC 3339 instant");
        }
    }

    private static String text(JsonNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || !value.isTextual()) throw new IllegalArgumentException("anchor." + name + " must be a string");
        return value.textValue();
    }

    private static long number(JsonNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("anchor." + name + " must be an integer");
        }
        return value.longValue();
    }
}
