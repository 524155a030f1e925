package dev.veriproof.core.explorer;

import dev.veriproof.core.session.SafetyFlag;

/**
 * The explorer's {@code contentSafety} filter: {@code FLAGGED} (any flag), {@code CLEAN} (none), or
 * one flag ({@code flag} set).
 */
public record SafetyFilter(boolean flagged, SafetyFlag flag) {
    public static final SafetyFilter FLAGGED = new SafetyFilter(true, null);
    public static final SafetyFilter CLEAN = new SafetyFilter(false, null);

    public static SafetyFilter of(SafetyFlag flag) {
        return new SafetyFilter(true, flag);
    }

    public String wireName() {
        return flag != null ? flag.name() : flagged ? "FLAGGED" : "CLEAN";
    }
}
