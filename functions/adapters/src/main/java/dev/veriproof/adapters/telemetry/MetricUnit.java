package dev.veriproof.adapters.telemetry;

/** The CloudWatch units VeriProof's metrics are published in, as the Embedded Metric Format spells them. */
public enum MetricUnit {
    COUNT("Count"),
    SECONDS("Seconds");

    final String emfName;

    MetricUnit(String emfName) {
        this.emfName = emfName;
    }
}
