package dev.veriproof.evidence;

import java.time.LocalDate;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A tenant's stored session items of one UTC day, in startedAt order. */
interface SessionSource {
    void forEach(String tenantId, LocalDate day, Consumer<Map<String, AttributeValue>> action);
}
