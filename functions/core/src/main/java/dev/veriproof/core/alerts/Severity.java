package dev.veriproof.core.alerts;

public enum Severity { LOW, MEDIUM, HIGH, CRITICAL }
