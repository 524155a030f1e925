package dev.veriproof.core.json;

/**
 * JSON paths as the API's errors name fields: {@code $.decision.outcome}, {@code $.guardrails[2].name},
 * {@code $.attributes['odd name']}.
 */
public final class JsonPath {
    private JsonPath() {
    }

    public static String child(String parentPath, String name) {
        if (isPlainName(name)) {
            return parentPath + "." + name;
        }
        return parentPath + "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    /** {@code [A-Za-z_][A-Za-z0-9_]*}, tested by hand: every field of every request goes through here. */
    private static boolean isPlainName(String name) {
        if (name.isEmpty()) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
            if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
        }
        return true;
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
