package dev.veriproof.core.access;

import java.util.Locale;
import java.util.Optional;

/** The three roles an API key can carry (SPEC §2). */
public enum Role {
    INGEST, ADMIN, AUDITOR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWireName(String name) {
        for (Role role : values()) {
            if (role.wireName().equals(name)) return Optional.of(role);
        }
        return Optional.empty();
    }
}
