package dev.veriproof.adapters;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Optional;

/**
 * Structured JSON log lines on standard output, which Lambda ships to CloudWatch (the template sets
 * the JSON log format). One object a line: time, level, message, the invocation's correlation
 * fields (Lambda adds them only to its own logger's lines, not to standard output) and key/value
 * fields.
 */
public final class Log {
    /** Held per thread: the local runtime runs many handlers at once in one JVM. */
    private static final ThreadLocal<Invocation> CURRENT = new ThreadLocal<>();

    private Log() {}

    /** The invocation a handler thread is serving; set by {@code Telemetry.begin}. */
    public record Invocation(String requestId, Optional<String> traceId, boolean coldStart, String function) {}

    public static void bind(Invocation invocation) {
        CURRENT.set(invocation);
    }

    public static Optional<Invocation> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    public static void info(String message, Object... fields) {
        System.out.println(line("INFO", message, null, fields));
    }

    public static void warn(String message, Object... fields) {
        System.out.println(line("WARN", message, null, fields));
    }

    public static void error(String message, Throwable error, Object... fields) {
        System.out.println(line("ERROR", message, error, fields));
    }

    private static String line(String level, String message, Throwable error, Object... fields) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("timestamp", Instant.now().toString());
        node.put("level", level);
        node.put("message", message);
        Invocation invocation = CURRENT.get();
        if (invocation != null) {
            node.put("function_request_id", invocation.requestId());
            invocation.traceId().ifPresent(trace -> node.put("xray_trace_id", trace));
            node.put("cold_start", invocation.coldStart());
            node.put("function_name", invocation.function());
        }
        for (int i = 0; i + 1 < fields.length; i += 2) node.put(String.valueOf(fields[i]), String.valueOf(fields[i + 1]));
        if (error != null) {
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            node.put("error", trace.toString());
        }
        return node.toString();
    }
}
