package dev.veriproof.core.access;

import java.util.regex.Pattern;

/** Tenant identifiers: short, lowercase, safe inside composite storage keys. */
public final class Tenants {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private Tenants() {}

    public static boolean isValidId(String tenantId) {
        return tenantId != null && ID.matcher(tenantId).matches();
    }
}
