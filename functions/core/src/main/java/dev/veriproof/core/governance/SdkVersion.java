package dev.veriproof.core.governance;

import java.time.Instant;
import java.util.Set;

/**
 * One SDK name and version seen for an application: when first and last, and from which sources
 * ({@code session}, {@code health}).
 */
public record SdkVersion(String applicationId, String sdkName, String sdkVersion, Instant firstSeen, Instant lastSeen,
                         Set<String> sources) {
    public SdkVersion {
        sources = Set.copyOf(sources);
    }
}
