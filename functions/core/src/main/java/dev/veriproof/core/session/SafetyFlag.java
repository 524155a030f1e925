package dev.veriproof.core.session;

public enum SafetyFlag { HATE, HARASSMENT, VIOLENCE, SELF_HARM, SEXUAL, PII, PROMPT_INJECTION, OTHER }
