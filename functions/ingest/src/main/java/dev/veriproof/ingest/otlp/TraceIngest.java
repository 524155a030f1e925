package dev.veriproof.ingest.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.otlp.Span;
import dev.veriproof.core.otlp.SpanLimits;
import dev.veriproof.core.otlp.TraceBuffer;
import dev.veriproof.core.otlp.TraceMapping;
import dev.veriproof.ingest.IngestMetrics;
import dev.veriproof.ingest.SessionIngest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * OTLP trace ingestion (SPEC §13): groups the spans of an export by trace; a trace whose root is
 * here becomes one session, assembled from the root, the spans of this request and those that
 * waited in the {@link TraceBuffer}, and is stored through {@link SessionIngest} exactly as a
 * {@code POST /v1/sessions} body would be; the spans of a trace without its root wait in the buffer.
 * What cannot be used is counted as rejected, with a reason per trace: OTLP's partial success.
 */
public final class TraceIngest {
    private static final int MAX_REASONS = 10;
    /** The {@code errorCode} under which a session is counted as rejected when a span of its trace broke the limits. */
    static final String SPAN_REJECTED = "span_rejected";

    private final SessionIngest sessions;
    private final TraceBuffer buffer;

    public TraceIngest(SessionIngest sessions, TraceBuffer buffer) {
        this.sessions = sessions;
        this.buffer = buffer;
    }

    /**
     * How an export went: spans that could not be used, and why, trace by trace; and the sessions of the
     * traces whose root span came, as {@code POST /v1/sessions} would count them.
     */
    public record Outcome(long rejectedSpans, List<String> reasons, IngestMetrics.Tally sessions) {
        public boolean fullSuccess() {
            return rejectedSpans == 0;
        }

        /** One message for OTLP's {@code error_message}: the first reasons, and how many more there were. */
        public String errorMessage() {
            if (reasons.isEmpty()) return "";
            List<String> shown = reasons.subList(0, Math.min(MAX_REASONS, reasons.size()));
            String more = reasons.size() > shown.size() ? "; and " + (reasons.size() - shown.size()) + " more trace(s)" : "";
            return rejectedSpans + " span(s) rejected: " + String.join("; ", shown) + more;
        }
    }

    private static final class Tally {
        long rejected;
        final List<String> reasons = new ArrayList<>();
        final IngestMetrics.Tally sessions = new IngestMetrics.Tally();

        void reject(String traceId, long spans, String reason) {
            rejected += spans;
            reasons.add("trace " + traceId + ": " + reason);
        }
    }

    /**
     * SnapStart priming (the tenant "priming" does not exist): the trace buffer's read, its seal transaction and batch
     * read, and the session's write, each sent and refused by a condition no item meets; nothing is written.
     */
    void warmUp() {
        buffer.spans("priming", "0af7651916cd43dd8448eb211c80319c");
        buffer.primeWrites("priming", "0af7651916cd43dd8448eb211c80319c");
        sessions.warmUp();
    }

    /** @param requestId identifies this request among retries (API Gateway's request id) */
    public Outcome ingest(Principal caller, List<Span> spans, String requestId) {
        Map<String, List<Span>> traces = new LinkedHashMap<>();
        for (Span span : spans) traces.computeIfAbsent(span.traceId(), id -> new ArrayList<>()).add(span);
        Tally tally = new Tally();
        Map<String, Span> roots = new LinkedHashMap<>();
        Map<String, List<Span>> waiting = new LinkedHashMap<>();
        for (Map.Entry<String, List<Span>> trace : traces.entrySet()) {
            String traceId = trace.getKey();
            List<Span> members = trace.getValue();
            Optional<Span> root = members.stream().filter(Span::isRoot).min(TraceMapping.STEP_ORDER);
            if (rejectedForLimits(caller, traceId, members, root.isPresent(), tally)) continue;
            if (root.isPresent()) {
                roots.put(traceId, root.get());
            } else {
                // Spans that say nothing about the decision (HTTP calls, say) are accepted and not kept.
                List<Span> steps = members.stream().filter(Span::describesDecision).toList();
                if (!steps.isEmpty()) waiting.put(traceId, steps);
            }
        }
        if (!waiting.isEmpty()) wait(caller, waiting, tally);
        if (!roots.isEmpty()) assemble(caller, roots, traces, requestId, tally);
        return new Outcome(tally.rejected, List.copyOf(tally.reasons), tally.sessions);
    }

    /** A span outside the limits rejects its whole trace; without the root here, the trace is marked so that its root is refused too. */
    private boolean rejectedForLimits(Principal caller, String traceId, List<Span> spans, boolean hasRoot, Tally tally) {
        List<String> violations = new ArrayList<>();
        for (Span span : spans) {
            SpanLimits.violation(span).ifPresent(why -> violations.add("span " + span.spanId() + " (" + span.name() + "): " + why));
        }
        if (violations.isEmpty()) return false;
        // Not even a well-formed trace id: nothing can be buffered or marked under it.
        boolean usableTraceId = SpanLimits.violation(spans.get(0)).filter(v -> v.startsWith("its trace id")).isEmpty();
        if (!hasRoot && usableTraceId) buffer.reject(caller.tenantId(), traceId, violations.get(0));
        if (hasRoot) tally.sessions.rejected(SPAN_REJECTED);
        tally.reject(traceId, spans.size(), String.join("; ", violations) + (usableTraceId ? "; nothing of this trace is stored" : ""));
        return true;
    }

    private void assemble(Principal caller, Map<String, Span> roots, Map<String, List<Span>> traces, String requestId, Tally tally) {
        Map<String, TraceBuffer.Sealed> sealed = buffer.seal(caller.tenantId(), roots.keySet());
        for (Map.Entry<String, Span> entry : roots.entrySet()) {
            String traceId = entry.getKey();
            Span root = entry.getValue();
            List<Span> spans = traces.get(traceId);
            TraceBuffer.Sealed waited = sealed.get(traceId);
            if (waited.rejected().isPresent()) {
                tally.reject(traceId, spans.size(), "an earlier export of this trace had a span rejected (" + waited.rejected().get()
                        + "), so its session is not stored");
                tally.sessions.rejected(SPAN_REJECTED);
                continue;
            }
            Map<String, Span> members = new LinkedHashMap<>();
            waited.spans().forEach(s -> members.put(s.spanId(), s));
            spans.forEach(s -> members.put(s.spanId(), s));
            members.remove(root.spanId());
            ObjectNode session = TraceMapping.toSession(root, List.copyOf(members.values()));
            SessionIngest.Result result = sessions.ingest(caller, session, Optional.empty(), requestId);
            tally.sessions.add(result.body());
            if (result.status() >= 300) tally.reject(traceId, spans.size(), reason(result.body().path("error"), session));
        }
    }

    private void wait(Principal caller, Map<String, List<Span>> waiting, Tally tally) {
        Map<String, TraceBuffer.Admission> admissions = buffer.add(caller.tenantId(), waiting);
        for (Map.Entry<String, List<Span>> trace : waiting.entrySet()) {
            TraceBuffer.Admission admission = admissions.get(trace.getKey());
            if (admission == TraceBuffer.Admission.BUFFERED) continue;
            // Spans that waited before (an export retried after the root came, or the share of a
            // large trace that fitted) are fine; the others are reported.
            Set<String> waited = new HashSet<>();
            buffer.spans(caller.tenantId(), trace.getKey()).forEach(s -> waited.add(s.spanId()));
            List<String> refused = trace.getValue().stream().map(Span::spanId).filter(id -> !waited.contains(id)).toList();
            if (refused.isEmpty()) continue;
            tally.reject(trace.getKey(), refused.size(), admission == TraceBuffer.Admission.TRACE_FULL
                    ? "the trace would hold more than " + SpanLimits.MAX_BUFFERED_SPANS_PER_TRACE + " spans with gen_ai.* or veriproof.* "
                            + "attributes (a session has at most " + SpanLimits.MAX_BUFFERED_SPANS_PER_TRACE + " steps)"
                    : "span(s) " + String.join(", ", refused) + " arrived after the trace's root span, when its session had been "
                            + "assembled; end child spans before their root and export them no later than it");
        }
    }

    private static String reason(JsonNode error, ObjectNode session) {
        String code = error.path("code").asText();
        String message = error.path("message").asText();
        String field = error.path("field").isTextual() ? error.path("field").textValue() : null;
        StringBuilder reason = new StringBuilder("session '").append(session.path("sessionId").asText()).append("' ");
        reason.append(code.equals("session_conflict") ? "conflicts" : "rejected").append(" (").append(code).append("): ").append(message);
        if (code.equals("unknown_application")) {
            reason.append(" The application id comes from the resource attribute veriproof.application.id, else service.name.");
        } else {
            TraceMapping.attributeOf(field).ifPresent(source -> reason.append(" [").append(field).append(" comes from ").append(source).append("]"));
        }
        return reason.toString();
    }
}
