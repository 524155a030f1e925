package dev.veriproof.core.explorer;

import java.time.Instant;
import java.util.List;

/**
 * One row of the sessions explorer: what a list shows and filters on. {@code riskLevel},
 * {@code outcome} and {@code model} are null when the session did not record them;
 * {@code contentSafetyFlags} is empty when it raised none.
 */
public record SessionSummary(String sessionId, String applicationId, Instant startedAt, int governanceScore, String band,
                             String riskLevel, String outcome, String model, ReviewState reviewState, boolean anchored,
                             List<String> contentSafetyFlags) {
    public SessionSummary {
        contentSafetyFlags = List.copyOf(contentSafetyFlags);
    }
}
