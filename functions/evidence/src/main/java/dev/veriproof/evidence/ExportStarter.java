package dev.veriproof.evidence;

/** Starts the export state machine for a stored RUNNING job. */
interface ExportStarter {
    /** Starting the same export twice starts one execution (the execution is named after the export). */
    void start(String tenantId, String exportId);
}
