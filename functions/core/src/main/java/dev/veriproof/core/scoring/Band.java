package dev.veriproof.core.scoring;

/** Governance score bands (SPEC §5), best first. */
public enum Band {
    EXCELLENT(90),
    GOOD(75),
    FAIR(55),
    POOR(35),
    CRITICAL(0);

    private final int lowestScore;

    Band(int lowestScore) {
        this.lowestScore = lowestScore;
    }

    public static Band of(int score) {
        if (score < 0 || score > 100) {
            throw new IllegalArgumentException("A governance score is 0 to 100, got " + score);
        }
        for (Band band : values()) {
            if (score >= band.lowestScore) {
                return band;
            }
        }
        throw new AssertionError("CRITICAL starts at 0");
    }
}
