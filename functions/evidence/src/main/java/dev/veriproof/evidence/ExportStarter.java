package dev.veriproof.evidence;

/** Starts the state machine execution of an export's run (its first, or a retry). */
interface ExportStarter {
    void start(String tenantId, String exportId, int attempt);
}
