package dev.veriproof.core.events;

/** Publishes one event about a tenant (alerts, finished exports) for subscribers outside the system. */
public interface EventBus {
    void put(String tenantId, String detailType, String detail);
}
