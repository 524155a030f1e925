package dev.veriproof.adapters;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

/**
 * Structured JSON log lines on standard output, which Lambda ships to CloudWatch (the template sets
 * the JSON log format). One object a line: time, level, message and key/value fields.
 */
public final class Log {
    private Log() {}

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
        for (int i = 0; i + 1 < fields.length; i += 2) node.put(String.valueOf(fields[i]), String.valueOf(fields[i + 1]));
        if (error != null) {
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            node.put("error", trace.toString());
        }
        return node.toString();
    }
}
