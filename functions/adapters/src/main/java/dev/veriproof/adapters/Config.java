package dev.veriproof.adapters;

import java.util.Optional;

/**
 * Reads configuration the way Lambda supplies it (environment variables), falling back to system
 * properties of the same name: the local runtime runs every handler in one JVM and cannot give each
 * its own environment.
 */
public final class Config {
    private Config() {}

    public static Optional<String> optional(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) value = System.getProperty(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    public static String required(String name) {
        return optional(name).orElseThrow(() -> new IllegalStateException(
                "configuration " + name + " is not set (environment variable or system property)"));
    }

    public static boolean flag(String name) {
        return optional(name).map(Boolean::parseBoolean).orElse(false);
    }

    public static String sessionsTable() { return required("SESSIONS_TABLE"); }

    public static String governanceTable() { return required("GOVERNANCE_TABLE"); }
}
