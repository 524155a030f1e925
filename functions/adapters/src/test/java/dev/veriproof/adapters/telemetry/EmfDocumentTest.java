package dev.veriproof.adapters.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.local.EmfOutput;
import dev.veriproof.local.LocalLambdaContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** VeriProof's EMF writer, read back from what it prints on standard output. */
class EmfDocumentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE = "1-5759e988-bd862e3fe1be46a994272793";

    @AfterEach
    void unbind() {
        Log.bind(null);
        System.clearProperty("com.amazonaws.xray.traceHeader");
    }

    private static void invocation(String requestId, String trace) {
        Log.bind(new Log.Invocation(requestId, Optional.ofNullable(trace), false, "IngestFunction"));
    }

    /**
     * Each emission site's calls, as the site makes them, with the values of the capture: the document must be the one
     * Powertools printed, field for field and value for value (emf-powertools-2.9.0.json in local-aws).
     */
    @Test
    void everyEmissionSiteWritesTheDocumentPowertoolsWrote() {
        Map<String, Runnable> sites = new LinkedHashMap<>();
        sites.put("ColdStart", () -> {
            System.setProperty("com.amazonaws.xray.traceHeader", "Root=" + TRACE + ";Parent=53995c3f42cd8ad8;Sampled=1");
            Telemetry.restored();
            Telemetry.begin(context("req-1", "IngestFunction"));
        });
        sites.put("IngestStoredDuplicate", () -> Telemetry.emit(m -> {
            m.metric("SessionsStored", 3, MetricUnit.COUNT);
            m.metric("SessionsDuplicate", 0, MetricUnit.COUNT);
        }));
        sites.put("IngestRejected", () -> Telemetry.emit(m -> {
            m.breakdown("errorCode", "invalid_field");
            m.metric("SessionsRejected", 2, MetricUnit.COUNT);
        }));
        sites.put("BatchRootMismatch", () -> Telemetry.count("BatchRootMismatch", 1));
        sites.put("NotificationsDelivered", () -> Telemetry.count("NotificationsDelivered", 1));
        sites.put("NotificationsAbandoned", () -> Telemetry.emit(m -> {
            m.metric("NotificationsFailed", 1, MetricUnit.COUNT);
            m.metric("NotificationsAbandoned", 1, MetricUnit.COUNT);
        }));
        sites.put("ExportSucceeded", () -> Telemetry.emit(m -> {
            m.metric("ExportsSucceeded", 1, MetricUnit.COUNT);
            m.metric("ExportDuration", 12.345, MetricUnit.SECONDS);
            m.metric("ExportSessions", 1234L, MetricUnit.COUNT);
        }));
        sites.put("AnchoringReport", () -> Telemetry.emit(m -> {
            m.metric("ChainFailures", 0, MetricUnit.COUNT);
            m.metric("SessionsAnchored", 250L, MetricUnit.COUNT);
            m.metric("OldestPendingSessionAge", 42L, MetricUnit.SECONDS);
            m.metric("AnchorBatchSize", 250.0 / 3, MetricUnit.COUNT);
        }));
        sites.put("AnchoringRuns", () -> Telemetry.emit(m -> {
            m.breakdown("outcome", "ANCHORED");
            m.metric("AnchoringRuns", 1, MetricUnit.COUNT);
        }));
        sites.put("StreamRecordsRetried", () -> Telemetry.count("StreamRecordsRetried", 5));

        sites.forEach((site, emission) -> {
            invocation("req-1", TRACE);
            EmfOutput printed = EmfOutput.capture(emission);
            assertEquals(1, printed.documents().size(), site);
            assertEquals(EmfOutput.comparable(EmfOutput.powertoolsDocument(site)), EmfOutput.comparable(printed.documents().get(0)), site);
        });
    }

    @Test
    void withoutAnInvocationOrATraceTheMetadataIsLeftOut() {
        Log.bind(null);
        EmfOutput none = EmfOutput.capture(() -> Telemetry.count("StreamRecordsRetried", 1));
        assertEquals(EmfOutput.comparable(EmfOutput.powertoolsDocument("NoInvocation")), EmfOutput.comparable(none.documents().get(0)));
        invocation("req-2", null);
        EmfOutput untraced = EmfOutput.capture(() -> Telemetry.count("StreamRecordsRetried", 1));
        assertEquals(EmfOutput.comparable(EmfOutput.powertoolsDocument("NoTrace")), EmfOutput.comparable(untraced.documents().get(0)));
    }

    @Test
    void stringsAreEscapedSoThatTheyReadBackAsWritten() {
        String awkward = "quote \" backslash \\ newline \n tab \t nul \u0000 unit \u001f del \u007f é 漢 😀 </script>";
        invocation(awkward, "trace\r\n");
        List<String> lines = rawLines(() -> Telemetry.emit(m -> m.breakdown("errorCode", awkward).metric("Rejected \"x\"", 1, MetricUnit.COUNT)));
        assertEquals(1, lines.size(), "the line breaks in the values are escaped: " + lines);
        JsonNode document = parse(lines.get(0));
        assertEquals(awkward, document.path("function_request_id").asText());
        assertEquals(awkward, document.path("errorCode").asText());
        assertEquals("trace\r\n", document.path("xray_trace_id").asText());
        assertEquals(1.0, document.path("Rejected \"x\"").asDouble());
        assertEquals("Rejected \"x\"", document.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").get(0).path("Name").asText());

        StringBuilder escaped = new StringBuilder();
        EmfDocument.string(escaped, "a\"b\\c\nd\u0001\u001fé");
        assertEquals("\"a\\\"b\\\\c\\u000ad\\u0001\\u001fé\"", escaped.toString());
    }

    @Test
    void breakdownsAreDimensionSetsOfTheirOwnBesidesTheDefaultOne() {
        invocation("req-3", null);
        JsonNode document = single(() -> Telemetry.emit(m -> m.breakdown("errorCode", "invalid_field").breakdown("outcome", "FAILED")
                .metric("A", 2, MetricUnit.COUNT).metric("B", 1.5, MetricUnit.SECONDS)));
        JsonNode directive = document.path("_aws").path("CloudWatchMetrics").get(0);
        assertEquals(parse("[[\"Service\"],[\"errorCode\"],[\"outcome\"]]"), directive.path("Dimensions"));
        assertEquals(parse("[{\"Name\":\"A\",\"Unit\":\"Count\"},{\"Name\":\"B\",\"Unit\":\"Seconds\"}]"), directive.path("Metrics"));
        assertEquals("veriproof", document.path("Service").asText());
        assertEquals("invalid_field", document.path("errorCode").asText());
        assertEquals("FAILED", document.path("outcome").asText());
        assertEquals(2.0, document.path("A").doubleValue());
        assertEquals(1.5, document.path("B").doubleValue());
        assertEquals("req-3", document.path("function_request_id").asText());
    }

    @Test
    void valuesAreNumbersEqualToThoseGivenAndTheTimestampIsTheTimeOfWriting() {
        double[] values = {0, 1, -3, 0.5, 9_999_999, 1e7, 123_456_789_012L, 1e-9, 250.0 / 3, Long.MAX_VALUE};
        long before = System.currentTimeMillis();
        JsonNode document = single(() -> Telemetry.emit(m -> {
            for (int i = 0; i < values.length; i++) m.metric("V" + i, values[i], MetricUnit.COUNT);
        }));
        long after = System.currentTimeMillis();
        for (int i = 0; i < values.length; i++) {
            assertTrue(document.path("V" + i).isNumber(), document.toString());
            assertEquals(values[i], document.path("V" + i).doubleValue(), "V" + i);
        }
        long timestamp = document.path("_aws").path("Timestamp").longValue();
        assertTrue(document.path("_aws").path("Timestamp").isIntegralNumber() && timestamp >= before && timestamp <= after, timestamp + " not in [" + before + ", " + after + "]");
    }

    @Test
    void aNameTwiceOrAValueJsonCannotHoldIsRefusedAndNothingIsPrinted() {
        List<String> lines = rawLines(() -> {
            assertThrows(IllegalArgumentException.class, () -> Telemetry.emit(m -> m.metric("A", 1, MetricUnit.COUNT).metric("A", 2, MetricUnit.COUNT)));
            assertThrows(IllegalArgumentException.class, () -> Telemetry.emit(m -> m.breakdown("Service", "other").metric("A", 1, MetricUnit.COUNT)));
            assertThrows(IllegalArgumentException.class, () -> Telemetry.emit(m -> m.metric("A", Double.NaN, MetricUnit.COUNT)));
            assertThrows(IllegalArgumentException.class, () -> Telemetry.emit(m -> m.metric("A", Double.POSITIVE_INFINITY, MetricUnit.COUNT)));
            Telemetry.emit(m -> { });
        });
        assertEquals(List.of(), lines, "a document without metrics is not printed either");
    }

    @Test
    void primingDocumentsAreBuiltAndDroppedAndTheColdStartIsKeptForTheFirstRealRequest() {
        Log.Invocation serving = new Log.Invocation("req-9", Optional.empty(), false, "IngestFunction");
        Log.bind(serving);
        Telemetry.warmUp();
        assertEquals(Optional.of(serving), Log.current(), "the warm-up leaves the thread's invocation as it found it");
        List<String> lines = rawLines(() -> {
            Telemetry.restored();
            Telemetry.warmUp();
            Telemetry.begin(context(PrimedHandler.PRIMING, PrimedHandler.PRIMING));
            Telemetry.count("StreamRecordsRetried", 1);
            Telemetry.emit(m -> m.breakdown("errorCode", "x").metric("SessionsRejected", 1, MetricUnit.COUNT));
        });
        assertEquals(List.of(), lines, "priming prints nothing");
        EmfOutput first = EmfOutput.capture(() -> Telemetry.begin(new LocalLambdaContext("IngestFunction")));
        assertEquals(1, first.sum("ColdStart", Map.of("FunctionName", "IngestFunction", "Service", "veriproof")), "the first real request is the cold start");
        EmfOutput second = EmfOutput.capture(() -> Telemetry.begin(new LocalLambdaContext("IngestFunction")));
        assertEquals(List.of(), second.documents());
    }

    @Test
    void documentsOfHandlersRunningAtOnceAreWholeLines() throws Exception {
        int threads = 8;
        int each = 250;
        List<String> lines = rawLines(() -> {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            invocation("thread-" + thread + "-" + i, TRACE);
                            Telemetry.emit(m -> m.metric("SessionsStored", thread, MetricUnit.COUNT).metric("SessionsDuplicate", 0, MetricUnit.COUNT));
                            Log.info("between documents", "thread", thread);
                        }
                    }));
                }
                for (Future<?> future : done) future.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                pool.shutdown();
            }
        });
        Set<String> requests = new HashSet<>();
        for (String line : lines) {
            JsonNode node = parse(line);
            if (!node.has("_aws")) continue;
            String request = node.path("function_request_id").asText();
            assertEquals(Integer.parseInt(request.split("-")[1]), node.path("SessionsStored").asInt(), line);
            requests.add(request);
        }
        assertEquals(threads * each, requests.size());
    }

    private static JsonNode single(Runnable emission) {
        List<String> lines = rawLines(emission);
        assertEquals(1, lines.size(), lines.toString());
        return parse(lines.get(0));
    }

    /** What {@code code} prints on standard output, line by line, each line checked to end with its line break. */
    private static List<String> rawLines(Runnable code) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            code.run();
        } finally {
            System.setOut(original);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        if (text.isEmpty()) return List.of();
        assertTrue(text.endsWith("\n"), text);
        return List.of(text.substring(0, text.length() - 1).split("\n", -1));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not one JSON document: " + json, e);
        }
    }

    private static Context context(String requestId, String function) {
        LocalLambdaContext local = new LocalLambdaContext(function);
        return (Context) java.lang.reflect.Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> method.getName().equals("getAwsRequestId") ? requestId : method.invoke(local, args));
    }
}
