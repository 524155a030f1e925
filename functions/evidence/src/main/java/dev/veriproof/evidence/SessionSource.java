package dev.veriproof.evidence;

import dev.veriproof.core.ingest.SessionView;
import java.time.LocalDate;
import java.util.function.Consumer;

/** A tenant's stored sessions of one UTC day, in startedAt order. */
interface SessionSource {
    void forEach(String tenantId, LocalDate day, Consumer<SessionView> action);
}
