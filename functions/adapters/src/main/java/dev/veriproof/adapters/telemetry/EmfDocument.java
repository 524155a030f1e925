package dev.veriproof.adapters.telemetry;

import java.util.ArrayList;
import java.util.List;

/**
 * One CloudWatch Embedded Metric Format document, written as one line of compact JSON:
 * {@code {"_aws":{"Timestamp":…,"CloudWatchMetrics":[{"Namespace":…,"Dimensions":[[…]],"Metrics":[{"Name":…,"Unit":…}]}]},…}}
 * with each dimension's value, each metric's value and the metadata as members of the root object.
 *
 * <p>The default dimensions (Service, and FunctionName for ColdStart) form the first dimension set; a {@linkplain
 * #breakdown breakdown} adds a set of its own. Metric values are written as Java prints a double ({@code 1.0}), as the
 * Powertools library this replaced did. Not thread-safe: one document per emission, built on the emitting thread.
 */
public final class EmfDocument {
    /** Below this magnitude a whole number prints as Java's {@code Double.toString} does, digits then {@code .0}. */
    private static final double PLAIN_WHOLE_LIMIT = 1e7;

    private final StringBuilder dimensionSets = new StringBuilder(48);
    private final StringBuilder definitions = new StringBuilder(96);
    private final StringBuilder members = new StringBuilder(256);
    private final List<String> keys = new ArrayList<>(8);

    /** {@code defaultDimensions}: name, value, name, value…, published together as the first dimension set. */
    EmfDocument(String... defaultDimensions) {
        dimensionSets.append('[');
        for (int i = 0; i < defaultDimensions.length; i += 2) {
            if (i > 0) dimensionSets.append(',');
            string(dimensionSets, defaultDimensions[i]);
            member(defaultDimensions[i]);
            string(members, defaultDimensions[i + 1]);
        }
        dimensionSets.append(']');
    }

    /** Adds a metric with its value (finite) and unit. A name may appear once per document. */
    public EmfDocument metric(String name, double value, MetricUnit unit) {
        if (!Double.isFinite(value)) throw new IllegalArgumentException("metric " + name + " has no finite value: " + value);
        member(name);
        number(members, value);
        if (!definitions.isEmpty()) definitions.append(',');
        definitions.append("{\"Name\":");
        string(definitions, name);
        definitions.append(",\"Unit\":\"").append(unit.emfName).append("\"}");
        return this;
    }

    /**
     * Publishes this document's metrics under {@code dimension} alone as well (an error code, an outcome), besides the
     * default dimensions.
     */
    public EmfDocument breakdown(String dimension, String value) {
        member(dimension);
        string(members, value);
        dimensionSets.append(",[");
        string(dimensionSets, dimension);
        dimensionSets.append(']');
        return this;
    }

    /** A member that is no metric nor dimension: searchable in CloudWatch Logs (a request id, a trace id). */
    EmfDocument metadata(String key, String value) {
        member(key);
        string(members, value);
        return this;
    }

    boolean hasMetrics() {
        return !definitions.isEmpty();
    }

    /** The document as one line of JSON, its line break included. */
    String toJsonLine(String namespace, long timestampMillis) {
        StringBuilder json = new StringBuilder(128 + dimensionSets.length() + definitions.length() + members.length());
        json.append("{\"_aws\":{\"Timestamp\":").append(timestampMillis).append(",\"CloudWatchMetrics\":[{\"Namespace\":");
        string(json, namespace);
        json.append(",\"Dimensions\":[").append(dimensionSets).append("],\"Metrics\":[").append(definitions).append("]}]}");
        return json.append(members).append("}\n").toString();
    }

    /** Opens a root member {@code ,"key":}; a key twice would make the document ambiguous, so it is refused. */
    private void member(String key) {
        if (keys.contains(key)) throw new IllegalArgumentException("EMF document member " + key + " set twice");
        keys.add(key);
        members.append(',');
        string(members, key);
        members.append(':');
    }

    private static void number(StringBuilder out, double value) {
        long whole = (long) value;
        if (whole == value && Math.abs(value) < PLAIN_WHOLE_LIMIT) {
            out.append(whole).append(".0");
        } else {
            out.append(value);
        }
    }

    /** A JSON string: quote, backslash and the control characters below U+0020 escaped; everything else as is. */
    static void string(StringBuilder out, String value) {
        out.append('"');
        int plainFrom = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') continue;
            out.append(value, plainFrom, i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
            plainFrom = i + 1;
        }
        out.append(value, plainFrom, value.length()).append('"');
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
}
