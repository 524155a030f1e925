package dev.veriproof.core.explorer;

/**
 * Where a session stands with human review: {@code PENDING} (it required oversight, recorded none,
 * and has no review yet: it is in the review queue), {@code REVIEWED} (a review was recorded), or
 * {@code NONE} (neither).
 */
public enum ReviewState { PENDING, REVIEWED, NONE }
