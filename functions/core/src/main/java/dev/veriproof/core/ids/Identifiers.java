package dev.veriproof.core.ids;

import java.util.regex.Pattern;

/**
 * The identifier rule of the whole API (SPEC §3, docs/limits.md): 1 to 128 characters of
 * A-Z a-z 0-9 . _ : - and not "." or "..", which clients that normalise paths cannot address.
 */
public final class Identifiers {
    public static final int MAX_LENGTH = 128;
    public static final String RULE = "1 to 128 characters of A-Z a-z 0-9 . _ : - (not \".\" or \"..\")";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private Identifiers() {
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
    }

    /** What is wrong with {@code id}, as the end of a sentence naming it ("sessionId" + problem); null when valid. */
    public static String problem(String id) {
        if (isValid(id)) {
            return null;
        }
        if (id.isEmpty()) {
            return " must not be empty";
        }
        if (id.length() > MAX_LENGTH) {
            return " is " + id.length() + " characters long";
        }
        if (id.equals(".") || id.equals("..")) {
            return " must not be \".\" or \"..\"";
        }
        return " has a character outside the allowed set";
    }
}
