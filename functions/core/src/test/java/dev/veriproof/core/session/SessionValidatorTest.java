package dev.veriproof.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionValidatorTest {

    static ObjectNode fullExample() {
        return (ObjectNode) Json.parse(SessionExamples.SPEC_EXAMPLE);
    }

    /** The full example with the value at {@code pointer} replaced by {@code json}, or removed for ABSENT. */
    static ObjectNode fullExampleWith(String pointer, String json) {
        ObjectNode session = fullExample();
        JsonPointer at = JsonPointer.compile(pointer);
        JsonNode parent = session.at(at.head());
        String last = at.last().getMatchingProperty();
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), Json.parse(json));
        } else if ("ABSENT".equals(json)) {
            ((ObjectNode) parent).remove(last);
        } else {
            ((ObjectNode) parent).set(last, Json.parse(json));
        }
        return session;
    }

    static Session valid(JsonNode session) {
        Validation validation = SessionValidator.validate(session, SessionExamples.NOW);
        return assertInstanceOf(Validation.Valid.class, validation, () -> validation.toString()).session();
    }

    static FieldError invalid(JsonNode session) {
        Validation validation = SessionValidator.validate(session, SessionExamples.NOW);
        return assertInstanceOf(Validation.Invalid.class, validation, () -> validation.toString()).error();
    }

    @Test
    void fullSpecExampleMapsToTypedSession() {
        Session session = valid(fullExample());

        assertEquals("loan-7f3a-0001", session.sessionId());
        assertEquals("loan-review", session.applicationId());
        assertEquals(Instant.parse("2026-11-20T10:15:00Z"), session.startedAt());
        assertEquals(Instant.parse("2026-11-20T10:15:02.500Z"), session.endedAt());
        assertEquals("veriproof-python", session.sdkName());
        assertEquals("1.4.2", session.sdkVersion());
        assertEquals("credit_decision", session.intent());
        assertEquals("gpt-4.1", session.model());
        assertEquals("Income verified; DTI 0.31", session.reasoning());
        assertEquals(Outcome.APPROVED, session.outcome());
        assertEquals(0.82, session.confidence());
        assertEquals(RiskLevel.HIGH, session.riskLevel());
        assertEquals(new Session.HumanOversight(true, OversightType.HUMAN_IN_THE_LOOP, "u-17"), session.humanOversight());
        assertEquals(List.of(new Session.Guardrail("pii-filter", GuardrailAction.ALLOWED, "7")), session.guardrails());
        assertEquals(new Session.Grounding(GroundingStatus.GROUNDED, 3), session.grounding());
        assertEquals(new Session.ContentSafety(List.of(SafetyFlag.PII), true), session.contentSafety());
        assertEquals(1, session.stepCount());
    }

    @Test
    void minimalSessionLeavesOptionalPartsEmpty() {
        Session session = valid(Json.parse(
                "{\"sessionId\":\"s1\",\"applicationId\":\"app\",\"startedAt\":\"2026-11-20T10:15:00Z\"}"));

        assertEquals(new Session("s1", "app", Instant.parse("2026-11-20T10:15:00Z"), null, null, null, null, null,
                null, null, null, null, null, List.of(), null, null, 0), session);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /startedAt                    | "2026-11-20T12:15:00+02:00"
            /startedAt                    | "2026-11-20T10:15:00.123456789Z"
            /startedAt                    | "2026-11-20t10:15:00z"
            /endedAt                      | "2026-11-20T10:15:00Z"
            /sessionId                    | "A-z_0.9:x"
            /decision/confidence          | 0
            /decision/confidence          | 1
            /decision                     | {}
            /sdk                          | {"name": ""}
            /humanOversight               | {}
            /guardrails                   | []
            /grounding                    | {"status": "PARTIAL"}
            /grounding/sources            | 0
            /contentSafety                | {}
            /contentSafety/flags          | ["HATE", "OTHER", "HATE"]
            /steps                        | [{"type": "AGENT"}]
            /steps/0/inputTokens          | 9007199254740991
            /content                      | {"any key at all": "", "x": "y"}
            /attributes                   | {"n": -1.5, "b": false, "s": "", "big": 9007199254740991, "low": -9007199254740991}
            /reasoning                    | ""
            """)
    void acceptsValuesAtTheEdgesOfEachRule(String pointer, String json) {
        valid(fullExampleWith(pointer, json));
    }

    @ParameterizedTest(name = "{0} = {1} -> {2} at {3}")
    @CsvSource(delimiter = '|', textBlock = """
            /sessionId                    | ABSENT                          | missing_field  | $.sessionId
            /sessionId                    | 42                              | invalid_type   | $.sessionId
            /sessionId                    | ""                              | invalid_value  | $.sessionId
            /sessionId                    | "loan 1"                        | invalid_value  | $.sessionId
            /sessionId                    | "a/b"                           | invalid_value  | $.sessionId
            /applicationId                | ABSENT                          | missing_field  | $.applicationId
            /applicationId                | ["loan-review"]                 | invalid_type   | $.applicationId
            /applicationId                | "loan review!"                  | invalid_value  | $.applicationId
            /startedAt                    | ABSENT                          | missing_field  | $.startedAt
            /startedAt                    | 1763633700                      | invalid_type   | $.startedAt
            /startedAt                    | "2026-11-20T10:15:00"           | invalid_value  | $.startedAt
            /startedAt                    | "2026-11-20 10:15:00Z"          | invalid_value  | $.startedAt
            /startedAt                    | "2026-11-20T10:15Z"             | invalid_value  | $.startedAt
            /startedAt                    | "2026-02-30T10:15:00Z"          | invalid_value  | $.startedAt
            /startedAt                    | "2026-11-20T10:15:00+0200"      | invalid_value  | $.startedAt
            /startedAt                    | "2026-11-20T10:25:00.001Z"      | invalid_value  | $.startedAt
            /endedAt                      | "2026-11-20T10:14:59.999Z"      | invalid_value  | $.endedAt
            /endedAt                      | "yesterday"                     | invalid_value  | $.endedAt
            /endedAt                      | null                            | invalid_type   | $.endedAt
            /sdk                          | "veriproof-python"              | invalid_type   | $.sdk
            /sdk/name                     | ABSENT                          | missing_field  | $.sdk.name
            /sdk/name                     | 1                               | invalid_type   | $.sdk.name
            /sdk/version                  | 1.4                             | invalid_type   | $.sdk.version
            /sdk/build                    | "x"                             | unknown_field  | $.sdk.build
            /intent                       | 7                               | invalid_type   | $.intent
            /model                        | null                            | invalid_type   | $.model
            /reasoning                    | {"text": "x"}                   | invalid_type   | $.reasoning
            /decision                     | "APPROVED"                      | invalid_type   | $.decision
            /decision/outcome             | "approved"                      | invalid_value  | $.decision.outcome
            /decision/outcome             | 1                               | invalid_type   | $.decision.outcome
            /decision/confidence          | 1.01                            | invalid_value  | $.decision.confidence
            /decision/confidence          | -0.1                            | invalid_value  | $.decision.confidence
            /decision/confidence          | "0.82"                          | invalid_type   | $.decision.confidence
            /decision/reason              | "x"                             | unknown_field  | $.decision.reason
            /riskLevel                    | "high"                          | invalid_value  | $.riskLevel
            /riskLevel                    | null                            | invalid_type   | $.riskLevel
            /humanOversight               | true                            | invalid_type   | $.humanOversight
            /humanOversight/required      | "yes"                           | invalid_type   | $.humanOversight.required
            /humanOversight/type          | "HUMAN"                         | invalid_value  | $.humanOversight.type
            /humanOversight/reviewer      | 17                              | invalid_type   | $.humanOversight.reviewer
            /humanOversight/at            | "now"                           | unknown_field  | $.humanOversight.at
            /guardrails                   | {"name": "pii-filter"}          | invalid_type   | $.guardrails
            /guardrails/0                 | "pii-filter"                    | invalid_type   | $.guardrails[0]
            /guardrails/0/name            | ABSENT                          | missing_field  | $.guardrails[0].name
            /guardrails/0/name            | " "                             | invalid_value  | $.guardrails[0].name
            /guardrails/0/action          | ABSENT                          | missing_field  | $.guardrails[0].action
            /guardrails/0/action          | "allowed"                       | invalid_value  | $.guardrails[0].action
            /guardrails/0/configVersion   | 7                               | invalid_type   | $.guardrails[0].configVersion
            /guardrails/0/score           | 1                               | unknown_field  | $.guardrails[0].score
            /grounding                    | "GROUNDED"                      | invalid_type   | $.grounding
            /grounding/status             | ABSENT                          | missing_field  | $.grounding.status
            /grounding/status             | "grounded"                      | invalid_value  | $.grounding.status
            /grounding/sources            | -1                              | invalid_value  | $.grounding.sources
            /grounding/sources            | 3.0                             | invalid_type   | $.grounding.sources
            /grounding/sources            | "3"                             | invalid_type   | $.grounding.sources
            /grounding/sources            | 2147483648                      | invalid_value  | $.grounding.sources
            /grounding/urls               | []                              | unknown_field  | $.grounding.urls
            /contentSafety                | ["PII"]                         | invalid_type   | $.contentSafety
            /contentSafety/flags          | "PII"                           | invalid_type   | $.contentSafety.flags
            /contentSafety/flags          | ["PII", "pii"]                  | invalid_value  | $.contentSafety.flags[1]
            /contentSafety/handled        | "true"                          | invalid_type   | $.contentSafety.handled
            /contentSafety/score          | 0.1                             | unknown_field  | $.contentSafety.score
            /steps                        | {"type": "LLM_CALL"}            | invalid_type   | $.steps
            /steps/0                      | 5                               | invalid_type   | $.steps[0]
            /steps/0/type                 | ABSENT                          | missing_field  | $.steps[0].type
            /steps/0/type                 | "LLM"                           | invalid_value  | $.steps[0].type
            /steps/0/spanId               | 1                               | invalid_type   | $.steps[0].spanId
            /steps/0/name                 | false                           | invalid_type   | $.steps[0].name
            /steps/0/model                | null                            | invalid_type   | $.steps[0].model
            /steps/0/startedAt            | "10:15"                         | invalid_value  | $.steps[0].startedAt
            /steps/0/endedAt              | 5                               | invalid_type   | $.steps[0].endedAt
            /steps/0/inputTokens          | -1                              | invalid_value  | $.steps[0].inputTokens
            /steps/0/outputTokens         | 1.5                             | invalid_type   | $.steps[0].outputTokens
            /steps/0/outputTokens         | 9007199254740992                | invalid_value  | $.steps[0].outputTokens
            /steps/0/cost                 | 0.02                            | unknown_field  | $.steps[0].cost
            /content                      | "text"                          | invalid_type   | $.content
            /content/input                | 42                              | invalid_type   | $.content.input
            /content/input                | null                            | invalid_type   | $.content.input
            /attributes                   | ["eu-west-1"]                   | invalid_type   | $.attributes
            /attributes/region            | null                            | invalid_type   | $.attributes.region
            /attributes/region            | {"name": "eu"}                  | invalid_type   | $.attributes.region
            /attributes/region            | ["eu"]                          | invalid_type   | $.attributes.region
            /attributes/region            | 1e400                           | invalid_value  | $.attributes.region
            /attributes/region            | 9007199254740993                | invalid_value  | $.attributes.region
            /attributes/region            | -12345678901234567890           | invalid_value  | $.attributes.region
            /tenantId                     | "other-tenant"                  | unknown_field  | $.tenantId
            /Intent                       | "x"                             | unknown_field  | $.Intent
            """)
    void rejectsWithCodeAndPath(String pointer, String json, String code, String field) {
        FieldError error = invalid(fullExampleWith(pointer, json));

        assertEquals(code, error.code(), error::toString);
        assertEquals(field, error.field(), error::toString);
        assertTrue(error.message().contains(field.substring(2)), () -> "message names the field: " + error);
    }

    @Test
    void bodyMustBeAnObject() {
        for (String body : List.of("[]", "\"session\"", "null", "3")) {
            FieldError error = invalid(Json.parse(body));
            assertEquals(new FieldError("invalid_type", error.message(), "$"), error);
        }
        assertEquals("The session must be a JSON object, got an array", invalid(Json.parse("[]")).message());
    }

    @Test
    void messagesSayWhatIsAllowed() {
        assertEquals("decision.outcome must be one of APPROVED, DENIED, DEFERRED, ESCALATED (case-sensitive), got \"approved\"",
                invalid(fullExampleWith("/decision/outcome", "\"approved\"")).message());
        assertEquals("model must be a string, got null (leave an optional field out rather than sending null)",
                invalid(fullExampleWith("/model", "null")).message());
        assertEquals("tenantId is not a field of a session; the fields are sessionId, applicationId, startedAt, endedAt,"
                        + " sdk, intent, model, reasoning, decision, riskLevel, humanOversight, guardrails, grounding,"
                        + " contentSafety, steps, content, attributes",
                invalid(fullExampleWith("/tenantId", "\"t\"")).message());
        assertEquals("sessionId has a character outside the allowed set, got \"loan 1\"; use 1 to 128 characters of"
                        + " A-Z a-z 0-9 . _ : - (not \".\" or \"..\")",
                invalid(fullExampleWith("/sessionId", "\"loan 1\"")).message());
        assertEquals("startedAt must be an RFC 3339 timestamp with seconds and an offset, e.g. 2026-11-20T10:15:00Z,"
                        + " in the years 1970 to 2099, got \"2026-11-20T10:15:00\"",
                invalid(fullExampleWith("/startedAt", "\"2026-11-20T10:15:00\"")).message());
        assertEquals("grounding.sources must be an integer (no fraction or exponent), got a number",
                invalid(fullExampleWith("/grounding/sources", "3.0")).message());
    }

    @Test
    void identifiersAreAtMost128Characters() {
        valid(fullExampleWith("/sessionId", "\"" + "s".repeat(128) + "\""));
        FieldError error = invalid(fullExampleWith("/applicationId", "\"" + "a".repeat(129) + "\""));

        assertEquals(new FieldError("invalid_value", "applicationId is 129 characters long; use 1 to 128 characters"
                + " of A-Z a-z 0-9 . _ : - (not \".\" or \"..\")", "$.applicationId"), error);
    }

    @Test
    void sessionIdsThatPathsCannotAddressAreRefused() {
        for (String id : new String[] {".", ".."}) {
            FieldError error = invalid(fullExampleWith("/sessionId", "\"" + id + "\""));
            assertEquals(new FieldError("invalid_value", "sessionId must not be \".\" or \"..\"; use 1 to 128 characters"
                    + " of A-Z a-z 0-9 . _ : - (not \".\" or \"..\")", "$.sessionId"), error);
        }
        valid(fullExampleWith("/sessionId", "\"...\""));
    }

    @Test
    void timestampsOutsideTheDocumentedRangeAreRefused() {
        for (String at : new String[] {"0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "9999-12-31T23:59:59Z", "2026-11-20T10:15Z"}) {
            assertEquals("$.endedAt", invalid(fullExampleWith("/endedAt", "\"" + at + "\"")).field(), at);
        }
    }

    @Test
    void startedAtMayBeAtMostFiveMinutesAhead() {
        ObjectNode atTheLimit = fullExampleWith("/startedAt", "\"2026-11-20T10:25:00Z\"");
        atTheLimit.remove("endedAt");
        assertEquals(Instant.parse("2026-11-20T10:25:00Z"), valid(atTheLimit).startedAt());

        FieldError error = invalid(fullExampleWith("/startedAt", "\"2026-11-20T10:25:01Z\""));

        assertEquals("$.startedAt", error.field());
        assertEquals("startedAt (2026-11-20T10:25:01Z) is more than 5 minutes after the server's time"
                + " (2026-11-20T10:20:00Z); send when the session started, and check the client's clock", error.message());
    }

    @Test
    void atMost256Steps() {
        ObjectNode session = fullExample();
        ArrayNode steps = session.putArray("steps");
        for (int i = 0; i < 256; i++) {
            steps.addObject().put("type", "TOOL_CALL");
        }
        assertEquals(256, valid(session).stepCount());

        steps.addObject().put("type", "TOOL_CALL");
        assertEquals(new FieldError("too_large", "steps has 257 entries; at most 256 are accepted", "$.steps"),
                invalid(session));
    }

    @Test
    void atMost64Attributes() {
        ObjectNode session = fullExample();
        ObjectNode attributes = session.putObject("attributes");
        for (int i = 0; i < 64; i++) {
            attributes.put("k" + i, i);
        }
        valid(session);

        attributes.put("one-too-many", true);
        assertEquals(new FieldError("too_large", "attributes has 65 entries; at most 64 are accepted", "$.attributes"),
                invalid(session));
    }

    /** The full example with an empty {@code content.input}, and how many bytes of JSON it leaves below 256 KiB. */
    private record Padded(ObjectNode session, ObjectNode content, int room) {
        static Padded ofFullExample() {
            ObjectNode session = fullExample();
            ObjectNode content = (ObjectNode) session.get("content");
            content.put("input", "");
            return new Padded(session, content, SessionValidator.MAX_SESSION_BYTES - Json.write(session).length);
        }
    }

    @Test
    void atMost256KibPerSession() {
        Padded padded = Padded.ofFullExample();
        ObjectNode session = padded.session();
        ObjectNode content = padded.content();
        int padding = padded.room();
        content.put("input", "x".repeat(padding));
        assertEquals(262_144, Json.write(session).length);
        valid(session);

        content.put("input", "x".repeat(padding + 1));
        FieldError error = invalid(session);
        assertEquals("too_large", error.code());
        assertEquals("$", error.field());
        assertEquals("The session is 262145 bytes of JSON; at most 262144 bytes (256 KiB) are accepted per session",
                error.message());
    }

    /** The size is counted before it is measured: text whose every character takes the most bytes (6) must not slip through. */
    @Test
    void atMost256KibPerSessionAlsoWhenEveryCharacterIsEscaped() {
        Padded padded = Padded.ofFullExample();
        ObjectNode session = padded.session();
        ObjectNode content = padded.content();
        int room = padded.room();
        content.put("input", "\u0001".repeat(room / 6) + "x".repeat(room % 6));
        assertEquals(262_144, Json.write(session).length);
        valid(session);

        content.put("input", "\u0001".repeat(room / 6 + 1));
        int bytes = Json.write(session).length;
        assertTrue(bytes > 262_144);
        assertEquals("The session is " + bytes + " bytes of JSON; at most 262144 bytes (256 KiB) are accepted per session",
                invalid(session).message());
    }

    @Test
    void pathsQuoteKeysThatAreNotPlainNames() {
        FieldError error = invalid(fullExampleWith("/attributes", "{\"cost center\": [1]}"));

        assertEquals("$.attributes['cost center']", error.field());
        assertEquals("unknown_field", invalid(fullExampleWith("/o'k", "1")).code());
        assertEquals("$['o\\'k']", invalid(fullExampleWith("/o'k", "1")).field());
    }

    @Test
    void reportsTheFirstProblemInDocumentOrder() {
        ObjectNode session = (ObjectNode) Json.parse(
                "{\"riskLevel\":\"high\",\"sessionId\":\"s\",\"applicationId\":\"a\",\"startedAt\":\"2026-11-20T10:15:00Z\",\"x\":1}");

        assertEquals("$.riskLevel", invalid(session).field());
        session.put("riskLevel", "HIGH");
        assertEquals("$.x", invalid(session).field());
        session.remove("x");
        session.remove("sessionId");
        assertEquals("$.sessionId", invalid(session).field());
    }

    @Test
    void quotedValuesInMessagesAreShortened() {
        String message = invalid(fullExampleWith("/riskLevel", "\"" + "H".repeat(500) + "\"")).message();

        assertTrue(message.endsWith("got \"" + "H".repeat(64) + "...\""), message);
    }

    @Test
    void stepTimesAndOptionalNestedFieldsMayBeLeftOut() {
        Session session = valid(fullExampleWith("/humanOversight", "{\"type\": \"NONE\"}"));

        assertEquals(new Session.HumanOversight(null, OversightType.NONE, null), session.humanOversight());
        assertNull(valid(fullExampleWith("/grounding/sources", "ABSENT")).grounding().sources());
        assertEquals(List.of(), valid(fullExampleWith("/contentSafety", "{\"handled\": false}")).contentSafety().flags());
    }
}
