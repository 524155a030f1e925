package dev.veriproof.core.session;

import static dev.veriproof.core.session.FieldError.INVALID_TYPE;
import static dev.veriproof.core.session.FieldError.INVALID_VALUE;
import static dev.veriproof.core.session.FieldError.MISSING_FIELD;
import static dev.veriproof.core.session.FieldError.TOO_LARGE;
import static dev.veriproof.core.session.FieldError.UNKNOWN_FIELD;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.ids.Identifiers;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.json.JsonPath;
import dev.veriproof.core.time.Timestamps;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Checks a session record against SPEC §3 and maps it to a {@link Session}.
 *
 * <p>Rules the specification leaves open, decided here:
 * <ul>
 *   <li>JSON {@code null} is never a way to say "absent": an optional field sent as null is
 *       {@code invalid_type}. Leaving the field out is the one spelling of "absent", so the
 *       canonical record has one form.</li>
 *   <li>Integers must be written as integers ({@code 3}, not {@code 3.0} or {@code 3e0}).
 *       Token counts are at most 2^53 - 1, the largest integer that RFC 8785 (which treats every
 *       number as an IEEE 754 double) keeps exact; {@code grounding.sources} fits an int.</li>
 *   <li>Attribute numbers must be finite (JSON cannot carry the others).</li>
 *   <li>More than 256 steps or 64 attributes is {@code too_large} on that field.</li>
 *   <li>A guardrail name must not be blank. Step times are checked for format only.</li>
 *   <li>Timestamps are read by {@link Timestamps}, the one rule of the whole API.</li>
 * </ul>
 * The first error found is reported: top-level fields in document order, then missing required
 * fields, then the order between {@code startedAt} and {@code endedAt}. Inside a nested object,
 * unknown fields come first, then its fields in the order the specification lists them.
 */
public final class SessionValidator {

    public static final int MAX_SESSION_BYTES = 256 * 1024;
    public static final int MAX_STEPS = 256;
    public static final int MAX_ATTRIBUTES = 64;
    private static final long MAX_TOKENS = (1L << 53) - 1;

    private static final List<String> SESSION_FIELDS = List.of("sessionId", "applicationId", "startedAt", "endedAt",
            "sdk", "intent", "model", "reasoning", "decision", "riskLevel", "humanOversight", "guardrails",
            "grounding", "contentSafety", "steps", "content", "attributes");
    private static final List<String> SDK_FIELDS = List.of("name", "version");
    private static final List<String> DECISION_FIELDS = List.of("outcome", "confidence");
    private static final List<String> OVERSIGHT_FIELDS = List.of("required", "type", "reviewer");
    private static final List<String> GUARDRAIL_FIELDS = List.of("name", "action", "configVersion");
    private static final List<String> GROUNDING_FIELDS = List.of("status", "sources");
    private static final List<String> CONTENT_SAFETY_FIELDS = List.of("flags", "handled");
    private static final List<String> STEP_FIELDS = List.of("spanId", "type", "name", "model", "startedAt",
            "endedAt", "inputTokens", "outputTokens");

    private static final int MAX_QUOTED_CODE_POINTS = 64;

    private SessionValidator() {
    }

    /** Validates one session; {@code now} is the server's clock, for the future-timestamp rule. */
    public static Validation validate(JsonNode node, Instant now) {
        try {
            return new Validation.Valid(readSession(node, now));
        } catch (Rejection rejection) {
            return new Validation.Invalid(rejection.error);
        }
    }

    private static Session readSession(JsonNode node, Instant now) {
        int bytes = compactSizeAtMost(node) <= MAX_SESSION_BYTES ? 0 : Json.write(node).length;
        if (bytes > MAX_SESSION_BYTES) {
            throw reject(TOO_LARGE, "$", "The session is " + bytes + " bytes of JSON; at most " + MAX_SESSION_BYTES
                    + " bytes (256 KiB) are accepted per session");
        }
        if (!node.isObject()) {
            throw reject(INVALID_TYPE, "$", "The session must be a JSON object, got " + typeOf(node));
        }
        String sessionId = null;
        String applicationId = null;
        Instant startedAt = null;
        Instant endedAt = null;
        String sdkName = null;
        String sdkVersion = null;
        String intent = null;
        String model = null;
        String reasoning = null;
        Outcome outcome = null;
        Double confidence = null;
        RiskLevel riskLevel = null;
        Session.HumanOversight humanOversight = null;
        List<Session.Guardrail> guardrails = List.of();
        Session.Grounding grounding = null;
        Session.ContentSafety contentSafety = null;
        int stepCount = 0;

        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String path = child("$", field.getKey());
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "sessionId" -> sessionId = identifier(value, path);
                case "applicationId" -> applicationId = identifier(value, path);
                case "startedAt" -> startedAt = notInFuture(timestamp(value, path), now, path);
                case "endedAt" -> endedAt = timestamp(value, path);
                case "sdk" -> {
                    object(value, path, SDK_FIELDS);
                    sdkName = required(value, path, "name", SessionValidator::string);
                    sdkVersion = optional(value, path, "version", SessionValidator::string);
                }
                case "intent" -> intent = string(value, path);
                case "model" -> model = string(value, path);
                case "reasoning" -> reasoning = string(value, path);
                case "decision" -> {
                    object(value, path, DECISION_FIELDS);
                    outcome = optional(value, path, "outcome", enumOf(Outcome.class));
                    confidence = optional(value, path, "confidence", SessionValidator::confidence);
                }
                case "riskLevel" -> riskLevel = enumOf(RiskLevel.class).apply(value, path);
                case "humanOversight" -> humanOversight = humanOversight(value, path);
                case "guardrails" -> guardrails = array(value, path, Integer.MAX_VALUE, SessionValidator::guardrail);
                case "grounding" -> grounding = grounding(value, path);
                case "contentSafety" -> contentSafety = contentSafety(value, path);
                case "steps" -> stepCount = array(value, path, MAX_STEPS, SessionValidator::step).size();
                case "content" -> content(value, path);
                case "attributes" -> attributes(value, path);
                default -> throw unknownField(path, "a session", SESSION_FIELDS);
            }
        }

        if (sessionId == null) {
            throw missing("$.sessionId", "sessionId is required: " + Identifiers.RULE + " that names this session");
        }
        if (applicationId == null) {
            throw missing("$.applicationId", "applicationId is required: the id of a registered application");
        }
        if (startedAt == null) {
            throw missing("$.startedAt", "startedAt is required: when the session started, " + Timestamps.TIMESTAMP_RULE);
        }
        if (endedAt != null && endedAt.isBefore(startedAt)) {
            throw reject(INVALID_VALUE, "$.endedAt",
                    "endedAt (" + endedAt + ") is before startedAt (" + startedAt + "); it must be the same or later");
        }
        return new Session(sessionId, applicationId, startedAt, endedAt, sdkName, sdkVersion, intent, model,
                reasoning, outcome, confidence, riskLevel, humanOversight, guardrails, grounding, contentSafety,
                stepCount);
    }

    private static Session.HumanOversight humanOversight(JsonNode value, String path) {
        object(value, path, OVERSIGHT_FIELDS);
        return new Session.HumanOversight(
                optional(value, path, "required", SessionValidator::bool),
                optional(value, path, "type", enumOf(OversightType.class)),
                optional(value, path, "reviewer", SessionValidator::string));
    }

    private static Session.Guardrail guardrail(JsonNode value, String path) {
        object(value, path, GUARDRAIL_FIELDS);
        String name = required(value, path, "name", SessionValidator::string);
        if (name.isBlank()) {
            throw reject(INVALID_VALUE, child(path, "name"), display(child(path, "name"))
                    + " must not be empty: name the guardrail, e.g. \"pii-filter\"");
        }
        return new Session.Guardrail(name,
                required(value, path, "action", enumOf(GuardrailAction.class)),
                optional(value, path, "configVersion", SessionValidator::string));
    }

    private static Session.Grounding grounding(JsonNode value, String path) {
        object(value, path, GROUNDING_FIELDS);
        GroundingStatus status = required(value, path, "status", enumOf(GroundingStatus.class));
        Long sources = optional(value, path, "sources", (node, at) -> nonNegativeInteger(node, at, Integer.MAX_VALUE));
        return new Session.Grounding(status, sources == null ? null : sources.intValue());
    }

    private static Session.ContentSafety contentSafety(JsonNode value, String path) {
        object(value, path, CONTENT_SAFETY_FIELDS);
        List<SafetyFlag> flags = optional(value, path, "flags",
                (node, at) -> array(node, at, Integer.MAX_VALUE, enumOf(SafetyFlag.class)));
        return new Session.ContentSafety(flags, optional(value, path, "handled", SessionValidator::bool));
    }

    private static StepType step(JsonNode value, String path) {
        object(value, path, STEP_FIELDS);
        optional(value, path, "spanId", SessionValidator::string);
        StepType type = required(value, path, "type", enumOf(StepType.class));
        optional(value, path, "name", SessionValidator::string);
        optional(value, path, "model", SessionValidator::string);
        optional(value, path, "startedAt", SessionValidator::timestamp);
        optional(value, path, "endedAt", SessionValidator::timestamp);
        optional(value, path, "inputTokens", (node, at) -> nonNegativeInteger(node, at, MAX_TOKENS));
        optional(value, path, "outputTokens", (node, at) -> nonNegativeInteger(node, at, MAX_TOKENS));
        return type;
    }

    private static void content(JsonNode value, String path) {
        if (!value.isObject()) {
            throw typeError(value, path, "an object of strings, e.g. {\"input\": \"...\", \"output\": \"...\"}");
        }
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            string(entry.getValue(), child(path, entry.getKey()));
        }
    }

    private static void attributes(JsonNode value, String path) {
        if (!value.isObject()) {
            throw typeError(value, path, "an object of string, number or boolean values");
        }
        if (value.size() > MAX_ATTRIBUTES) {
            throw reject(TOO_LARGE, path, display(path) + " has " + value.size() + " entries; at most "
                    + MAX_ATTRIBUTES + " are accepted");
        }
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            JsonNode attribute = entry.getValue();
            String at = child(path, entry.getKey());
            if (!attribute.isTextual() && !attribute.isNumber() && !attribute.isBoolean()) {
                throw typeError(attribute, at, "a string, number or boolean");
            }
            if (attribute.isNumber() && !Double.isFinite(attribute.asDouble())) {
                throw reject(INVALID_VALUE, at, display(at) + " is too large a number; numbers must fit an IEEE 754 double");
            }
            // JSON text holds no such integer (the request parser refuses it), but a record built from
            // another encoding (OTLP's int64) can: RFC 8785 would round it, so the record would change.
            if (attribute.isIntegralNumber() && attribute.bigIntegerValue().abs().compareTo(BigInteger.valueOf(Json.MAX_SAFE_INTEGER)) > 0) {
                throw reject(INVALID_VALUE, at, display(at) + " is an integer beyond ±" + Json.MAX_SAFE_INTEGER
                        + " (2^53 − 1), which the canonical record cannot hold exactly; send it as a string");
            }
        }
    }

    /**
     * At least the size of {@code node} written as compact JSON, counted without writing it: a character of a string
     * takes at most 6 bytes (a control character's escape), an int or long at most 20, a double at most 26. Only a
     * session this bound cannot clear is written out to be measured exactly.
     */
    private static long compactSizeAtMost(JsonNode node) {
        if (node.isTextual()) return 2 + 6L * node.textValue().length();
        if (node.isInt() || node.isLong()) return 20;
        if (node.isDouble() || node.isFloat()) return 26;
        if (node.isBoolean() || node.isNull()) return 5;
        if (node.isObject()) {
            long size = 2 + node.size();
            for (Map.Entry<String, JsonNode> field : node.properties()) size += 3 + 6L * field.getKey().length() + compactSizeAtMost(field.getValue());
            return size;
        }
        if (node.isArray()) {
            long size = 2 + node.size();
            for (JsonNode element : node) size += compactSizeAtMost(element);
            return size;
        }
        return 1L << 31; // big numbers and anything else: measured exactly
    }

    // --- field readers: each takes the value and its JSON path, and throws a Rejection when it does not fit

    private static String string(JsonNode value, String path) {
        if (!value.isTextual()) {
            throw typeError(value, path, "a string");
        }
        return value.textValue();
    }

    private static Boolean bool(JsonNode value, String path) {
        if (!value.isBoolean()) {
            throw typeError(value, path, "true or false");
        }
        return value.booleanValue();
    }

    private static String identifier(JsonNode value, String path) {
        String text = string(value, path);
        String problem = Identifiers.problem(text);
        if (problem != null) {
            String shown = problem.contains("outside the allowed set") ? problem + ", got " + quote(text) : problem;
            throw reject(INVALID_VALUE, path, display(path) + shown + "; use " + Identifiers.RULE);
        }
        return text;
    }

    private static Instant timestamp(JsonNode value, String path) {
        String text = string(value, path);
        return Timestamps.parse(text).orElseThrow(() ->
                reject(INVALID_VALUE, path, display(path) + " must be " + Timestamps.TIMESTAMP_RULE + ", got " + quote(text)));
    }

    private static Instant notInFuture(Instant startedAt, Instant now, String path) {
        if (Timestamps.tooFarInFuture(startedAt, now)) {
            throw reject(INVALID_VALUE, path, display(path) + " (" + startedAt + ") is more than 5 minutes after the"
                    + " server's time (" + now + "); send when the session started, and check the client's clock");
        }
        return startedAt;
    }

    private static Double confidence(JsonNode value, String path) {
        if (!value.isNumber()) {
            throw typeError(value, path, "a number from 0 to 1");
        }
        double confidence = value.asDouble();
        if (!(confidence >= 0 && confidence <= 1)) {
            throw reject(INVALID_VALUE, path, display(path) + " must be from 0 to 1, got " + value);
        }
        return confidence;
    }

    private static Long nonNegativeInteger(JsonNode value, String path, long max) {
        if (!value.isIntegralNumber()) {
            throw typeError(value, path, "an integer (no fraction or exponent)");
        }
        BigInteger number = value.bigIntegerValue();
        if (number.signum() < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
            throw reject(INVALID_VALUE, path, display(path) + " must be from 0 to " + max + ", got " + value);
        }
        return number.longValue();
    }

    private static <E extends Enum<E>> BiFunction<JsonNode, String, E> enumOf(Class<E> type) {
        return (value, path) -> {
            String text = string(value, path);
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(text)) {
                    return constant;
                }
            }
            String allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
            throw reject(INVALID_VALUE, path,
                    display(path) + " must be one of " + allowed + " (case-sensitive), got " + quote(text));
        };
    }

    // --- structure

    /** Checks that {@code value} is an object with no fields outside {@code allowed}. */
    private static void object(JsonNode value, String path, List<String> allowed) {
        if (!value.isObject()) {
            throw typeError(value, path, "an object with the fields " + String.join(", ", allowed));
        }
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            if (!allowed.contains(field.getKey())) {
                throw unknownField(child(path, field.getKey()), display(path), allowed);
            }
        }
    }

    private static <T> List<T> array(JsonNode value, String path, int maxSize, BiFunction<JsonNode, String, T> read) {
        if (!value.isArray()) {
            throw typeError(value, path, "an array");
        }
        if (value.size() > maxSize) {
            throw reject(TOO_LARGE, path, display(path) + " has " + value.size() + " entries; at most "
                    + maxSize + " are accepted");
        }
        List<T> items = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            items.add(read.apply(value.get(i), path + "[" + i + "]"));
        }
        return items;
    }

    private static <T> T optional(JsonNode parent, String parentPath, String name, BiFunction<JsonNode, String, T> read) {
        JsonNode value = parent.get(name);
        return value == null ? null : read.apply(value, child(parentPath, name));
    }

    private static <T> T required(JsonNode parent, String parentPath, String name, BiFunction<JsonNode, String, T> read) {
        String path = child(parentPath, name);
        JsonNode value = parent.get(name);
        if (value == null) {
            throw missing(path, display(path) + " is required");
        }
        return read.apply(value, path);
    }

    // --- paths and messages

    private static String child(String parentPath, String name) {
        return JsonPath.child(parentPath, name);
    }

    /** The path as a person reads it in a message: {@code decision.outcome}, not {@code $.decision.outcome}. */
    private static String display(String path) {
        return path.startsWith("$.") ? path.substring(2) : path.substring(1);
    }

    private static String typeOf(JsonNode value) {
        return switch (value.getNodeType()) {
            case NULL -> "null";
            case BOOLEAN -> "a boolean";
            case NUMBER -> value.isIntegralNumber() ? "an integer" : "a number";
            case STRING -> "a string";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** Quotes a value from the request as a JSON string, shortened so a message stays readable. */
    private static String quote(String text) {
        boolean tooLong = text.codePointCount(0, text.length()) > MAX_QUOTED_CODE_POINTS;
        String shown = tooLong ? text.substring(0, text.offsetByCodePoints(0, MAX_QUOTED_CODE_POINTS)) + "..." : text;
        return Json.writeString(shown);
    }

    private static Rejection typeError(JsonNode value, String path, String expected) {
        String hint = value.isNull() ? " (leave an optional field out rather than sending null)" : "";
        return reject(INVALID_TYPE, path, display(path) + " must be " + expected + ", got " + typeOf(value) + hint);
    }

    private static Rejection unknownField(String path, String owner, List<String> allowed) {
        return reject(UNKNOWN_FIELD, path, display(path) + " is not a field of " + owner + "; the fields are "
                + String.join(", ", allowed));
    }

    private static Rejection missing(String path, String message) {
        return reject(MISSING_FIELD, path, message);
    }

    private static Rejection reject(String code, String path, String message) {
        return new Rejection(new FieldError(code, message, path));
    }

    /** Unwinds the reader at the first error; carries no stack trace because it is not a failure of the code. */
    private static final class Rejection extends RuntimeException {
        private final transient FieldError error;

        Rejection(FieldError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }
}
