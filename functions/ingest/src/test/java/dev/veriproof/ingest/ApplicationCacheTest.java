package dev.veriproof.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.RedactionPolicy;
import dev.veriproof.core.session.RiskLevel;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;

@ExtendWith(LocalAwsExtension.class)
class ApplicationCacheTest {
    private static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(T0);
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
    }

    @Test
    void aChangeAppliesOnceTheEntryExpiresAndUnknownApplicationsAreNeverCached(LocalAws aws) {
        DynamoApplicationStore store = new DynamoApplicationStore(
                DynamoDbEnhancedClient.builder().dynamoDbClient(aws.client()).build(), aws.tableName("GovernanceTable"));
        String tenant = "cache-" + UUID.randomUUID().toString().substring(0, 8);
        MovableClock clock = new MovableClock();
        ApplicationCache cache = new ApplicationCache(store, clock, Duration.ofSeconds(10));

        assertTrue(cache.find(tenant, "app").isEmpty());
        Application v1 = new Application(tenant, "app", "A", RiskLevel.LOW, 70, "o", RedactionPolicy.NONE, 1, T0, T0);
        store.create(v1, "test");
        assertEquals(1, cache.find(tenant, "app").orElseThrow().version(), "a miss was not cached: the new application is found at once");

        Application v2 = new Application(tenant, "app", "A", RiskLevel.LOW, 70, "o",
                new RedactionPolicy(false, List.of()), 2, T0, T0);
        store.update(v2, "test");
        assertEquals(1, cache.find(tenant, "app").orElseThrow().version(), "within the TTL the cached version is used");
        clock.now.set(T0.plusSeconds(10));
        assertEquals(2, cache.find(tenant, "app").orElseThrow().version(), "after the TTL the change applies");
        assertTrue(cache.find("other-tenant", "app").isEmpty(), "entries are per tenant");
    }
}
