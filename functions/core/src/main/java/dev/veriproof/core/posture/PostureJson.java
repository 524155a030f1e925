package dev.veriproof.core.posture;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.evidence.Verdict;
import dev.veriproof.core.governance.PlanItem;
import dev.veriproof.core.json.Json;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The JSON of the posture, the same for the live endpoints and the evidence package (docs/compliance-center.md
 * documents every field).
 */
public final class PostureJson {
    private PostureJson() {}

    public static ObjectNode scorecard(Iso42001.Posture posture, Instant generatedAt) {
        ObjectNode json = header(posture, generatedAt);
        ArrayNode list = json.putArray("controls");
        for (Iso42001.Control c : posture.controls()) {
            ObjectNode node = controlHead(list.addObject(), c);
            node.put("scope", c.scope().json());
            node.put("verdict", c.verdict().json());
            node.set("evidence", Json.mapper().valueToTree(c.evidence()));
            ArrayNode apps = node.putArray("applications");
            for (Iso42001.AppVerdict a : c.applications()) {
                ObjectNode app = apps.addObject();
                app.put("applicationId", a.applicationId());
                app.put("verdict", a.verdict().json());
                app.set("evidence", Json.mapper().valueToTree(a.evidence()));
            }
        }
        return json;
    }

    public static ObjectNode gapAnalysis(Iso42001.Posture posture, Instant generatedAt) {
        ObjectNode json = header(posture, generatedAt);
        ArrayNode gaps = json.putArray("gaps");
        for (Iso42001.Control c : posture.controls()) {
            if (c.verdict() == Verdict.COVERED) continue;
            ObjectNode node = controlHead(gaps.addObject(), c);
            node.put("verdict", c.verdict().json());
            node.set("evidence", Json.mapper().valueToTree(c.evidence()));
            ArrayNode findings = node.putArray("findings");
            for (Iso42001.Finding f : c.findings()) {
                ObjectNode finding = findings.addObject();
                finding.put("applicationId", f.applicationId());
                finding.put("verdict", f.verdict().json());
                finding.put("missing", f.missing());
                finding.set("evidence", Json.mapper().valueToTree(f.evidence()));
                ObjectNode action = finding.putObject("action");
                action.put("method", f.action().method());
                action.put("path", f.action().path());
                action.set("body", Json.mapper().valueToTree(f.action().body()));
                ArrayNode remediations = finding.putArray("remediations");
                f.remediations().forEach(r -> remediations.add(remediation(r)));
            }
        }
        return json;
    }

    /** The incidents of a period with a summary. */
    public static ObjectNode incidents(LocalDate from, LocalDate to, List<Incident> incidents, Instant generatedAt) {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("from", from.toString());
        json.put("to", to.toString());
        json.put("generatedAt", generatedAt.toString());
        ObjectNode summary = json.putObject("summary");
        summary.put("incidents", incidents.size());
        summary.put("withCorrectiveAction", incidents.stream().filter(Incident::corrected).count());
        ArrayNode list = json.putArray("incidents");
        incidents.forEach(i -> list.add(incident(i)));
        return json;
    }

    /** One incident: a line of the package's alerts-and-corrective-actions.jsonl, an element of GET /v1/incidents. */
    public static ObjectNode incident(Incident i) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("incidentId", i.incidentId());
        node.put("type", i.type().json());
        node.put("at", i.at().toString());
        node.put("applicationId", i.applicationId());
        node.put("sessionId", i.sessionId());
        node.put("alertId", i.alertId());
        node.set("details", Json.mapper().valueToTree(i.details()));
        if (i.correctiveAction() == null) {
            node.putNull("correctiveAction");
        } else {
            Incident.CorrectiveAction a = i.correctiveAction();
            ObjectNode action = node.putObject("correctiveAction");
            action.put("type", a.type());
            action.put("at", a.at() == null ? null : a.at().toString());
            action.put("by", a.by());
            action.put("note", a.note());
            action.put("reference", a.reference());
        }
        return node;
    }

    /** A remediation item as a gap finding lists it. */
    public static ObjectNode remediation(PlanItem r) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("id", r.id());
        node.put("gap", r.title());
        node.put("owner", r.owner());
        node.put("dueDate", r.dueDate() == null ? null : r.dueDate().toString());
        node.put("status", r.status());
        node.put("controlId", r.controlId());
        node.put("applicationId", r.applicationId());
        node.put("incidentId", r.incidentId());
        return node;
    }

    private static ObjectNode header(Iso42001.Posture posture, Instant generatedAt) {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("framework", "ISO_42001");
        json.put("from", posture.from().toString());
        json.put("to", posture.to().toString());
        posture.applications().forEach(json.putArray("applications")::add);
        json.put("generatedAt", generatedAt.toString());
        return json;
    }

    private static ObjectNode controlHead(ObjectNode node, Iso42001.Control c) {
        node.put("id", c.id());
        c.clauses().forEach(node.putArray("clauses")::add);
        node.put("title", c.title());
        return node;
    }
}
