package dev.veriproof.core.session;

public enum GroundingStatus { GROUNDED, PARTIAL, UNGROUNDED }
