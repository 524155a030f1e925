package dev.veriproof.evidence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.anchoring.Anchor;
import dev.veriproof.core.evidence.ExportRequest;
import dev.veriproof.core.governance.ReviewStore;
import dev.veriproof.core.ingest.SessionView;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.core.json.Json;
import dev.veriproof.core.merkle.InclusionProof;
import dev.veriproof.core.session.Session;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.Set;
import java.util.TreeMap;

/**
 * The package's session lines (sessions/NNNNN.jsonl): per stored session its canonical record, governance annotations,
 * receipt and, once anchored, its inclusion proof and anchor; read day by day so that memory never grows with sessions.
 */
final class SessionLines {
    private final SessionSource sessions;
    private final ReviewStore reviews;

    SessionLines(SessionSource sessions, ReviewStore reviews) {
        this.sessions = sessions;
        this.reviews = reviews;
    }

    /**
     * Writes the lines of the sessions of the days from..to (one shard of the period) of the applications named, one
     * per line, to {@code lines}, and the reviews of those whose required oversight came from a later review to
     * {@code reviewTrail} (their part of human-review-trail.jsonl); returns their facts.
     */
    SessionFacts writeShard(ExportRequest request, Set<String> applications, LocalDate from, LocalDate to, OutputStream lines,
                            OutputStream reviewTrail) {
        SessionFacts facts = new SessionFacts();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            LocalDate d = day;
            sessions.forEach(request.tenantId(), day, view -> {
                StoredSession stored = view.session();
                if (!applications.contains(stored.applicationId())) return;
                ObjectNode line = line(view, facts.anchors);
                if (line.has("anchor")) facts.countLine(view.anchor().get().batchId());
                Session session = Session.fromStoredRecord(line.get("record"));
                facts.tally.add(stored.applicationId(), d, stored.governanceScore(), stored.band(), session);
                try {
                    ReportFiles.line(lines, line);
                    if (stored.reviewedAfterIngest(session)) {
                        for (var review : reviews.forSession(request.tenantId(), stored.sessionId())) {
                            ReportFiles.line(reviewTrail, Views.tree(review, Set.of("tenantId")));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return facts;
    }

    /** The session's line; its anchor batch is added to {@code anchors} the first time one of its sessions is seen. */
    static ObjectNode line(SessionView view, TreeMap<String, ObjectNode> anchors) {
        StoredSession stored = view.session();
        ObjectNode line = Json.mapper().createObjectNode();
        line.put("sessionId", stored.sessionId());
        line.put("applicationId", stored.applicationId());
        line.set("record", Json.parse(stored.canonicalRecord()));
        line.put("leafHash", stored.leafHash());
        ObjectNode annotations = line.putObject("governance");
        annotations.put("governanceScore", stored.governanceScore());
        annotations.put("band", stored.band());
        ObjectNode factors = annotations.putObject("factors");
        new TreeMap<>(stored.factors()).forEach(factors::put);
        ObjectNode receipt = line.putObject("receipt");
        receipt.put("receivedAt", stored.receivedAt().toString());
        if (stored.requestId() != null) receipt.put("requestId", stored.requestId());
        receipt.put("leafHash", stored.leafHash());
        if (view.proof().isPresent() && view.anchor().isPresent()) {
            InclusionProof proof = view.proof().get();
            Anchor anchor = view.anchor().get();
            line.set("proof", proof.toJson());
            line.set("anchor", anchor.toJson());
            anchors.computeIfAbsent(anchor.batchId(), b -> {
                ObjectNode a = (ObjectNode) anchor.toJson();
                a.put("root", proof.root());
                a.put("treeSize", proof.treeSize());
                return a;
            });
        }
        return line;
    }
}
