package dev.veriproof.core.governance;

import java.time.Instant;
import java.util.List;

/** SDK health reports and the SDK version history of applications. */
public interface SdkTelemetryStore {
    /** Stores the report; false if the same report is stored already. */
    boolean putIfAbsent(SdkHealthReport report);

    /** The application's reports, in {@code reportedAt} order. */
    List<SdkHealthReport> healthReports(String tenantId, String applicationId);

    /**
     * Records that the SDK version was in use at {@code at}: first seen is the earliest such time,
     * last seen the latest. Idempotent and order-independent, so replays and retries change nothing.
     */
    void sawSdk(String tenantId, String applicationId, String sdkName, String sdkVersion, Instant at, String source);

    List<SdkVersion> versions(String tenantId, String applicationId);
}
