package dev.veriproof.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.evidence.SessionTally;
import dev.veriproof.core.json.Json;
import java.util.TreeMap;

/** What the session lines leave for the rest of the package: the figures of the CSV reports and the anchor batches referenced. */
final class SessionFacts {
    final SessionTally tally;
    /** By batch id: the anchor with its root and tree size, as anchors.json lists it. */
    final TreeMap<String, ObjectNode> anchors;

    SessionFacts() {
        this(new SessionTally(), new TreeMap<>());
    }

    private SessionFacts(SessionTally tally, TreeMap<String, ObjectNode> anchors) {
        this.tally = tally;
        this.anchors = anchors;
    }

    /** Adds the facts of the sessions that follow these (the next shard of the period). */
    void merge(SessionFacts next) {
        tally.merge(next.tally);
        next.anchors.forEach(anchors::putIfAbsent);
    }

    byte[] toJson() {
        ObjectNode json = Json.mapper().createObjectNode();
        json.set("tally", tally.toJson());
        anchors.forEach(json.putObject("anchors")::set);
        return Json.write(json);
    }

    static SessionFacts fromJson(JsonNode json) {
        TreeMap<String, ObjectNode> anchors = new TreeMap<>();
        json.path("anchors").fields().forEachRemaining(e -> anchors.put(e.getKey(), (ObjectNode) e.getValue()));
        return new SessionFacts(SessionTally.fromJson(json.path("tally")), anchors);
    }
}
