package dev.veriproof.core.otlp;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the non-root spans of a trace wait for their root (SPEC §13): bounded per trace, expiring
 * after a while, per tenant. Once the root has been received the trace is sealed: spans that come
 * later are turned away, so that the stored session is never silently missing a step. Every call
 * takes the traces of one export together, so that an export costs a few round trips, not a few per trace.
 */
public interface TraceBuffer {

    enum Admission {
        /** the spans wait for their root */
        BUFFERED,
        /** the root was received before: the trace's session is assembled already */
        ROOT_ALREADY_RECEIVED,
        /** the trace would hold more than {@link SpanLimits#MAX_BUFFERED_SPANS_PER_TRACE} spans */
        TRACE_FULL
    }

    /** Adds each trace's spans (none of them a root): per trace, all of them or none. */
    Map<String, Admission> add(String tenantId, Map<String, List<Span>> spansByTrace);

    /** Marks the trace as unusable: a span of it was rejected, so its session must not be stored without it. */
    void reject(String tenantId, String traceId, String reason);

    /** What {@link #seal} found for a trace: the spans that waited, and why the trace is unusable if it is. */
    record Sealed(List<Span> spans, Optional<String> rejected) {}

    /** Seals the traces (their roots have arrived) and returns what each holds; sealing twice is harmless. */
    Map<String, Sealed> seal(String tenantId, Collection<String> traceIds);

    /** The spans a trace holds, without sealing it. */
    List<Span> spans(String tenantId, String traceId);

    /**
     * SnapStart priming: sends the transaction a seal sends, under a condition no item meets, so that it is always
     * cancelled and writes nothing; the reads of {@link #seal} run too. Nothing by default.
     */
    default void primeWrites(String tenantId, String traceId) {
    }
}
