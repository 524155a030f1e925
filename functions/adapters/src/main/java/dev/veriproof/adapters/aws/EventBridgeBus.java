package dev.veriproof.adapters.aws;

import dev.veriproof.adapters.Config;
import dev.veriproof.core.events.EventBus;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Publishes events on the bus named by {@code ALERT_BUS_NAME} (EventBridge), each naming its tenant
 * as the resource {@code tenant/<id>}. Functions that use it add {@code software.amazon.awssdk:eventbridge}
 * to their own pom (it is optional here, so the other jars do not carry it).
 */
public final class EventBridgeBus implements EventBus {
    private static volatile EventBridgeClient client;

    private final String source;

    /** @param source the events' source, e.g. {@code veriproof.alerts} */
    public EventBridgeBus(String source) {
        this.source = source;
    }

    @Override
    public void put(String tenantId, String detailType, String detail) {
        var response = client().putEvents(r -> r.entries(e -> e.eventBusName(Config.required("ALERT_BUS_NAME"))
                .source(source).detailType(detailType).detail(detail).resources("tenant/" + tenantId)));
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            throw new IllegalStateException("EventBridge refused the event: " + response.entries().get(0).errorCode());
        }
    }

    private static EventBridgeClient client() {
        if (client == null) {
            synchronized (EventBridgeBus.class) {
                if (client == null) client = AwsClients.create(EventBridgeClient.builder());
            }
        }
        return client;
    }
}
