package dev.veriproof.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** JSON views of the stored governance records for the package: times and enums as text. */
final class Views {
    private Views() {}

    static JsonNode tree(Object value, Set<String> omit) {
        if (value == null) return Json.mapper().nullNode();
        if (value instanceof JsonNode node) return node;
        if (value instanceof Optional<?> o) return tree(o.orElse(null), omit);
        if (value instanceof Record r) {
            ObjectNode json = Json.mapper().createObjectNode();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                if (omit.contains(c.getName())) continue;
                try {
                    json.set(c.getName(), tree(c.getAccessor().invoke(r), omit));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return json;
        }
        if (value instanceof Map<?, ?> m) {
            ObjectNode json = Json.mapper().createObjectNode();
            m.forEach((k, v) -> json.set(String.valueOf(k), tree(v, omit)));
            return json;
        }
        if (value instanceof Collection<?> c) {
            ArrayNode json = Json.mapper().createArrayNode();
            c.forEach(v -> json.add(tree(v, omit)));
            return json;
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof String) return Json.mapper().valueToTree(value);
        return Json.mapper().getNodeFactory().textNode(value.toString());
    }
}
