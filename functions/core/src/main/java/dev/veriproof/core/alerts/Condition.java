package dev.veriproof.core.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.session.GuardrailAction;
import dev.veriproof.core.session.Outcome;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.core.session.SafetyFlag;
import dev.veriproof.core.session.Session;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A per-session condition tree (SPEC §7/§11): {@code {"any"|"all": [node, ...]}} where a node is a
 * nested group or a test {@code {"field", "op", "value"}}. The tests allowed are exactly:
 * {@code riskLevel in [levels]}, {@code decision.outcome is O}, {@code guardrails.action is A} (any
 * guardrail), {@code decision.confidence < x}, {@code intent contains s}, {@code governanceScore < n},
 * {@code model is s}, {@code contentSafety.flags includes [flags]} (the session raised any of them).
 * A test on a field the session lacks is false.
 */
public sealed interface Condition {
    int MAX_DEPTH = 4;
    int MAX_VALUE_LENGTH = 256;
    int MAX_TESTS = 32;

    boolean matches(Session session, int governanceScore);

    JsonNode toJson();

    record Group(boolean all, List<Condition> children) implements Condition {
        public Group {
            children = List.copyOf(children);
        }

        @Override
        public boolean matches(Session session, int score) {
            return all ? children.stream().allMatch(c -> c.matches(session, score))
                    : children.stream().anyMatch(c -> c.matches(session, score));
        }

        @Override
        public JsonNode toJson() {
            ObjectNode node = Json.mapper().createObjectNode();
            ArrayNode array = node.putArray(all ? "all" : "any");
            children.forEach(c -> array.add(c.toJson()));
            return node;
        }
    }

    record Test(String field, String op, JsonNode value) implements Condition {
        @Override
        public boolean matches(Session s, int score) {
            return switch (field) {
                case "riskLevel" -> s.riskLevel() != null && contains(value, s.riskLevel().name());
                case "decision.outcome" -> s.outcome() != null && s.outcome().name().equals(value.textValue());
                case "guardrails.action" -> s.guardrails().stream().anyMatch(g -> g.action().name().equals(value.textValue()));
                case "decision.confidence" -> s.confidence() != null && s.confidence() < value.doubleValue();
                case "intent" -> s.intent() != null && s.intent().contains(value.textValue());
                case "governanceScore" -> score < value.doubleValue();
                case "model" -> value.textValue().equals(s.model());
                case "contentSafety.flags" -> s.contentSafety() != null
                        && s.contentSafety().flags().stream().anyMatch(flag -> contains(value, flag.name()));
                default -> throw new IllegalStateException("unvalidated field " + field);
            };
        }

        private static boolean contains(JsonNode array, String text) {
            for (JsonNode v : array) if (v.textValue().equals(text)) return true;
            return false;
        }

        @Override
        public JsonNode toJson() {
            ObjectNode node = Json.mapper().createObjectNode();
            node.put("field", field);
            node.put("op", op);
            node.set("value", value);
            return node;
        }
    }

    Map<String, String> OPERATORS = Map.of("riskLevel", "in", "decision.outcome", "is", "guardrails.action", "is",
            "decision.confidence", "<", "intent", "contains", "governanceScore", "<", "model", "is",
            "contentSafety.flags", "includes");

    /** Parses and validates a condition; errors name the JSON path (under {@code path}). */
    static Condition parse(JsonNode node, String path) {
        int[] tests = {0};
        return parse(node, path, 1, tests);
    }

    private static Condition parse(JsonNode node, String path, int depth, int[] tests) {
        if (!(node instanceof ObjectNode object)) throw invalid(path, "a condition must be a JSON object");
        if (object.has("field") || object.has("op") || object.has("value")) return test(object, path, tests);
        if (object.size() != 1 || !(object.has("any") || object.has("all"))) {
            throw invalid(path, "a condition group has exactly one of \"any\" or \"all\"; a test has \"field\", \"op\" and \"value\"");
        }
        if (depth > MAX_DEPTH) throw invalid(path, "conditions nest at most " + MAX_DEPTH + " groups deep");
        boolean all = object.has("all");
        String childPath = path + (all ? ".all" : ".any");
        JsonNode children = object.get(all ? "all" : "any");
        if (!children.isArray() || children.isEmpty()) throw invalid(childPath, "must be a non-empty array of conditions");
        List<Condition> parsed = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) parsed.add(parse(children.get(i), childPath + "[" + i + "]", depth + 1, tests));
        return new Group(all, parsed);
    }

    private static Condition test(ObjectNode object, String path, int[] tests) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!Set.of("field", "op", "value").contains(name)) throw new RuleException("unknown_field", "Unknown field '" + name + "' in a condition test.", path + "." + name);
        }
        if (++tests[0] > MAX_TESTS) throw invalid(path, "a condition has at most " + MAX_TESTS + " tests");
        JsonNode fieldNode = object.get("field");
        if (fieldNode == null || !fieldNode.isTextual() || !OPERATORS.containsKey(fieldNode.textValue())) {
            throw invalid(path + ".field", "field must be one of " + String.join(", ", OPERATORS.keySet().stream().sorted().toList()));
        }
        String field = fieldNode.textValue();
        JsonNode opNode = object.get("op");
        String op = OPERATORS.get(field);
        if (opNode == null || !op.equals(opNode.textValue())) throw invalid(path + ".op", "the operator for " + field + " is \"" + op + "\"");
        JsonNode value = object.get("value");
        String valuePath = path + ".value";
        if (value == null) throw invalid(valuePath, "value is required");
        switch (field) {
            case "riskLevel" -> {
                if (!value.isArray() || value.isEmpty()) throw invalid(valuePath, "must be a non-empty array of risk levels");
                for (int i = 0; i < value.size(); i++) enumValue(value.get(i), RiskLevel.class, valuePath + "[" + i + "]");
            }
            case "contentSafety.flags" -> {
                if (!value.isArray() || value.isEmpty()) throw invalid(valuePath, "must be a non-empty array of content-safety flags");
                for (int i = 0; i < value.size(); i++) enumValue(value.get(i), SafetyFlag.class, valuePath + "[" + i + "]");
            }
            case "decision.outcome" -> enumValue(value, Outcome.class, valuePath);
            case "guardrails.action" -> enumValue(value, GuardrailAction.class, valuePath);
            case "decision.confidence" -> number(value, 0, 1, valuePath);
            case "governanceScore" -> number(value, 0, 100, valuePath);
            default -> {
                if (!value.isTextual() || value.textValue().isEmpty()) throw invalid(valuePath, "must be a non-empty string");
                if (value.textValue().length() > MAX_VALUE_LENGTH) {
                    throw new RuleException("too_large", "A condition value is at most " + MAX_VALUE_LENGTH + " characters.", valuePath);
                }
            }
        }
        return new Test(field, op, value.deepCopy());
    }

    private static <E extends Enum<E>> void enumValue(JsonNode value, Class<E> type, String path) {
        List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
        if (!value.isTextual() || !names.contains(value.textValue())) throw invalid(path, "must be one of " + String.join(", ", names));
    }

    private static void number(JsonNode value, double min, double max, String path) {
        if (!value.isNumber() || value.doubleValue() < min || value.doubleValue() > max) {
            throw invalid(path, "must be a number from " + (min == 0 && max == 1 ? "0 to 1" : (int) min + " to " + (int) max));
        }
    }

    private static RuleException invalid(String path, String message) {
        return new RuleException("invalid_condition", message + ".", path);
    }
}
