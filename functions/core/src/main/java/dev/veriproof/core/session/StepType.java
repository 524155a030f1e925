package dev.veriproof.core.session;

public enum StepType { LLM_CALL, TOOL_CALL, RETRIEVAL, GUARDRAIL, HUMAN_HANDOFF, AGENT }
