package dev.veriproof.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.evidence.SessionTally;
import dev.veriproof.core.json.Json;
import java.util.TreeMap;

/**
 * What the session lines leave for the rest of the package: the figures of the CSV reports, the anchor batches
 * referenced, and how many lines each batch has (so that the completeness step reads only the batches the period's
 * lines do not cover whole).
 */
final class SessionFacts {
    final SessionTally tally;
    /** By batch id: the anchor with its root and tree size, as anchors.json lists it. */
    final TreeMap<String, ObjectNode> anchors;
    /** By batch id: how many of the period's session lines are anchored in it. */
    final TreeMap<String, Long> linesPerBatch;

    SessionFacts() {
        this(new SessionTally(), new TreeMap<>(), new TreeMap<>());
    }

    private SessionFacts(SessionTally tally, TreeMap<String, ObjectNode> anchors, TreeMap<String, Long> linesPerBatch) {
        this.tally = tally;
        this.anchors = anchors;
        this.linesPerBatch = linesPerBatch;
    }

    /** Counts a line anchored in {@code batchId}. */
    void countLine(String batchId) {
        linesPerBatch.merge(batchId, 1L, Long::sum);
    }

    /** Adds the facts of the sessions that follow these (the next shard of the period). */
    void merge(SessionFacts next) {
        tally.merge(next.tally);
        next.anchors.forEach(anchors::putIfAbsent);
        next.linesPerBatch.forEach((batch, lines) -> linesPerBatch.merge(batch, lines, Long::sum));
    }

    byte[] toJson() {
        ObjectNode json = Json.mapper().createObjectNode();
        json.set("tally", tally.toJson());
        anchors.forEach(json.putObject("anchors")::set);
        linesPerBatch.forEach(json.putObject("linesPerBatch")::put);
        return Json.write(json);
    }

    static SessionFacts fromJson(JsonNode json) {
        TreeMap<String, ObjectNode> anchors = new TreeMap<>();
        json.path("anchors").fields().forEachRemaining(e -> anchors.put(e.getKey(), (ObjectNode) e.getValue()));
        TreeMap<String, Long> linesPerBatch = new TreeMap<>();
        json.path("linesPerBatch").fields().forEachRemaining(e -> linesPerBatch.put(e.getKey(), e.getValue().asLong()));
        return new SessionFacts(SessionTally.fromJson(json.path("tally")), anchors, linesPerBatch);
    }
}
