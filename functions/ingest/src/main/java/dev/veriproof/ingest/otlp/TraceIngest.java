package dev.veriproof.ingest.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.otlp.Span;
import dev.veriproof.core.otlp.SpanLimits;
import dev.veriproof.core.otlp.TraceBuffer;
import dev.veriproof.core.otlp.TraceMapping;
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

    private final SessionIngest sessions;
    private final TraceBuffer buffer;

    public TraceIngest(SessionIngest sessions, TraceBuffer buffer) {
        this.sessions = sessions;
        this.buffer = buffer;
    }

    /** How an export went: spans that could not be used, and why, trace by trace. */
    public record Outcome(long rejectedSpans, List<String> reasons) {
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

        void reject(String traceId, long spans, String reason) {
            rejected += spans;
            reasons.add("trace " + traceId + ": " + reason);
        }
    }

    /** @param requestId identifies this request among retries (API Gateway's request id) */
    public Outcome ingest(Principal caller, List<Span> spans, String requestId) {
        Map<String, List<Span>> traces = new LinkedHashMap<>();
        for (Span span : spans) traces.computeIfAbsent(span.traceId(), id -> new ArrayList<>()).add(span);
        Tally tally = new Tally();
        for (Map.Entry<String, List<Span>> trace : traces.entrySet()) {
            ingestTrace(caller, trace.getKey(), trace.getValue(), requestId, tally);
        }
        return new Outcome(tally.rejected, List.copyOf(tally.reasons));
    }

    private void ingestTrace(Principal caller, String traceId, List<Span> spans, String requestId, Tally tally) {
        List<String> violations = new ArrayList<>();
        for (Span span : spans) {
            SpanLimits.violation(span).ifPresent(why -> violations.add("span " + span.spanId() + " (" + span.name() + "): " + why));
        }
        Optional<Span> root = spans.stream().filter(Span::isRoot).min(TraceMapping.STEP_ORDER);
        if (!violations.isEmpty()) {
            // Not even a well-formed trace id: nothing can be buffered or marked under it.
            boolean usableTraceId = SpanLimits.violation(spans.get(0)).filter(v -> v.startsWith("its trace id")).isEmpty();
            if (root.isEmpty() && usableTraceId) buffer.reject(caller.tenantId(), traceId, violations.get(0));
            tally.reject(traceId, spans.size(), String.join("; ", violations)
                    + (usableTraceId ? "; nothing of this trace is stored" : ""));
            return;
        }
        if (root.isPresent()) {
            assemble(caller, traceId, root.get(), spans, requestId, tally);
        } else {
            wait(caller, traceId, spans, tally);
        }
    }

    private void assemble(Principal caller, String traceId, Span root, List<Span> spans, String requestId, Tally tally) {
        TraceBuffer.Sealed sealed = buffer.seal(caller.tenantId(), traceId);
        if (sealed.rejected().isPresent()) {
            tally.reject(traceId, spans.size(), "an earlier export of this trace had a span rejected (" + sealed.rejected().get()
                    + "), so its session is not stored");
            return;
        }
        Map<String, Span> members = new LinkedHashMap<>();
        sealed.spans().forEach(s -> members.put(s.spanId(), s));
        spans.forEach(s -> members.put(s.spanId(), s));
        members.remove(root.spanId());
        ObjectNode session = TraceMapping.toSession(root, List.copyOf(members.values()));
        SessionIngest.Result result = sessions.ingest(caller, session, Optional.empty(), requestId);
        if (result.status() >= 300) tally.reject(traceId, spans.size(), reason(result.body().path("error"), session));
    }

    private void wait(Principal caller, String traceId, List<Span> spans, Tally tally) {
        List<Span> steps = spans.stream().filter(Span::describesDecision).toList();
        if (steps.isEmpty()) return; // spans that say nothing about the decision (HTTP calls, say) are accepted and not kept
        TraceBuffer.Admission admission = buffer.add(caller.tenantId(), traceId, steps);
        switch (admission) {
            case BUFFERED -> { }
            case TRACE_FULL -> tally.reject(traceId, steps.size(), "the trace would hold more than "
                    + SpanLimits.MAX_BUFFERED_SPANS_PER_TRACE + " spans with gen_ai.* or veriproof.* attributes (a session has at most "
                    + SpanLimits.MAX_BUFFERED_SPANS_PER_TRACE + " steps)");
            case ROOT_ALREADY_RECEIVED -> {
                // An export retried after the root came is fine for the spans that waited before it.
                Set<String> waited = new HashSet<>();
                buffer.spans(caller.tenantId(), traceId).forEach(s -> waited.add(s.spanId()));
                List<String> late = steps.stream().map(Span::spanId).filter(id -> !waited.contains(id)).toList();
                if (!late.isEmpty()) {
                    tally.reject(traceId, late.size(), "span(s) " + String.join(", ", late) + " arrived after the trace's root span, "
                            + "when its session had been assembled; end child spans before their root and export them no later than it");
                }
            }
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
