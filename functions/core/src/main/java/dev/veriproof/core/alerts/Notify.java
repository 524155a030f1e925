package dev.veriproof.core.alerts;

/** Where a rule's alerts go: an optional signed webhook and optionally the tenant's event bus. */
public record Notify(String webhookUrl, String webhookSecret, boolean eventBridge) {
}
