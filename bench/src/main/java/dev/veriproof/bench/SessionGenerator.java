package dev.veriproof.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * Realistic session records (SPEC §3, every field) of exactly {@code size} bytes of compact JSON,
 * all different and reproducible: the same seed gives the same sessions. The reasoning text is
 * sized last so that the whole record lands on the requested size.
 */
final class SessionGenerator {
    private static final Instant BASE = Instant.parse("2025-03-01T08:00:00Z");
    private static final List<String> INTENTS = List.of("credit_decision", "fraud_review", "claim_triage",
            "support_reply", "kyc_check", "limit_increase");
    private static final List<String> MODELS = List.of("gpt-4.1", "gpt-4.1-mini", "claude-sonnet-4", "llama-3.1-70b");
    private static final List<String> OUTCOMES = List.of("APPROVED", "APPROVED", "DENIED", "DEFERRED", "ESCALATED");
    private static final List<String> RISK = List.of("MINIMAL", "LOW", "MEDIUM", "HIGH", "CRITICAL");
    private static final List<String> OVERSIGHT = List.of("HUMAN_IN_THE_LOOP", "HUMAN_ON_THE_LOOP", "HUMAN_IN_COMMAND", "NONE");
    private static final List<String> GUARDRAILS = List.of("pii-filter", "toxicity", "prompt-injection", "jailbreak",
            "fair-lending", "topic-allowlist", "output-schema");
    private static final List<String> ACTIONS = List.of("ALLOWED", "ALLOWED", "ALLOWED", "FLAGGED", "BLOCKED", "BYPASSED");
    private static final List<String> GROUNDING = List.of("GROUNDED", "GROUNDED", "PARTIAL", "UNGROUNDED");
    private static final List<String> FLAGS = List.of("HATE", "HARASSMENT", "VIOLENCE", "SELF_HARM", "SEXUAL", "PII",
            "PROMPT_INJECTION", "OTHER");
    private static final List<String> STEP_TYPES = List.of("LLM_CALL", "TOOL_CALL", "RETRIEVAL", "GUARDRAIL",
            "HUMAN_HANDOFF", "AGENT");
    private static final List<String> STEP_NAMES = List.of("assess", "fetch-bureau-report", "retrieve-policy",
            "check-pii", "summarize", "draft-letter", "score-affordability", "handoff-underwriter");
    private static final List<String> REGIONS = List.of("eu-west-1", "eu-central-1", "us-east-1", "ap-southeast-2");
    private static final String[] WORDS = ("income verified against payslips debt to income ratio within policy "
            + "bureau score stable no recent delinquencies employment tenure exceeds threshold collateral valued "
            + "independently applicant requested higher limit than affordability model supports therefore partial "
            + "approval recommended flagged for manual review because declared expenses differ from bank statements "
            + "policy section cites maximum exposure retrieved documents agree with the decision").split(" ");

    private final Random random;
    private final int size;

    SessionGenerator(long seed, int size) {
        this.random = new Random(seed);
        this.size = size;
    }

    /** The i-th session (ids built from {@code prefix} and i), as compact JSON of exactly {@code size} bytes. */
    String next(String prefix, int i, String applicationId) {
        Instant started = BASE.plusSeconds(37L * i).plusMillis(random.nextInt(1000));
        ObjectNode s = Json.mapper().createObjectNode();
        s.put("sessionId", String.format("%s-%06d", prefix, i));
        s.put("applicationId", applicationId);
        s.put("startedAt", started.toString());
        s.put("endedAt", started.plusMillis(500 + random.nextInt(30_000)).toString());
        s.putObject("sdk").put("name", "veriproof-python").put("version", "1.4." + random.nextInt(10));
        s.put("intent", pick(INTENTS));
        s.put("model", pick(MODELS));
        s.put("reasoning", "");
        s.putObject("decision").put("outcome", pick(OUTCOMES)).put("confidence", random.nextInt(101) / 100.0);
        s.put("riskLevel", pick(RISK));
        s.putObject("humanOversight").put("required", random.nextBoolean()).put("type", pick(OVERSIGHT))
                .put("reviewer", "u-" + random.nextInt(100));
        ArrayNode guardrails = s.putArray("guardrails");
        for (int g = 0, count = 3 + random.nextInt(3); g < count; g++) {
            guardrails.addObject().put("name", GUARDRAILS.get((i + g) % GUARDRAILS.size())).put("action", pick(ACTIONS))
                    .put("configVersion", Integer.toString(1 + random.nextInt(20)));
        }
        s.putObject("grounding").put("status", pick(GROUNDING)).put("sources", random.nextInt(8));
        ObjectNode safety = s.putObject("contentSafety");
        ArrayNode flags = safety.putArray("flags");
        for (int f = 0, count = random.nextInt(3); f < count; f++) flags.add(pick(FLAGS));
        safety.put("handled", random.nextBoolean());
        ArrayNode steps = s.putArray("steps");
        Instant stepStart = started;
        for (int k = 0, count = 6 + random.nextInt(4); k < count; k++) {
            Instant stepEnd = stepStart.plusMillis(20 + random.nextInt(2000));
            steps.addObject().put("spanId", Long.toHexString(random.nextLong())).put("type", pick(STEP_TYPES))
                    .put("name", pick(STEP_NAMES)).put("model", pick(MODELS))
                    .put("startedAt", stepStart.toString()).put("endedAt", stepEnd.toString())
                    .put("inputTokens", 100 + random.nextInt(4000)).put("outputTokens", 10 + random.nextInt(800));
            stepStart = stepEnd;
        }
        s.putObject("content").put("input", "Application " + i + " for a limit of " + (1000 + random.nextInt(50_000)) + " EUR")
                .put("output", "Decision letter drafted; reference " + Long.toHexString(random.nextLong()));
        ObjectNode attributes = s.putObject("attributes");
        attributes.put("region", pick(REGIONS)).put("channel", random.nextBoolean() ? "web" : "branch")
                .put("customerSegment", "segment-" + random.nextInt(12)).put("productCode", "PL-" + random.nextInt(400))
                .put("requestedAmount", 1000 + random.nextInt(50_000)).put("termMonths", 12 * (1 + random.nextInt(7)))
                .put("bureauScore", 300 + random.nextInt(550)).put("dti", random.nextInt(80) / 100.0)
                .put("existingCustomer", random.nextBoolean()).put("manualOverride", random.nextBoolean())
                .put("policyVersion", "2025." + (1 + random.nextInt(12))).put("tenantCostCenter", "cc-" + random.nextInt(90));

        int missing = size - Json.write(s).length;
        if (missing < 0) throw new IllegalStateException("a session without reasoning is already over " + size + " bytes");
        s.put("reasoning", reasoning(missing));
        byte[] json = Json.write(s);
        if (json.length != size) throw new IllegalStateException("generated " + json.length + " bytes, not " + size);
        return new String(json, StandardCharsets.UTF_8);
    }

    /** Plain ASCII prose of exactly {@code length} characters (one byte each in JSON, nothing to escape). */
    private String reasoning(int length) {
        StringBuilder text = new StringBuilder(length + 16);
        while (text.length() < length) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(text.length() % 7 == 0 ? ". " : " ");
        }
        text.setLength(length);
        return text.toString();
    }

    private String pick(List<String> values) {
        return values.get(random.nextInt(values.size()));
    }
}
