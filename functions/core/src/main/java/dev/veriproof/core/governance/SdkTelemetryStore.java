package dev.veriproof.core.governance;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** SDK health reports and the SDK version history of applications. */
public interface SdkTelemetryStore {
    /**
     * Stores the report; false if the same report is stored already. Either way the report's SDK
     * version's latest state moves to it unless a later report is there already, so a retried
     * request that died between the two writes still completes the second.
     */
    boolean putIfAbsent(SdkHealthReport report);

    /** The latest state of every SDK name and version that reported for the application. */
    List<SdkHealthState> healthStates(String tenantId, String applicationId);

    /** The application's reports, in {@code reportedAt} order. */
    List<SdkHealthReport> healthReports(String tenantId, String applicationId);

    /** Every application's health reports, in one read (each application's in the order of {@link #healthReports}). */
    List<SdkHealthReport> healthReportsOfTenant(String tenantId);

    /**
     * Records that the SDK version was in use at {@code at}: first seen is the earliest such time,
     * last seen the latest. Idempotent and order-independent, so replays and retries change nothing.
     */
    default void sawSdk(String tenantId, String applicationId, String sdkName, String sdkVersion, Instant at, String source) {
        saw(List.of(SdkSighting.at(tenantId, applicationId, sdkName, sdkVersion, at, source)));
    }

    /**
     * Widens each version's history to cover the sightings (coalesced first: at most one write per distinct version,
     * none when the history covers them already). Idempotent and order-independent, like {@link #sawSdk}.
     */
    void saw(Collection<SdkSighting> sightings);

    List<SdkVersion> versions(String tenantId, String applicationId);
}
