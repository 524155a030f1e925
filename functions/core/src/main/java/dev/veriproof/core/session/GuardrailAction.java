package dev.veriproof.core.session;

public enum GuardrailAction { ALLOWED, FLAGGED, BLOCKED, BYPASSED }
