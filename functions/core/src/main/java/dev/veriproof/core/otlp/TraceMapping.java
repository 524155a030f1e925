package dev.veriproof.core.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One trace, one AI decision: turns a root span and the other spans of its trace into the session
 * record of SPEC §3, by the table of SPEC §13 (first source present wins). Values are carried over
 * with their OTLP type and not coerced: a wrong type (a risk level sent as a number, say) reaches
 * the session validator, which rejects it naming the session field; {@link #attributeOf} says which
 * attribute that field came from.
 *
 * <p>Decisions the specification leaves open:
 * <ul>
 *   <li>a step whose {@code gen_ai.operation.name} is absent or unknown is typed from its other
 *       attributes: a {@code gen_ai.tool.*} attribute makes it a {@code TOOL_CALL}, a model a
 *       {@code LLM_CALL}, a {@code gen_ai.data_source.id} a {@code RETRIEVAL}, anything else an {@code AGENT};</li>
 *   <li>grounding, content input and the {@code veriproof.session.*}/{@code decision.*} fields come from
 *       the root; grounding and content fall back to the steps (content output: the last step that has it);</li>
 *   <li>a structured {@code gen_ai.input.messages}/{@code gen_ai.output.messages} value is stored as its JSON text.</li>
 * </ul>
 */
public final class TraceMapping {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String ATTRIBUTES_PREFIX = "veriproof.attributes.";

    private static final Map<String, String> OPERATION_STEP_TYPES = Map.ofEntries(
            Map.entry("chat", "LLM_CALL"), Map.entry("text_completion", "LLM_CALL"), Map.entry("generate_content", "LLM_CALL"),
            Map.entry("execute_tool", "TOOL_CALL"),
            Map.entry("retrieval", "RETRIEVAL"), Map.entry("embeddings", "RETRIEVAL"),
            Map.entry("invoke_agent", "AGENT"), Map.entry("create_agent", "AGENT"), Map.entry("invoke_workflow", "AGENT"));

    /** Session field (as a JSON path prefix) → the attribute it is read from, for error messages. */
    private static final Map<String, String> FIELD_SOURCES = Map.ofEntries(
            Map.entry("$.sessionId", "root span attribute veriproof.session.id (or the trace id)"),
            Map.entry("$.applicationId", "resource attribute veriproof.application.id (or service.name)"),
            Map.entry("$.startedAt", "the root span's start time"),
            Map.entry("$.endedAt", "the root span's end time"),
            Map.entry("$.sdk", "resource attributes telemetry.distro.* / telemetry.sdk.*"),
            Map.entry("$.intent", "root span attribute veriproof.session.intent"),
            Map.entry("$.reasoning", "root span attribute veriproof.decision.reasoning"),
            Map.entry("$.model", "attribute gen_ai.response.model / gen_ai.request.model"),
            Map.entry("$.decision.outcome", "root span attribute veriproof.decision.outcome"),
            Map.entry("$.decision.confidence", "root span attribute veriproof.decision.confidence"),
            Map.entry("$.riskLevel", "root span attribute veriproof.risk.level"),
            Map.entry("$.humanOversight.required", "root span attribute veriproof.human_oversight.required"),
            Map.entry("$.humanOversight.type", "root span attribute veriproof.human_oversight.type"),
            Map.entry("$.humanOversight.reviewer", "root span attribute veriproof.human_oversight.reviewer"),
            Map.entry("$.guardrails", "span attributes veriproof.guardrail.*"),
            Map.entry("$.grounding.status", "attribute veriproof.grounding.status"),
            Map.entry("$.grounding.sources", "attribute veriproof.grounding.sources"),
            Map.entry("$.contentSafety.flags", "attribute veriproof.content_safety.flags"),
            Map.entry("$.contentSafety.handled", "attribute veriproof.content_safety.handled"),
            Map.entry("$.steps", "the trace's child spans (gen_ai.* attributes, veriproof.step.type)"),
            Map.entry("$.content", "attributes gen_ai.input.messages / gen_ai.output.messages"),
            Map.entry("$.attributes", "root span attributes veriproof.attributes.*"));

    private TraceMapping() {}

    /** Orders spans as steps are listed: by start time, then span id. */
    public static final Comparator<Span> STEP_ORDER = Comparator.comparingLong(Span::startNanos).thenComparing(Span::spanId);

    /**
     * The session record of a trace.
     *
     * @param root   the trace's root span (with its resource)
     * @param others the trace's other spans, in any order; those without {@code gen_ai.*} or
     *               {@code veriproof.*} attributes are ignored
     */
    public static ObjectNode toSession(Span root, List<Span> others) {
        List<Span> steps = new ArrayList<>();
        for (Span span : others) if (!span.spanId().equals(root.spanId()) && span.describesDecision()) steps.add(span);
        steps.sort(STEP_ORDER);
        List<Span> all = new ArrayList<>(steps.size() + 1);
        all.add(root);
        all.addAll(steps);

        ObjectNode session = NODES.objectNode();
        session.set("sessionId", first(root.attribute("veriproof.session.id")).orElse(NODES.textNode(root.traceId())));
        first(root.resource().get("veriproof.application.id"), root.resource().get("service.name"))
                .ifPresent(v -> session.set("applicationId", v));
        session.put("startedAt", timestamp(root.startNanos()));
        if (root.endNanos() != 0) session.put("endedAt", timestamp(root.endNanos()));
        sdk(root.resource()).ifPresent(v -> session.set("sdk", v));
        first(root.attribute("veriproof.session.intent")).ifPresent(v -> session.set("intent", v));
        model(root).or(() -> steps.stream().filter(s -> "LLM_CALL".equals(stepType(s))).findFirst().flatMap(TraceMapping::model))
                .ifPresent(v -> session.set("model", v));
        first(root.attribute("veriproof.decision.reasoning")).ifPresent(v -> session.set("reasoning", v));
        object(root, "veriproof.decision.", "outcome", "confidence").ifPresent(v -> session.set("decision", v));
        first(root.attribute("veriproof.risk.level")).ifPresent(v -> session.set("riskLevel", v));
        object(root, "veriproof.human_oversight.", "required", "type", "reviewer").ifPresent(v -> session.set("humanOversight", v));
        guardrails(all).ifPresent(v -> session.set("guardrails", v));
        all.stream().map(s -> object(s, "veriproof.grounding.", "status", "sources")).flatMap(Optional::stream).findFirst()
                .ifPresent(v -> session.set("grounding", v));
        contentSafety(all).ifPresent(v -> session.set("contentSafety", v));
        if (!steps.isEmpty()) {
            ArrayNode array = session.putArray("steps");
            steps.forEach(s -> array.add(step(s)));
        }
        content(root, steps).ifPresent(v -> session.set("content", v));
        attributes(root).ifPresent(v -> session.set("attributes", v));
        return session;
    }

    /** Where a session field (a JSON path from the validator) came from, e.g. "root span attribute veriproof.risk.level". */
    public static Optional<String> attributeOf(String field) {
        if (field == null) return Optional.empty();
        String best = null;
        for (String prefix : FIELD_SOURCES.keySet()) {
            boolean matches = field.equals(prefix) || field.startsWith(prefix + ".") || field.startsWith(prefix + "[");
            if (matches && (best == null || prefix.length() > best.length())) best = prefix;
        }
        return Optional.ofNullable(best).map(FIELD_SOURCES::get);
    }

    /** The step type of a non-root span: {@code veriproof.step.type}, a guardrail, the GenAI operation, or a guess from its attributes. */
    static String stepType(Span span) {
        JsonNode declared = span.attribute("veriproof.step.type");
        if (declared != null && declared.isTextual()) return declared.textValue();
        if (hasPrefix(span, "veriproof.guardrail.")) return "GUARDRAIL";
        JsonNode operation = span.attribute("gen_ai.operation.name");
        if (operation != null && OPERATION_STEP_TYPES.containsKey(operation.asText())) return OPERATION_STEP_TYPES.get(operation.asText());
        if (hasPrefix(span, "gen_ai.tool.")) return "TOOL_CALL";
        if (span.attribute("gen_ai.response.model") != null || span.attribute("gen_ai.request.model") != null) return "LLM_CALL";
        if (span.attribute("gen_ai.data_source.id") != null) return "RETRIEVAL";
        return "AGENT";
    }

    private static ObjectNode step(Span span) {
        ObjectNode step = NODES.objectNode();
        step.put("spanId", span.spanId());
        JsonNode declared = span.attribute("veriproof.step.type");
        if (declared != null && !declared.isTextual()) step.set("type", declared); else step.put("type", stepType(span));
        if (!span.name().isEmpty()) step.put("name", span.name());
        model(span).ifPresent(v -> step.set("model", v));
        step.put("startedAt", timestamp(span.startNanos()));
        if (span.endNanos() != 0) step.put("endedAt", timestamp(span.endNanos()));
        first(span.attribute("gen_ai.usage.input_tokens"), span.attribute("gen_ai.usage.prompt_tokens"))
                .ifPresent(v -> step.set("inputTokens", v));
        first(span.attribute("gen_ai.usage.output_tokens"), span.attribute("gen_ai.usage.completion_tokens"))
                .ifPresent(v -> step.set("outputTokens", v));
        return step;
    }

    private static Optional<JsonNode> model(Span span) {
        return first(span.attribute("gen_ai.response.model"), span.attribute("gen_ai.request.model"));
    }

    private static Optional<JsonNode> guardrails(List<Span> spans) {
        ArrayNode guardrails = NODES.arrayNode();
        for (Span span : spans) {
            JsonNode action = span.attribute("veriproof.guardrail.action");
            if (action == null) continue;
            ObjectNode guardrail = guardrails.addObject();
            guardrail.set("name", first(span.attribute("veriproof.guardrail.name")).orElse(NODES.textNode(span.name())));
            guardrail.set("action", action);
            first(span.attribute("veriproof.guardrail.config_version")).ifPresent(v -> guardrail.set("configVersion", v));
        }
        return guardrails.isEmpty() ? Optional.empty() : Optional.of(guardrails);
    }

    private static Optional<JsonNode> contentSafety(List<Span> spans) {
        Set<JsonNode> flags = new LinkedHashSet<>();
        boolean anyFlags = false;
        boolean handled = false;
        JsonNode oddHandled = null;
        for (Span span : spans) {
            JsonNode spanFlags = span.attribute("veriproof.content_safety.flags");
            if (spanFlags != null) {
                anyFlags = true;
                if (spanFlags.isArray()) spanFlags.forEach(flags::add); else flags.add(spanFlags);
            }
            JsonNode spanHandled = span.attribute("veriproof.content_safety.handled");
            if (spanHandled != null) {
                if (spanHandled.isBoolean()) handled |= spanHandled.booleanValue(); else oddHandled = spanHandled;
            }
        }
        if (!anyFlags && !handled && oddHandled == null) return Optional.empty();
        ObjectNode safety = NODES.objectNode();
        if (anyFlags) safety.putArray("flags").addAll(flags);
        if (oddHandled != null) safety.set("handled", oddHandled); else if (handled) safety.put("handled", true);
        return Optional.of(safety);
    }

    private static Optional<JsonNode> content(Span root, List<Span> steps) {
        Optional<JsonNode> input = first(root.attribute("gen_ai.input.messages"))
                .or(() -> steps.stream().map(s -> s.attribute("gen_ai.input.messages")).filter(v -> v != null).findFirst());
        Optional<JsonNode> output = first(root.attribute("gen_ai.output.messages")).or(() -> {
            JsonNode last = null;
            for (Span step : steps) if (step.attribute("gen_ai.output.messages") != null) last = step.attribute("gen_ai.output.messages");
            return Optional.ofNullable(last);
        });
        if (input.isEmpty() && output.isEmpty()) return Optional.empty();
        ObjectNode content = NODES.objectNode();
        input.ifPresent(v -> content.set("input", asText(v)));
        output.ifPresent(v -> content.set("output", asText(v)));
        return Optional.of(content);
    }

    private static Optional<JsonNode> attributes(Span root) {
        ObjectNode attributes = NODES.objectNode();
        root.attributes().entrySet().stream()
                .filter(e -> e.getKey().startsWith(ATTRIBUTES_PREFIX) && e.getKey().length() > ATTRIBUTES_PREFIX.length())
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> attributes.set(e.getKey().substring(ATTRIBUTES_PREFIX.length()), e.getValue()));
        return attributes.isEmpty() ? Optional.empty() : Optional.of(attributes);
    }

    private static Optional<JsonNode> sdk(Map<String, JsonNode> resource) {
        String prefix = resource.containsKey("telemetry.distro.name") ? "telemetry.distro." : "telemetry.sdk.";
        JsonNode name = resource.get(prefix + "name");
        if (name == null) return Optional.empty();
        ObjectNode sdk = NODES.objectNode();
        sdk.set("name", name);
        JsonNode version = resource.get(prefix + "version");
        if (version != null) sdk.set("version", version);
        return Optional.of(sdk);
    }

    /** The fields {@code prefix + name} of a span as an object, or nothing when none is set. */
    private static Optional<JsonNode> object(Span span, String prefix, String... names) {
        ObjectNode object = NODES.objectNode();
        for (String name : names) {
            JsonNode value = span.attribute(prefix + name);
            if (value != null) object.set(name, value);
        }
        return object.isEmpty() ? Optional.empty() : Optional.of(object);
    }

    private static boolean hasPrefix(Span span, String prefix) {
        for (String key : span.attributes().keySet()) if (key.startsWith(prefix)) return true;
        return false;
    }

    private static Optional<JsonNode> first(JsonNode... candidates) {
        for (JsonNode candidate : candidates) if (candidate != null) return Optional.of(candidate);
        return Optional.empty();
    }

    private static JsonNode asText(JsonNode value) {
        return value.isTextual() ? value : NODES.textNode(new String(Json.write(value), StandardCharsets.UTF_8));
    }

    /** RFC 3339 in UTC with the nanoseconds kept (trailing zero groups dropped). */
    static String timestamp(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L)).toString();
    }
}
