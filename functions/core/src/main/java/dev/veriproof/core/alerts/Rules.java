package dev.veriproof.core.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.ids.Identifiers;
import dev.veriproof.core.session.RiskLevel;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads and validates an alert rule body (SPEC §11) — creation, and a PATCH merged onto the stored
 * rule — so that every rule stored can be evaluated. Errors name the JSON path of the field.
 */
public final class Rules {
    public static final List<String> FIELDS = List.of("name", "applicationId", "kind", "window", "threshold", "condition", "severity", "notify");
    private static final Set<String> NOTIFY_FIELDS = Set.of("webhookUrl", "webhookSecret", "eventBridge");
    /** A week: SDK_SILENT's longest threshold. */
    public static final int MAX_SILENT_MINUTES = 7 * 24 * 60;
    static final int MAX_URL = 2048;
    static final int MAX_SECRET = 256;

    private Rules() {
    }

    /** A rule from a complete body; {@code allowLoopback} permits http://loopback webhooks. */
    public static AlertRule parse(JsonNode body, String tenantId, String ruleId, Instant createdAt, Instant now, boolean allowLoopback) {
        if (!(body instanceof ObjectNode object)) throw new RuleException("invalid_type", "The body must be a JSON object.", "$");
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) throw new RuleException("unknown_field", "Unknown field '" + name + "'; allowed: " + String.join(", ", FIELDS) + ".", "$." + name);
        }
        String name = text(object, "name", true);
        if (name.length() > 200) throw new RuleException("too_large", "name is at most 200 characters.", "$.name");
        String applicationId = text(object, "applicationId", true);
        if (!applicationId.equals(AlertRule.ALL_APPLICATIONS) && !Identifiers.isValid(applicationId)) throw invalid("$.applicationId", "applicationId is an application id or \"*\"");
        AlertKind kind = enumValue(object, "kind", AlertKind.class, true);
        Severity severity = enumValue(object, "severity", Severity.class, true);
        String window = text(object, "window", false);
        JsonNode threshold = object.get("threshold");
        JsonNode condition = object.get("condition");
        for (String optional : List.of("threshold", "condition")) {
            if (object.path(optional).isNull()) {
                throw new RuleException("invalid_type", optional + " must not be null; leave an optional field out rather than sending null.", "$." + optional);
            }
        }
        boolean scoreKind = kind == AlertKind.ROLLING_SCORE_BELOW || kind == AlertKind.SCORE_TARGET_MISSED;
        if (window != null && !scoreKind) throw invalid("$.window", "window applies only to ROLLING_SCORE_BELOW and SCORE_TARGET_MISSED");
        if (window == null && scoreKind) window = "7d";
        if (window != null && !window.equals("7d") && !window.equals("30d")) throw invalid("$.window", "window is \"7d\" or \"30d\"");
        if (condition != null && kind != AlertKind.SESSION_CONDITION) throw invalid("$.condition", "condition applies only to SESSION_CONDITION rules");
        Condition parsedCondition = null;
        if (kind == AlertKind.SESSION_CONDITION) {
            if (condition == null) throw new RuleException("missing_field", "SESSION_CONDITION rules need a condition.", "$.condition");
            parsedCondition = Condition.parse(condition, "$.condition");
        }
        Object parsedThreshold = threshold(kind, threshold);
        Notify notify = notify(object.get("notify"), allowLoopback);
        return new AlertRule(tenantId, ruleId, name, applicationId, kind, window, parsedThreshold, parsedCondition, severity, notify, createdAt, now);
    }

    private static Object threshold(AlertKind kind, JsonNode threshold) {
        switch (kind) {
            case SCORE_TARGET_MISSED, SESSION_CONDITION, SDK_CIRCUIT_BREAKER_OPEN -> {
                if (threshold != null) throw new RuleException("invalid_threshold", kind + " rules take no threshold.", "$.threshold");
                return null;
            }
            case RISK_LEVEL_AT_LEAST -> {
                if (threshold == null) throw new RuleException("missing_field", "threshold is required: a risk level.", "$.threshold");
                List<String> levels = Arrays.stream(RiskLevel.values()).filter(l -> l != RiskLevel.MINIMAL).map(Enum::name).toList();
                if (!threshold.isTextual() || !levels.contains(threshold.textValue())) {
                    throw new RuleException("invalid_threshold", "threshold must be one of " + String.join(", ", levels) + ".", "$.threshold");
                }
                return threshold.textValue();
            }
            case SDK_SILENT -> {
                if (threshold == null) throw new RuleException("missing_field", "threshold is required: minutes without a health report.", "$.threshold");
                if (!threshold.isNumber() || threshold.doubleValue() != Math.rint(threshold.doubleValue())
                        || threshold.doubleValue() < 1 || threshold.doubleValue() > MAX_SILENT_MINUTES) {
                    throw new RuleException("invalid_threshold", "threshold must be a whole number of minutes from 1 to " + MAX_SILENT_MINUTES + ".", "$.threshold");
                }
                return threshold.doubleValue();
            }
            default -> {
                if (threshold == null) throw new RuleException("missing_field", "threshold is required.", "$.threshold");
                double max = kind == AlertKind.ROLLING_SCORE_BELOW ? 100 : 1;
                if (!threshold.isNumber() || threshold.doubleValue() < 0 || threshold.doubleValue() > max) {
                    throw new RuleException("invalid_threshold", "threshold must be a number from 0 to " + (int) max
                            + (max == 1 ? " (a fraction)." : "."), "$.threshold");
                }
                return threshold.doubleValue();
            }
        }
    }

    private static Notify notify(JsonNode node, boolean allowLoopback) {
        if (node == null) return new Notify(null, null, false);
        if (node.isNull()) throw new RuleException("invalid_type", "notify must be a JSON object (leave an optional field out rather than sending null).", "$.notify");
        if (!(node instanceof ObjectNode object)) throw invalid("$.notify", "notify must be a JSON object");
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!NOTIFY_FIELDS.contains(name)) throw new RuleException("unknown_field", "Unknown field '" + name + "' in notify.", "$.notify." + name);
        }
        String url = text(object, "webhookUrl", false, "$.notify.");
        String secret = text(object, "webhookSecret", false, "$.notify.");
        JsonNode eventBridge = object.get("eventBridge");
        if (eventBridge != null && !eventBridge.isBoolean()) throw invalid("$.notify.eventBridge", "eventBridge must be true or false");
        if (url != null) {
            checkWebhookUrl(url, allowLoopback);
            if (secret == null) throw new RuleException("missing_field", "A webhook needs a webhookSecret to sign its deliveries.", "$.notify.webhookSecret");
            if (secret.length() < 16) throw invalid("$.notify.webhookSecret", "webhookSecret must be at least 16 characters");
            if (secret.length() > MAX_SECRET) throw new RuleException("too_large", "webhookSecret is at most " + MAX_SECRET + " characters.", "$.notify.webhookSecret");
        } else if (secret != null) {
            throw invalid("$.notify.webhookSecret", "webhookSecret needs a webhookUrl");
        }
        return new Notify(url, secret, eventBridge != null && eventBridge.booleanValue());
    }

    /**
     * HTTPS to a public address only; loopback (and plain HTTP to it) only where the deployment
     * allows it. An address literal is checked here ({@link WebhookTargets}); a name is checked
     * against what it resolves to by the caller, at creation and again at every delivery.
     */
    public static void checkWebhookUrl(String url, boolean allowLoopback) {
        if (url.length() > MAX_URL) throw new RuleException("too_large", "webhookUrl is at most " + MAX_URL + " characters.", "$.notify.webhookUrl");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid("$.notify.webhookUrl", "webhookUrl is not a valid URL");
        }
        if (uri.getHost() == null || uri.getScheme() == null) throw invalid("$.notify.webhookUrl", "webhookUrl must be an absolute https:// URL");
        if (uri.getRawUserInfo() != null) throw invalid("$.notify.webhookUrl", "webhookUrl must not carry a user name or password");
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        boolean loopbackName = literal.equalsIgnoreCase("localhost") || literal.toLowerCase(Locale.ROOT).endsWith(".localhost");
        InetAddress address = isAddressLiteral(literal) ? literalAddress(literal) : null;
        boolean loopback = loopbackName || (address != null && address.isLoopbackAddress());
        if (!scheme.equals("https") && !(scheme.equals("http") && allowLoopback && loopback)) {
            throw invalid("$.notify.webhookUrl", "webhookUrl must use https" + (allowLoopback ? " (plain http only to a loopback address)" : ""));
        }
        if (loopbackName && !allowLoopback) {
            throw invalid("$.notify.webhookUrl", "webhookUrl must not point at this host (" + host + "); use a public address");
        }
        if (address != null) {
            String refusal = WebhookTargets.refusal(address, allowLoopback);
            if (refusal != null) throw invalid("$.notify.webhookUrl", "webhookUrl must point at a public address, not " + refusal);
        }
    }

    private static boolean isAddressLiteral(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private static InetAddress literalAddress(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw invalid("$.notify.webhookUrl", "webhookUrl has an invalid address");
        }
    }

    private static String text(ObjectNode object, String name, boolean required) {
        return text(object, name, required, "$.");
    }

    private static String text(ObjectNode object, String name, boolean required, String prefix) {
        JsonNode value = object.get(name);
        if (value == null) {
            if (required) throw new RuleException("missing_field", name + " is required.", prefix + name);
            return null;
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw new RuleException("invalid_type", name + " must be a non-empty string"
                    + (value.isNull() ? " (leave an optional field out rather than sending null)." : "."), prefix + name);
        }
        return value.textValue();
    }

    private static <E extends Enum<E>> E enumValue(ObjectNode object, String name, Class<E> type, boolean required) {
        String text = text(object, name, required);
        List<String> names = Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
        if (!names.contains(text)) {
            throw new RuleException("invalid_value", name + " must be one of " + String.join(", ", names) + ".", "$." + name);
        }
        return Enum.valueOf(type, text);
    }

    private static RuleException invalid(String field, String message) {
        return new RuleException("invalid_value", message + ".", field);
    }
}
