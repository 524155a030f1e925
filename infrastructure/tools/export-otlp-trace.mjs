// Exports one realistic AI-agent trace to POST /v1/traces with the OpenTelemetry JS SDK's OTLP/HTTP
// JSON exporter, the way a Node application instrumented with OpenTelemetry would (SPEC §13):
//
//   node infrastructure/tools/export-otlp-trace.mjs <apiUrl> <apiKey> <sessionId> <applicationId>
//
// The root span invoke_agent has a chat, an execute_tool and a guardrail child; the children end
// first and are exported in a first call (as a batch processor ships spans as they end), the root in
// a second. Prints {"traceId", "rootSpanId", "results": [export result per call]} and exits 0 only if
// every export call succeeded.
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { context, trace } from "@opentelemetry/api";

const [apiUrl, apiKey, sessionId, applicationId] = process.argv.slice(2);
if (!apiUrl || !apiKey || !sessionId || !applicationId) {
    console.error("usage: node export-otlp-trace.mjs <apiUrl> <apiKey> <sessionId> <applicationId>");
    process.exit(2);
}

const results = [];
const otlp = new OTLPTraceExporter({ url: `${apiUrl}/v1/traces`, headers: { "X-API-Key": apiKey } });
// Records what each export call answered; everything else is the SDK's own exporter.
const recording = {
    export(spans, done) {
        otlp.export(spans, (result) => {
            results.push({ spans: spans.length, code: result.code, error: result.error ? String(result.error) : null });
            done(result);
        });
    },
    shutdown: () => otlp.shutdown(),
    forceFlush: () => otlp.forceFlush(),
};

const provider = new BasicTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ "service.name": "otel-js-agent", "veriproof.application.id": applicationId })),
    spanProcessors: [new BatchSpanProcessor(recording)],
});
const tracer = provider.getTracer("veriproof-e2e-agent", "1.0.0");

// Explicit times, as real work takes some: steps are ordered by start time, and spans started in
// the same instant would fall back to the order of their random ids.
const t0 = Date.now();
const at = (ms) => new Date(t0 + ms);
const root = tracer.startSpan("invoke_agent loan-agent", {
    startTime: at(0),
    attributes: {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "loan-agent",
        "veriproof.session.id": sessionId,
        "veriproof.session.intent": "credit_decision",
        "veriproof.decision.outcome": "DENIED",
        "veriproof.decision.confidence": 0.74,
        "veriproof.decision.reasoning": "DTI above policy",
        "veriproof.risk.level": "HIGH",
        "veriproof.human_oversight.required": true,
        "veriproof.human_oversight.type": "HUMAN_ON_THE_LOOP",
        "veriproof.grounding.status": "GROUNDED",
        "veriproof.grounding.sources": 2,
        "veriproof.attributes.channel": "web",
    },
});
const inRoot = trace.setSpan(context.active(), root);

const chat = tracer.startSpan("chat gpt-4.1", {
    startTime: at(5),
    attributes: {
        "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4.1",
        "gen_ai.response.model": "gpt-4.1-2025-04-14", "gen_ai.usage.input_tokens": 640, "gen_ai.usage.output_tokens": 88,
    },
}, inRoot);
chat.end(at(400));
const tool = tracer.startSpan("execute_tool credit_bureau", {
    startTime: at(410),
    attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "credit_bureau" },
}, inRoot);
tool.end(at(600));
const guardrail = tracer.startSpan("pii-filter", {
    startTime: at(610),
    attributes: {
        "veriproof.guardrail.name": "pii-filter", "veriproof.guardrail.action": "FLAGGED", "veriproof.guardrail.config_version": "3",
        "veriproof.content_safety.flags": ["PII"], "veriproof.content_safety.handled": true,
    },
}, inRoot);
guardrail.end(at(650));
try {
    await provider.forceFlush();
    root.end(at(700));
    await provider.forceFlush();
    await provider.shutdown();
} catch (error) {
    results.push({ error: String(error) });
}

const ok = results.length === 2 && results.every((r) => r.code === 0);
console.log(JSON.stringify({ traceId: root.spanContext().traceId, rootSpanId: root.spanContext().spanId, results }));
process.exit(ok ? 0 : 1);
