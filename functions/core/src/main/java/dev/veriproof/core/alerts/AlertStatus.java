package dev.veriproof.core.alerts;

/** OPEN → ACKNOWLEDGED → RESOLVED (an OPEN alert may also be resolved directly). */
public enum AlertStatus { OPEN, ACKNOWLEDGED, RESOLVED }
