package dev.veriproof.core.governance;

import java.time.Instant;

/**
 * A validated SDK health report (SPEC §4), kept as the canonical JSON that was sent; its SHA-256
 * identifies it, so a retried POST stores nothing twice.
 */
public record SdkHealthReport(String tenantId, String applicationId, String sdkName, String sdkVersion,
                              Instant reportedAt, String canonicalReport, String sha256, Instant receivedAt) {
}
