package dev.veriproof.core.governance;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One SDK name and version of an application seen in use between {@code firstSeen} and {@code lastSeen}, from the
 * given sources: one sighting, or many of the same version merged. Merging is a min/max/union, so it is
 * order-independent and idempotent — the SDK version history needs no more than one write per version and batch.
 */
public record SdkSighting(String tenantId, String applicationId, String sdkName, String sdkVersion, Instant firstSeen,
                          Instant lastSeen, Set<String> sources) {
    public SdkSighting {
        if (firstSeen.isAfter(lastSeen)) throw new IllegalArgumentException("firstSeen after lastSeen");
        sources = Set.copyOf(sources);
    }

    /** The SDK version in use at {@code at}, as {@code source} ({@code session}, {@code health}) says. */
    public static SdkSighting at(String tenantId, String applicationId, String sdkName, String sdkVersion, Instant at, String source) {
        return new SdkSighting(tenantId, applicationId, sdkName, sdkVersion, at, at, Set.of(source));
    }

    /** What identifies the version's history: tenant, application, SDK name and version. */
    public List<String> key() {
        return List.of(tenantId, applicationId, sdkName, sdkVersion);
    }

    /** The span of both sightings of the same version: earliest first seen, latest last seen, every source. */
    public SdkSighting merge(SdkSighting other) {
        if (!key().equals(other.key())) throw new IllegalArgumentException("sightings of different SDK versions");
        Set<String> union = new TreeSet<>(sources);
        union.addAll(other.sources);
        return new SdkSighting(tenantId, applicationId, sdkName, sdkVersion,
                firstSeen.isBefore(other.firstSeen) ? firstSeen : other.firstSeen,
                lastSeen.isAfter(other.lastSeen) ? lastSeen : other.lastSeen, union);
    }

    /** True when this sighting adds nothing to {@code other}: its span and sources lie within. */
    public boolean within(SdkSighting other) {
        return key().equals(other.key()) && !firstSeen.isBefore(other.firstSeen) && !lastSeen.isAfter(other.lastSeen)
                && other.sources.containsAll(sources);
    }

    /** One sighting per distinct version, each the merge of that version's sightings, in the order first met. */
    public static List<SdkSighting> coalesce(Collection<SdkSighting> sightings) {
        Map<List<String>, SdkSighting> merged = new LinkedHashMap<>();
        for (SdkSighting s : sightings) merged.merge(s.key(), s, SdkSighting::merge);
        return List.copyOf(merged.values());
    }
}
