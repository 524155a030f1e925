package dev.veriproof.core.access;

import dev.veriproof.core.hash.Hashes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API keys of SPEC §2: {@code vp_<role>_<random>}, random being at least 32 base62/base64url
 * characters. Only the SHA-256 of a key is ever stored.
 */
public final class ApiKeys {
    private static final Pattern FORMAT = Pattern.compile("vp_(ingest|admin|auditor)_([A-Za-z0-9_-]{32,256})");
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int RANDOM_CHARS = 43; // ~256 bits

    private ApiKeys() {}

    /** A new key; the random part is drawn at call time, never before a SnapStart snapshot. */
    public static String generate(Role role) {
        return "vp_" + role.wireName() + "_" + randomBase62(RANDOM_CHARS);
    }

    public static String newKeyId() {
        return "key_" + randomBase62(20);
    }

    /** The role a well-formed key names, or empty if the text is not a key at all. */
    public static Optional<Role> roleOf(String key) {
        if (key == null) return Optional.empty();
        Matcher m = FORMAT.matcher(key);
        return m.matches() ? Role.fromWireName(m.group(1)) : Optional.empty();
    }

    public static String hash(String key) {
        return Hashes.hex(Hashes.sha256(key.getBytes(StandardCharsets.UTF_8)));
    }

    private static String randomBase62(int length) {
        SecureRandom random = new SecureRandom();
        char[] out = new char[length];
        for (int i = 0; i < length; i++) out[i] = BASE62[random.nextInt(BASE62.length)];
        return new String(out);
    }
}
