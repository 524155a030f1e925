package dev.veriproof.core.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.session.SessionValidator;
import dev.veriproof.core.session.Validation;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceMappingTest {
    private static final JsonNodeFactory N = JsonNodeFactory.instance;
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final long T0 = 1_763_633_700_000_000_000L; // 2025-11-20T10:15:00Z

    private static Map<String, JsonNode> attrs(Object... pairs) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) map.put((String) pairs[i], Json.mapper().valueToTree(pairs[i + 1]));
        return map;
    }

    private static Span span(String id, String parent, String name, long start, long end, Map<String, JsonNode> attributes) {
        return new Span(TRACE, id, parent, name, start, end, attributes, Map.of());
    }

    private static Span root(Map<String, JsonNode> attributes, Map<String, JsonNode> resource) {
        return new Span(TRACE, "00f067aa0ba902b7", "", "invoke_agent loan", T0, T0 + 2_500_000_123L, attributes, resource);
    }

    @Test
    void aRealisticAgentTraceMapsToAValidSessionFieldByField() {
        Span root = root(attrs("gen_ai.operation.name", "invoke_agent", "veriproof.session.id", "loan-0001",
                        "veriproof.session.intent", "credit_decision", "veriproof.decision.reasoning", "DTI 0.31",
                        "veriproof.decision.outcome", "APPROVED", "veriproof.decision.confidence", 0.82,
                        "veriproof.risk.level", "HIGH", "veriproof.human_oversight.required", true,
                        "veriproof.human_oversight.type", "HUMAN_IN_THE_LOOP", "veriproof.human_oversight.reviewer", "u-17",
                        "veriproof.grounding.status", "GROUNDED", "veriproof.grounding.sources", 3,
                        "veriproof.attributes.region", "eu-west-1", "veriproof.attributes.tier", 2),
                attrs("veriproof.application.id", "loan-review", "service.name", "loan-svc",
                        "telemetry.sdk.name", "opentelemetry", "telemetry.sdk.version", "1.68.0"));
        Span chat = span("a000000000000001", root.spanId(), "chat gpt-4.1", T0 + 1_000, T0 + 900_000_000L,
                attrs("gen_ai.operation.name", "chat", "gen_ai.request.model", "gpt-4.1", "gen_ai.response.model", "gpt-4.1-2025",
                        "gen_ai.usage.prompt_tokens", 812, "gen_ai.usage.output_tokens", 96, "gen_ai.system", "openai"));
        Span tool = span("a000000000000002", root.spanId(), "execute_tool credit_score", T0 + 1_000_000_000L, T0 + 1_200_000_000L,
                attrs("gen_ai.operation.name", "execute_tool", "gen_ai.tool.name", "credit_score"));
        Span guard = span("a000000000000003", root.spanId(), "pii-filter", T0 + 1_300_000_000L, T0 + 1_400_000_000L,
                attrs("veriproof.guardrail.action", "FLAGGED", "veriproof.guardrail.config_version", "7",
                        "veriproof.content_safety.flags", List.of("PII"), "veriproof.content_safety.handled", true));
        Span http = span("a000000000000004", tool.spanId(), "GET /score", T0 + 1_050_000_000L, T0 + 1_100_000_000L,
                attrs("http.request.method", "GET"));

        ObjectNode session = TraceMapping.toSession(root, List.of(guard, http, tool, chat));

        assertEquals("loan-0001", session.get("sessionId").asText());
        assertEquals("loan-review", session.get("applicationId").asText());
        assertEquals("2025-11-20T10:15:00Z", session.get("startedAt").asText());
        assertEquals("2025-11-20T10:15:02.500000123Z", session.get("endedAt").asText(), "nanoseconds are kept");
        assertEquals(Json.parse("{\"name\":\"opentelemetry\",\"version\":\"1.68.0\"}"), session.get("sdk"));
        assertEquals("gpt-4.1-2025", session.get("model").asText(), "the first LLM step's response model");
        assertEquals(Json.parse("{\"outcome\":\"APPROVED\",\"confidence\":0.82}"), session.get("decision"));
        assertEquals(Json.parse("{\"required\":true,\"type\":\"HUMAN_IN_THE_LOOP\",\"reviewer\":\"u-17\"}"), session.get("humanOversight"));
        assertEquals(Json.parse("[{\"name\":\"pii-filter\",\"action\":\"FLAGGED\",\"configVersion\":\"7\"}]"), session.get("guardrails"));
        assertEquals(Json.parse("{\"status\":\"GROUNDED\",\"sources\":3}"), session.get("grounding"));
        assertEquals(Json.parse("{\"flags\":[\"PII\"],\"handled\":true}"), session.get("contentSafety"));
        assertEquals(Json.parse("{\"region\":\"eu-west-1\",\"tier\":2}"), session.get("attributes"));
        JsonNode steps = session.get("steps");
        assertEquals(3, steps.size(), "the HTTP span has no gen_ai/veriproof attribute and is no step");
        assertEquals(Json.parse("""
                {"spanId":"a000000000000001","type":"LLM_CALL","name":"chat gpt-4.1","model":"gpt-4.1-2025",
                 "startedAt":"2025-11-20T10:15:00.000001Z","endedAt":"2025-11-20T10:15:00.900Z","inputTokens":812,"outputTokens":96}"""),
                steps.get(0), "deprecated prompt_tokens is accepted");
        assertEquals("TOOL_CALL", steps.get(1).get("type").asText());
        assertEquals("GUARDRAIL", steps.get(2).get("type").asText());

        Validation validation = SessionValidator.validate(session, Instant.parse("2026-01-01T00:00:00Z"));
        assertInstanceOf(Validation.Valid.class, validation, () -> validation.toString());
    }

    @Test
    void withoutVeriproofAttributesTheTraceIdAndServiceNameAreUsedAndStepTypeOverrides() {
        Span root = root(attrs("gen_ai.request.model", "m-1"), attrs("service.name", "support-bot",
                "telemetry.distro.name", "veriproof-otel", "telemetry.distro.version", "0.3", "telemetry.sdk.name", "opentelemetry"));
        Span handoff = span("a000000000000009", root.spanId(), "escalate", T0 + 5, T0 + 6,
                attrs("veriproof.step.type", "HUMAN_HANDOFF", "gen_ai.operation.name", "chat"));
        Span retrieval = span("a000000000000008", root.spanId(), "search", T0 + 5, T0 + 6, attrs("gen_ai.operation.name", "embeddings"));
        ObjectNode session = TraceMapping.toSession(root, List.of(handoff, retrieval));
        assertEquals(TRACE, session.get("sessionId").asText());
        assertEquals("support-bot", session.get("applicationId").asText());
        assertEquals("veriproof-otel", session.get("sdk").get("name").asText(), "the distro wins over the SDK");
        assertEquals("m-1", session.get("model").asText());
        assertEquals("RETRIEVAL", session.get("steps").get(0).get("type").asText(), "same start: ordered by span id");
        assertEquals("HUMAN_HANDOFF", session.get("steps").get(1).get("type").asText());
        assertFalse(session.has("guardrails"));
        assertFalse(session.has("contentSafety"));
    }

    @Test
    void aWronglyTypedAttributeReachesTheValidatorAndIsTracedBackToItsAttribute() {
        Span root = root(attrs("veriproof.risk.level", 3), attrs("service.name", "x"));
        Validation validation = SessionValidator.validate(TraceMapping.toSession(root, List.of()), Instant.parse("2026-01-01T00:00:00Z"));
        Validation.Invalid invalid = assertInstanceOf(Validation.Invalid.class, validation);
        assertEquals("$.riskLevel", invalid.error().field());
        assertEquals("root span attribute veriproof.risk.level", TraceMapping.attributeOf("$.riskLevel").orElseThrow());
        assertTrue(TraceMapping.attributeOf("$.steps[3].type").orElseThrow().contains("veriproof.step.type"));
    }

    @Test
    void structuredMessagesAreStoredAsTheirJsonText() {
        Span root = root(attrs("gen_ai.input.messages", List.of(Map.of("role", "user"))), attrs("service.name", "x"));
        Span chat = span("a000000000000001", root.spanId(), "chat", T0 + 1, T0 + 2, attrs("gen_ai.output.messages", "[\"ok\"]"));
        ObjectNode session = TraceMapping.toSession(root, List.of(chat));
        assertEquals("[{\"role\":\"user\"}]", session.get("content").get("input").asText());
        assertEquals("[\"ok\"]", session.get("content").get("output").asText());
    }

    @Test
    void spanLimitsNameWhatIsWrong() {
        Span ok = span("a000000000000001", "00f067aa0ba902b7", "s", T0, T0, attrs("k", "v"));
        assertTrue(SpanLimits.violation(ok).isEmpty());
        assertTrue(SpanLimits.violation(new Span("00000000000000000000000000000000", "a000000000000001", "", "s", 0, 0, Map.of(), Map.of()))
                .orElseThrow().contains("trace id"));
        Map<String, JsonNode> many = new LinkedHashMap<>();
        for (int i = 0; i <= SpanLimits.MAX_ATTRIBUTES_PER_SPAN; i++) many.put("k" + i, N.numberNode(i));
        assertTrue(SpanLimits.violation(span("a000000000000001", "", "s", 0, 0, many)).orElseThrow().contains("129 attributes"));
        String big = "x".repeat(SpanLimits.MAX_ATTRIBUTE_VALUE_BYTES + 1);
        assertTrue(SpanLimits.violation(span("a000000000000001", "", "s", 0, 0, attrs("gen_ai.input.messages", List.of(big))))
                .orElseThrow().contains("gen_ai.input.messages is 65537 bytes"));
    }
}
