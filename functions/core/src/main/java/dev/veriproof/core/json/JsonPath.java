package dev.veriproof.core.json;

import java.util.regex.Pattern;

/**
 * JSON paths as the API's errors name fields: {@code $.decision.outcome}, {@code $.guardrails[2].name},
 * {@code $.attributes['odd name']}.
 */
public final class JsonPath {
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private JsonPath() {
    }

    public static String child(String parentPath, String name) {
        if (PLAIN_NAME.matcher(name).matches()) {
            return parentPath + "." + name;
        }
        return parentPath + "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    public static String index(String parentPath, int index) {
        return parentPath + "[" + index + "]";
    }

    /** The path as a person reads it in a message: {@code decision.outcome}, not {@code $.decision.outcome}. */
    public static String display(String path) {
        if (path.equals("$")) {
            return "the body";
        }
        if (!path.startsWith("$")) {
            return path;
        }
        return path.startsWith("$.") ? path.substring(2) : path.substring(1);
    }
}
