package dev.veriproof.core.session;

public enum OversightType { HUMAN_IN_THE_LOOP, HUMAN_ON_THE_LOOP, HUMAN_IN_COMMAND, NONE }
