package dev.veriproof.core.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BandTest {

    @ParameterizedTest
    @CsvSource({
        "0, CRITICAL", "34, CRITICAL",
        "35, POOR", "54, POOR",
        "55, FAIR", "74, FAIR",
        "75, GOOD", "89, GOOD",
        "90, EXCELLENT", "100, EXCELLENT",
    })
    void bandBoundaries(int score, Band expected) {
        assertEquals(expected, Band.of(score));
    }

    @Test
    void scoresOutsideZeroToHundredAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Band.of(-1));
        assertThrows(IllegalArgumentException.class, () -> Band.of(101));
    }
}
