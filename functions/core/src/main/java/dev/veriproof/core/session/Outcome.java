package dev.veriproof.core.session;

public enum Outcome { APPROVED, DENIED, DEFERRED, ESCALATED }
