package dev.veriproof.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The CloudWatch Embedded Metric Format documents a piece of code prints on standard output, read
 * back the way CloudWatch reads them: each line that is a JSON object with {@code _aws.CloudWatchMetrics}.
 */
public final class EmfOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One metric value of one document, with its namespace, unit and dimension values. */
    public record Metric(String namespace, String name, String unit, double value, Map<String, String> dimensions) {}

    private final List<JsonNode> documents;
    private final List<JsonNode> logLines;

    private EmfOutput(List<JsonNode> documents, List<JsonNode> logLines) {
        this.documents = documents;
        this.logLines = logLines;
    }

    /** Runs {@code code} with standard output captured (still echoed), and parses what it printed. */
    public static synchronized EmfOutput capture(Runnable code) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new java.io.OutputStream() {
            @Override public void write(int b) { bytes.write(b); original.write(b); }
            @Override public void write(byte[] b, int off, int len) { bytes.write(b, off, len); original.write(b, off, len); }
        }, true, StandardCharsets.UTF_8);
        System.setOut(tee);
        try {
            code.run();
        } finally {
            tee.flush();
            System.setOut(original);
        }
        List<JsonNode> documents = new ArrayList<>();
        List<JsonNode> logLines = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.startsWith("{")) continue;
            try {
                JsonNode node = JSON.readTree(line);
                if (node.path("_aws").has("CloudWatchMetrics")) documents.add(node); else logLines.add(node);
            } catch (java.io.IOException notJson) {
                // another component's output
            }
        }
        return new EmfOutput(documents, logLines);
    }

    public List<JsonNode> documents() {
        return documents;
    }

    /** The structured log lines (JSON objects without metrics) printed meanwhile. */
    public List<JsonNode> logLines() {
        return logLines;
    }

    /**
     * Every value of every metric declared by a document, once per document however many dimension
     * sets declare it; {@code dimensions} holds the values of every dimension the document declares.
     */
    public List<Metric> metrics() {
        List<Metric> metrics = new ArrayList<>();
        for (JsonNode doc : documents) {
            for (JsonNode directive : doc.path("_aws").path("CloudWatchMetrics")) {
                String namespace = directive.path("Namespace").asText();
                Map<String, String> dimensions = new TreeMap<>();
                for (JsonNode dimensionSet : directive.path("Dimensions")) {
                    dimensionSet.forEach(d -> dimensions.put(d.asText(), doc.path(d.asText()).asText()));
                }
                for (JsonNode m : directive.path("Metrics")) {
                    String name = m.path("Name").asText();
                    JsonNode value = doc.path(name);
                    if (value.isArray()) value.forEach(v -> metrics.add(new Metric(namespace, name, m.path("Unit").asText(), v.asDouble(), dimensions)));
                    else metrics.add(new Metric(namespace, name, m.path("Unit").asText(), value.asDouble(), dimensions));
                }
            }
        }
        return metrics;
    }

    /** The sum of a metric's values over every document whose dimensions include {@code dimensions}. */
    public double sum(String name, Map<String, String> dimensions) {
        return metrics().stream().filter(m -> m.name().equals(name) && m.dimensions().entrySet().containsAll(dimensions.entrySet()))
                .mapToDouble(Metric::value).sum();
    }

    public double sum(String name) {
        return sum(name, Map.of());
    }

    public Optional<Metric> first(String name) {
        return metrics().stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The documents that declare metric {@code name}. */
    public List<JsonNode> documentsWith(String name) {
        return documents.stream().filter(doc -> doc.path("_aws").path("CloudWatchMetrics").findValuesAsText("Name").contains(name)).toList();
    }

    /**
     * A document as CloudWatch compares it: without {@code _aws.Timestamp} (the time of printing), each directive's
     * {@code Metrics} sorted by name (their order means nothing). Everything else, values included, as printed.
     */
    public static JsonNode comparable(JsonNode document) {
        ObjectNode copy = document.deepCopy();
        ObjectNode aws = (ObjectNode) copy.path("_aws");
        aws.remove("Timestamp");
        for (JsonNode directive : aws.path("CloudWatchMetrics")) {
            List<JsonNode> definitions = new ArrayList<>();
            directive.path("Metrics").forEach(definitions::add);
            definitions.sort(Comparator.comparing(definition -> definition.path("Name").asText()));
            ((ObjectNode) directive).putArray("Metrics").addAll(definitions);
        }
        return copy;
    }

    /** What CloudWatch extracts metrics by: the document's {@code _aws} member, {@linkplain #comparable comparable}. */
    public static JsonNode declarations(JsonNode document) {
        return comparable(document).path("_aws");
    }

    /**
     * What Powertools for AWS Lambda metrics 2.9.0, VeriProof's EMF writer until issue 16, printed for one emission
     * site ({@code ColdStart}, {@code IngestRejected}, {@code AnchoringRuns}…: the keys of emf-powertools-2.9.0.json
     * beside this class). The documents VeriProof prints now must match them: template.yaml's alarms and dashboard read
     * these names, units and dimension sets.
     */
    public static JsonNode powertoolsDocument(String site) {
        try (var in = EmfOutput.class.getResourceAsStream("emf-powertools-2.9.0.json")) {
            JsonNode document = JSON.readTree(in).path(site);
            if (document.isMissingNode()) throw new IllegalArgumentException("no Powertools capture for " + site);
            return document;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
