package dev.veriproof.scoring;

import dev.veriproof.adapters.Config;

/**
 * Publishes events on the bus named by {@code ALERT_BUS_NAME} (EventBridge; {@code EVENTBRIDGE_ENDPOINT}
 * points at a local endpoint), each naming its tenant as the resource {@code tenant/<id>}.
 */
public final class EventBridgeBus implements NotifierHandler.EventBus {
    private final String source;

    /** @param source the events' source, e.g. {@code veriproof.alerts} */
    public EventBridgeBus(String source) {
        this.source = source;
    }

    @Override
    public void put(String tenantId, String detailType, String detail) {
        var response = Scoring.eventBridge().putEvents(r -> r.entries(e -> e.eventBusName(Config.required("ALERT_BUS_NAME"))
                .source(source).detailType(detailType).detail(detail).resources("tenant/" + tenantId)));
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            throw new IllegalStateException("EventBridge refused the event: " + response.entries().get(0).errorCode());
        }
    }
}
