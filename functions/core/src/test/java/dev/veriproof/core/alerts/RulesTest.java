package dev.veriproof.core.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.core.aggregation.ApplicationMetrics;
import dev.veriproof.core.aggregation.DailyRollup;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.core.session.Session;
import dev.veriproof.core.session.SessionValidator;
import dev.veriproof.core.session.Validation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RulesTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private static AlertRule parse(String json) {
        return parse(json, false);
    }

    private static AlertRule parse(String json, boolean loopback) {
        return Rules.parse(Json.parse(json), "t", "rule_1", NOW, NOW, loopback);
    }

    private static Session session(String json) {
        return ((Validation.Valid) SessionValidator.validate(Json.parse(json), NOW)).session();
    }

    @Test
    void everyKindOfSpec7IsAccepted() {
        assertEquals("7d", parse("{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":70,\"severity\":\"HIGH\"}").window());
        assertEquals("30d", parse("{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"window\":\"30d\",\"threshold\":70,\"severity\":\"HIGH\"}").window());
        for (String kind : List.of("GUARDRAIL_FAILURE_RATE_ABOVE", "ANCHOR_COVERAGE_BELOW", "HUMAN_OVERSIGHT_COVERAGE_BELOW")) {
            assertEquals(0.2, parse("{\"name\":\"n\",\"applicationId\":\"*\",\"kind\":\"" + kind + "\",\"threshold\":0.2,\"severity\":\"LOW\"}").threshold());
        }
        assertEquals("HIGH", parse("{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"RISK_LEVEL_AT_LEAST\",\"threshold\":\"HIGH\",\"severity\":\"LOW\"}").threshold());
        assertEquals(AlertKind.SCORE_TARGET_MISSED, parse("{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SCORE_TARGET_MISSED\",\"severity\":\"LOW\"}").kind());
        assertEquals(null, parse("{\"name\":\"n\",\"applicationId\":\"*\",\"kind\":\"SDK_CIRCUIT_BREAKER_OPEN\",\"severity\":\"HIGH\"}").threshold());
        assertEquals(0.95, parse("{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SDK_EXPORT_SUCCESS_BELOW\",\"threshold\":0.95,\"severity\":\"LOW\"}").threshold());
        AlertRule silent = parse("{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SDK_SILENT\",\"threshold\":15,\"severity\":\"LOW\"}");
        assertEquals(15.0, silent.threshold());
        assertTrue(silent.kind().isSdk());
        assertFalse(silent.kind().isMetric());
        assertEquals(silent, Rules.parse(silent.toJson(), "t", "rule_1", NOW, NOW, false)); // what is stored reads back
        AlertRule session = parse("""
                {"name":"n","applicationId":"a","kind":"SESSION_CONDITION","severity":"CRITICAL",
                 "condition":{"any":[{"field":"riskLevel","op":"in","value":["CRITICAL"]},
                   {"all":[{"field":"decision.outcome","op":"is","value":"DENIED"},{"field":"decision.confidence","op":"<","value":0.5}]}]},
                 "notify":{"webhookUrl":"https://hooks.example.com/x","webhookSecret":"0123456789abcdef","eventBridge":true}}""");
        assertTrue(session.notification().eventBridge());
        assertEquals(session.condition(), Condition.parse(session.condition().toJson(), "$.condition"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"NOPE\",\"severity\":\"LOW\"}|$.kind",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"severity\":\"LOW\"}|$.threshold",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":101,\"severity\":\"LOW\"}|$.threshold",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ANCHOR_COVERAGE_BELOW\",\"threshold\":1.5,\"severity\":\"LOW\"}|$.threshold",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ANCHOR_COVERAGE_BELOW\",\"threshold\":\"x\",\"severity\":\"LOW\"}|$.threshold",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"RISK_LEVEL_AT_LEAST\",\"threshold\":\"HUGE\",\"severity\":\"LOW\"}|$.threshold",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SCORE_TARGET_MISSED\",\"threshold\":3,\"severity\":\"LOW\"}|$.threshold",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"window\":\"1d\",\"threshold\":3,\"severity\":\"LOW\"}|$.window",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ANCHOR_COVERAGE_BELOW\",\"window\":\"7d\",\"threshold\":0.3,\"severity\":\"LOW\"}|$.window",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":3,\"severity\":\"HUGE\"}|$.severity",
            "{\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":3,\"severity\":\"LOW\"}|$.name",
            "{\"name\":\"n\",\"applicationId\":\"a b\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":3,\"severity\":\"LOW\"}|$.applicationId",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":3,\"severity\":\"LOW\",\"extra\":1}|$.extra",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SESSION_CONDITION\",\"severity\":\"LOW\"}|$.condition",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":3,\"severity\":\"LOW\",\"condition\":{\"any\":[]}}|$.condition",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SESSION_CONDITION\",\"severity\":\"LOW\",\"condition\":{\"any\":[]}}|$.condition.any",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SESSION_CONDITION\",\"severity\":\"LOW\",\"condition\":{\"none\":[]}}|$.condition",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SESSION_CONDITION\",\"severity\":\"LOW\",\"condition\":{\"all\":[{\"field\":\"color\",\"op\":\"is\",\"value\":\"x\"}]}}|$.condition.all[0].field",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SESSION_CONDITION\",\"severity\":\"LOW\",\"condition\":{\"all\":[{\"field\":\"riskLevel\",\"op\":\"is\",\"value\":[\"HIGH\"]}]}}|$.condition.all[0].op",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SESSION_CONDITION\",\"severity\":\"LOW\",\"condition\":{\"all\":[{\"field\":\"riskLevel\",\"op\":\"in\",\"value\":[\"HIGH\",\"BAD\"]}]}}|$.condition.all[0].value[1]",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SESSION_CONDITION\",\"severity\":\"LOW\",\"condition\":{\"any\":[{\"field\":\"decision.confidence\",\"op\":\"<\",\"value\":2}]}}|$.condition.any[0].value",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SESSION_CONDITION\",\"severity\":\"LOW\",\"condition\":{\"any\":[{\"all\":[{\"field\":\"model\",\"op\":\"is\",\"value\":\"\"}]}]}}|$.condition.any[0].all[0].value",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":3,\"severity\":\"LOW\",\"notify\":{\"webhookUrl\":\"http://hooks.example.com\",\"webhookSecret\":\"0123456789abcdef\"}}|$.notify.webhookUrl",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":3,\"severity\":\"LOW\",\"notify\":{\"webhookUrl\":\"http://127.0.0.1:9/x\",\"webhookSecret\":\"0123456789abcdef\"}}|$.notify.webhookUrl",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":3,\"severity\":\"LOW\",\"notify\":{\"webhookUrl\":\"https://h.example.com\"}}|$.notify.webhookSecret",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":3,\"severity\":\"LOW\",\"notify\":{\"webhookUrl\":\"https://h.example.com\",\"webhookSecret\":\"short\"}}|$.notify.webhookSecret",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":3,\"severity\":\"LOW\",\"notify\":{\"sms\":\"x\"}}|$.notify.sms",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SDK_CIRCUIT_BREAKER_OPEN\",\"threshold\":1,\"severity\":\"LOW\"}|$.threshold",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SDK_EXPORT_SUCCESS_BELOW\",\"severity\":\"LOW\"}|$.threshold",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SDK_EXPORT_SUCCESS_BELOW\",\"threshold\":95,\"severity\":\"LOW\"}|$.threshold",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SDK_SILENT\",\"severity\":\"LOW\"}|$.threshold",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SDK_SILENT\",\"threshold\":2.5,\"severity\":\"LOW\"}|$.threshold",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SDK_SILENT\",\"threshold\":0,\"severity\":\"LOW\"}|$.threshold",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SDK_SILENT\",\"threshold\":10081,\"severity\":\"LOW\"}|$.threshold",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SDK_SILENT\",\"window\":\"7d\",\"threshold\":15,\"severity\":\"LOW\"}|$.window",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SESSION_CONDITION\",\"severity\":\"LOW\",\"condition\":{\"any\":[{\"field\":\"contentSafety.flags\",\"op\":\"includes\",\"value\":\"PII\"}]}}|$.condition.any[0].value",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SESSION_CONDITION\",\"severity\":\"LOW\",\"condition\":{\"any\":[{\"field\":\"contentSafety.flags\",\"op\":\"includes\",\"value\":[\"PII\",\"GORE\"]}]}}|$.condition.any[0].value[1]",
            "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"SESSION_CONDITION\",\"severity\":\"LOW\",\"condition\":{\"any\":[{\"field\":\"contentSafety.flags\",\"op\":\"in\",\"value\":[\"PII\"]}]}}|$.condition.any[0].op",
    })
    void badRulesAreRejectedNamingTheField(String body, String field) {
        RuleException e = assertThrows(RuleException.class, () -> parse(body));
        assertEquals(field, e.field(), e.getMessage());
    }

    @Test
    void loopbackWebhooksOnlyWhereAllowed() {
        String body = "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":3,\"severity\":\"LOW\",\"notify\":{\"webhookUrl\":\"%s\",\"webhookSecret\":\"0123456789abcdef\"}}";
        assertEquals("http://127.0.0.1:9/x", parse(body.formatted("http://127.0.0.1:9/x"), true).notification().webhookUrl());
        parse(body.formatted("http://localhost:9/x"), true);
        parse(body.formatted("http://[::1]:9/x"), true);
        assertThrows(RuleException.class, () -> parse(body.formatted("http://10.0.0.1/x"), true));
        assertThrows(RuleException.class, () -> parse(body.formatted("http://127.0.0.1.nip.io/x"), true));
        assertThrows(RuleException.class, () -> parse(body.formatted("ftp://127.0.0.1/x"), true));
    }

    @Test
    void webhooksAimedAtInternalTargetsAreRefusedWhateverTheirSpelling() {
        String body = "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":3,\"severity\":\"LOW\",\"notify\":{\"webhookUrl\":\"%s\",\"webhookSecret\":\"0123456789abcdef\"}}";
        for (String url : List.of("https://169.254.169.254/latest/meta-data/", "https://10.0.0.1/", "https://192.168.1.1/", "https://[fd00::1]/",
                "https://[::1]/", "https://127.0.0.1/", "https://localhost/", "https://[::ffff:169.254.169.254]/", "https://[::ffff:127.0.0.1]/",
                "https://api.localhost/", "https://172.31.255.255/", "https://100.64.0.1/", "https://[fe80::1%25eth0]/", "https://[ff02::1]/",
                "https://0.0.0.0/", "https://255.255.255.255/", "https://[64:ff9b::a9fe:a9fe]/", "https://user:pw@hooks.example.com/")) {
            RuleException e = assertThrows(RuleException.class, () -> parse(body.formatted(url), false), url);
            assertEquals("$.notify.webhookUrl", e.field(), url);
        }
        assertEquals("https://hooks.example.com/x", parse(body.formatted("https://hooks.example.com/x"), false).notification().webhookUrl());
        assertEquals("https://93.184.216.34/x", parse(body.formatted("https://93.184.216.34/x"), false).notification().webhookUrl());
        parse(body.formatted("https://[::1]:9/x"), true);
    }

    @Test
    void nullForAnOptionalRuleFieldIsInvalidType() {
        for (String field : List.of("window", "threshold", "condition", "notify")) {
            String body = "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"ROLLING_SCORE_BELOW\",\"threshold\":3,\"severity\":\"LOW\"}";
            String withNull = body.replace("\"threshold\":3", field.equals("threshold") ? "\"threshold\":null" : "\"threshold\":3,\"" + field + "\":null");
            RuleException e = assertThrows(RuleException.class, () -> parse(withNull));
            assertEquals("invalid_type", e.code(), field);
            assertEquals("$." + field, e.field(), field);
        }
    }

    @Test
    void conditionsTestEachSessionField() {
        Session s = session("""
                {"sessionId":"s","applicationId":"a","startedAt":"2026-11-26T10:00:00Z","riskLevel":"HIGH","intent":"credit_decision",
                 "model":"gpt-4.1","decision":{"outcome":"DENIED","confidence":0.4},"guardrails":[{"name":"g","action":"BYPASSED"}],
                 "contentSafety":{"flags":["PII","OTHER"]}}""");
        Session bare = session("{\"sessionId\":\"s\",\"applicationId\":\"a\",\"startedAt\":\"2026-11-26T10:00:00Z\"}");
        Map<String, String> tests = Map.of(
                "{\"field\":\"riskLevel\",\"op\":\"in\",\"value\":[\"HIGH\",\"CRITICAL\"]}", "{\"field\":\"riskLevel\",\"op\":\"in\",\"value\":[\"LOW\"]}",
                "{\"field\":\"decision.outcome\",\"op\":\"is\",\"value\":\"DENIED\"}", "{\"field\":\"decision.outcome\",\"op\":\"is\",\"value\":\"APPROVED\"}",
                "{\"field\":\"guardrails.action\",\"op\":\"is\",\"value\":\"BYPASSED\"}", "{\"field\":\"guardrails.action\",\"op\":\"is\",\"value\":\"FLAGGED\"}",
                "{\"field\":\"decision.confidence\",\"op\":\"<\",\"value\":0.5}", "{\"field\":\"decision.confidence\",\"op\":\"<\",\"value\":0.4}",
                "{\"field\":\"intent\",\"op\":\"contains\",\"value\":\"credit\"}", "{\"field\":\"intent\",\"op\":\"contains\",\"value\":\"loan\"}",
                "{\"field\":\"governanceScore\",\"op\":\"<\",\"value\":60}", "{\"field\":\"governanceScore\",\"op\":\"<\",\"value\":50}",
                "{\"field\":\"model\",\"op\":\"is\",\"value\":\"gpt-4.1\"}", "{\"field\":\"model\",\"op\":\"is\",\"value\":\"gpt-4\"}",
                "{\"field\":\"contentSafety.flags\",\"op\":\"includes\",\"value\":[\"HATE\",\"PII\"]}",
                "{\"field\":\"contentSafety.flags\",\"op\":\"includes\",\"value\":[\"HATE\"]}");
        tests.forEach((match, miss) -> {
            assertTrue(Condition.parse(Json.parse("{\"all\":[" + match + "]}"), "$").matches(s, 50), match);
            assertFalse(Condition.parse(Json.parse("{\"all\":[" + miss + "]}"), "$").matches(s, 50), miss);
            assertTrue(Condition.parse(Json.parse("{\"any\":[" + miss + "," + match + "]}"), "$").matches(s, 50));
            assertFalse(Condition.parse(Json.parse("{\"all\":[" + miss + "," + match + "]}"), "$").matches(s, 50));
            if (!match.contains("governanceScore")) assertFalse(Condition.parse(Json.parse("{\"all\":[" + match + "]}"), "$").matches(bare, 50), match);
        });
    }

    @Test
    void metricRulesCompareWithTheirThreshold() {
        LocalDate today = LocalDate.parse("2026-11-26");
        ApplicationMetrics m = ApplicationMetrics.of(List.of(new DailyRollup("a", today,
                Map.of("sessions", 4L, "scoreSum", 240L, "guardrailFailures", 2L, "anchored", 1L, "oversightRequired", 2L, "oversightHad", 1L))), today);
        String base = "{\"name\":\"n\",\"applicationId\":\"a\",\"kind\":\"%s\",\"severity\":\"LOW\"%s}";
        assertTrue(MetricCheck.of(parse(base.formatted("ROLLING_SCORE_BELOW", ",\"threshold\":61")), m, RiskLevel.LOW, 0).breached());
        assertFalse(MetricCheck.of(parse(base.formatted("ROLLING_SCORE_BELOW", ",\"threshold\":60")), m, RiskLevel.LOW, 0).breached());
        assertTrue(MetricCheck.of(parse(base.formatted("GUARDRAIL_FAILURE_RATE_ABOVE", ",\"threshold\":0.4")), m, null, 0).breached());
        assertFalse(MetricCheck.of(parse(base.formatted("GUARDRAIL_FAILURE_RATE_ABOVE", ",\"threshold\":0.5")), m, null, 0).breached());
        assertTrue(MetricCheck.of(parse(base.formatted("ANCHOR_COVERAGE_BELOW", ",\"threshold\":0.3")), m, null, 0).breached());
        assertEquals(0.25, MetricCheck.of(parse(base.formatted("ANCHOR_COVERAGE_BELOW", ",\"threshold\":0.3")), m, null, 0).value());
        assertTrue(MetricCheck.of(parse(base.formatted("HUMAN_OVERSIGHT_COVERAGE_BELOW", ",\"threshold\":0.9")), m, null, 0).breached());
        assertTrue(MetricCheck.of(parse(base.formatted("RISK_LEVEL_AT_LEAST", ",\"threshold\":\"HIGH\"")), m, RiskLevel.CRITICAL, 0).breached());
        assertFalse(MetricCheck.of(parse(base.formatted("RISK_LEVEL_AT_LEAST", ",\"threshold\":\"HIGH\"")), m, RiskLevel.MEDIUM, 0).breached());
        assertTrue(MetricCheck.of(parse(base.formatted("SCORE_TARGET_MISSED", "")), m, null, 61).breached());
        assertFalse(MetricCheck.of(parse(base.formatted("SCORE_TARGET_MISSED", "")), m, null, 60).breached());
        ApplicationMetrics empty = ApplicationMetrics.of(List.of(), today);
        assertFalse(MetricCheck.of(parse(base.formatted("ANCHOR_COVERAGE_BELOW", ",\"threshold\":0.3")), empty, null, 0).breached());
    }

    @Test
    void signatureIsHmacSha256OfTheRawBody() {
        // RFC 4231 test case 2
        assertEquals("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                WebhookSignature.of("what do ya want for nothing?".getBytes(StandardCharsets.UTF_8), "Jefe"));
    }
}
