package dev.veriproof.core.governance;

/** The outcome of a human review of a session (SPEC §8). */
public enum ReviewOutcome { APPROVED, REJECTED, ESCALATED }
