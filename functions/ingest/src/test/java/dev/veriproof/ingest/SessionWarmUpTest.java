package dev.veriproof.ingest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;

/**
 * The SnapStart warm-up runs before a snapshot, where a failure would break every deployment: it
 * must go through parsing, validation, canonicalization, hashing and scoring without error.
 */
class SessionWarmUpTest {
    @Test
    void theWarmUpSampleIsValidAndExercisesTheWholePath() {
        assertDoesNotThrow(SessionWarmUp::run);
    }
}
