package dev.veriproof.core.evidence;

/** How well a clause or control is evidenced (SPEC §9). */
public enum Verdict {
    COVERED, PARTIAL, GAP;

    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
