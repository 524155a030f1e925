package dev.veriproof.core.session;

/** Declared in ascending order of risk: compare with {@code compareTo}. */
public enum RiskLevel { MINIMAL, LOW, MEDIUM, HIGH, CRITICAL }
