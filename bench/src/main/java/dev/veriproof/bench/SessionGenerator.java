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
 * all different and reproducible: the same seed gives the same sessions. Prompts, answers, grounding
 * snippets and reasoning are varied prose (see {@link #prose}), intents and models vary, so that a
 * package of them deflates like the API's real traffic (print it with {@link #deflateRatio}) rather
 * than like a repeated phrase. The reasoning text is sized last so that the whole record lands on the
 * requested size.
 */
public final class SessionGenerator {
    private static final Instant BASE = Instant.parse("2025-03-01T08:00:00Z");
    private static final List<String> INTENTS = List.of("credit_decision", "fraud_review", "claim_triage",
            "support_reply", "kyc_check", "limit_increase", "hardship_assessment", "collections_plan", "dispute_resolution",
            "account_closure", "address_change", "chargeback_review", "income_verification", "affordability_check");
    private static final List<String> MODELS = List.of("gpt-4.1", "gpt-4.1-mini", "gpt-4o-2024-08-06", "claude-sonnet-4",
            "claude-3-5-haiku-20241022", "llama-3.1-70b-instruct", "mistral-large-2411", "gemini-2.0-flash", "internal-risk-v7.3");
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
    private static final List<String> PRODUCTS = List.of("personal loan", "credit card", "mortgage top-up", "car finance",
            "overdraft", "small business line", "student loan", "buy now pay later");
    private static final List<String> TOOLS = List.of("bureau.lookup", "bank.statements", "policy.search", "kyc.verify",
            "fraud.score", "crm.history", "pricing.quote", "sanctions.screen", "income.estimate", "ticket.create");
    /** Domain words, the most frequent; the rest of the vocabulary is built from syllables (below). */
    private static final String[] COMMON = ("the a of to and in for is on that with as by this from be at or are an was it "
            + "applicant customer income debt ratio policy score bureau limit approval review risk payment account statement "
            + "balance employer salary month months year years loan credit affordability exposure collateral document "
            + "documents evidence manual underwriter decision recommend declined approved partial flagged because however "
            + "verified declared expenses rent mortgage dependants arrears default missed late recent history stable "
            + "threshold section clause guideline requested amount term rate interest fee fees total net gross household "
            + "retrieved passage source grounded cites according summary letter draft reference ticket escalate").split(" ");
    private static final String[] SYLLABLES = ("ka lo mi ne su ra te vo pi da re mo li na tu be co fa gi ho ju ke lu ma "
            + "ni po qua ri sa ti ul ve wo xi yo ze an el in or un st tr pl gr br ch sh th ph ck nd nt rs ly ing ed er "
            + "ment tion able ness ful").split(" ");
    private static final List<String> LEXICON = lexicon();

    private static List<String> lexicon() {
        Random r = new Random(7);
        List<String> words = new java.util.ArrayList<>(List.of(COMMON));
        java.util.Set<String> seen = new java.util.HashSet<>(words);
        while (words.size() < 6000) {
            StringBuilder w = new StringBuilder();
            for (int k = 0, n = 1 + r.nextInt(3); k < n; k++) w.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
            if (seen.add(w.toString())) words.add(w.toString());
        }
        return List.copyOf(words);
    }

    private static final int MIN_REASONING = 160;

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
        for (int k = 0, count = 5 + random.nextInt(4); k < count; k++) {
            Instant stepEnd = stepStart.plusMillis(20 + random.nextInt(2000));
            steps.addObject().put("spanId", Long.toHexString(random.nextLong())).put("type", pick(STEP_TYPES))
                    .put("name", pick(STEP_NAMES)).put("model", pick(MODELS))
                    .put("startedAt", stepStart.toString()).put("endedAt", stepEnd.toString())
                    .put("inputTokens", 100 + random.nextInt(4000)).put("outputTokens", 10 + random.nextInt(800));
            stepStart = stepEnd;
        }
        String product = pick(PRODUCTS);
        s.putObject("content")
                .put("input", "Customer " + Long.toHexString(random.nextLong()).substring(0, 8) + " asks about a " + product + " of "
                        + (1000 + random.nextInt(50_000)) + " EUR over " + (6 + random.nextInt(84)) + " months. " + prose(80 + random.nextInt(160)))
                .put("output", prose(80 + random.nextInt(160)) + " Reference " + Long.toHexString(random.nextLong()) + ".");
        ObjectNode attributes = s.putObject("attributes");
        attributes.put("region", pick(REGIONS)).put("channel", random.nextBoolean() ? "web" : "branch")
                .put("customerSegment", "segment-" + random.nextInt(12)).put("productCode", "PL-" + random.nextInt(400))
                .put("requestedAmount", 1000 + random.nextInt(50_000)).put("termMonths", 12 * (1 + random.nextInt(7)))
                .put("bureauScore", 300 + random.nextInt(550)).put("dti", random.nextInt(80) / 100.0)
                .put("existingCustomer", random.nextBoolean()).put("manualOverride", random.nextBoolean())
                .put("policyVersion", "2025." + (1 + random.nextInt(12))).put("tenantCostCenter", "cc-" + random.nextInt(90));
        for (int g = 0, count = 1 + random.nextInt(2); g < count; g++) {
            attributes.put("groundingSnippet" + (g + 1), "[" + pick(TOOLS) + "#" + random.nextInt(10_000) + "] " + prose(30 + random.nextInt(80)));
        }

        int missing = size - Json.write(s).length;
        // a long draw of steps and prose: the answer gives way so that every record keeps some reasoning
        ObjectNode content = (ObjectNode) s.get("content");
        String output = content.get("output").asText();
        if (missing < MIN_REASONING && output.length() > MIN_REASONING - missing) {
            content.put("output", output.substring(0, output.length() - (MIN_REASONING - missing)));
            missing = MIN_REASONING;
        }
        if (missing < 0) throw new IllegalStateException("a session without reasoning is already over " + size + " bytes");
        s.put("reasoning", reasoning(missing));
        byte[] json = Json.write(s);
        if (json.length != size) throw new IllegalStateException("generated " + json.length + " bytes, not " + size);
        return new String(json, StandardCharsets.UTF_8);
    }

    /** Plain ASCII prose of exactly {@code length} characters (one byte each in JSON, nothing to escape). */
    private String reasoning(int length) {
        StringBuilder text = new StringBuilder(length + 64);
        while (text.length() < length) sentence(text);
        text.setLength(length);
        return text.toString();
    }

    /**
     * Prose whose words follow a Zipf-like law over a 6,000-word vocabulary (domain words first), with figures and
     * identifiers sprinkled in: it deflates about as well as real prompts and answers, not like a repeated phrase.
     */
    private String prose(int approxLength) {
        StringBuilder text = new StringBuilder(approxLength + 64);
        while (text.length() < approxLength) sentence(text);
        return text.toString();
    }

    private void sentence(StringBuilder text) {
        int words = 6 + random.nextInt(18);
        for (int w = 0; w < words; w++) {
            if (w > 0) text.append(' ');
            int kind = random.nextInt(40);
            if (kind == 0) text.append(1 + random.nextInt(99_999));
            else if (kind == 1) text.append(random.nextInt(100)).append('.').append(random.nextInt(100)).append('%');
            else if (kind == 2) text.append(pick(TOOLS));
            else {
                // log-uniform rank: rank r is drawn with probability ~ 1/r
                int rank = (int) Math.floor(Math.pow(LEXICON.size(), random.nextDouble())) - 1;
                String word = LEXICON.get(rank);
                text.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
            }
        }
        text.append(random.nextInt(5) == 0 ? "? " : ". ");
    }

    /** Deflated size over raw size of {@code count} sessions joined by line feeds (the way a package's session file holds them). */
    public static double deflateRatio(long seed, int size, int count) {
        SessionGenerator generator = new SessionGenerator(seed, size);
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        byte[] out = new byte[64 * 1024];
        long raw = 0;
        long deflated = 0;
        for (int i = 0; i < count; i++) {
            byte[] line = (generator.next("ratio", i, "app") + "\n").getBytes(StandardCharsets.UTF_8);
            raw += line.length;
            deflater.setInput(line);
            while (!deflater.needsInput()) deflated += deflater.deflate(out);
        }
        deflater.finish();
        while (!deflater.finished()) deflated += deflater.deflate(out);
        deflater.end();
        return (double) deflated / raw;
    }

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        System.out.printf("%d-byte sessions deflate to %.1f%% of their size%n", size, 100 * deflateRatio(42, size, 2000));
    }

    private String pick(List<String> values) {
        return values.get(random.nextInt(values.size()));
    }
}
