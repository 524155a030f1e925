package dev.veriproof.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoKeyStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.dynamo.DynamoSettingsStore;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.evidence.ExportJob;
import dev.veriproof.core.governance.TenantSettings;
import dev.veriproof.core.ingest.StoredSession;
import dev.veriproof.local.CloudFormationTemplate;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.LocalAwsExtension;
import dev.veriproof.local.TemplateTables;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@ExtendWith(LocalAwsExtension.class)
class QuarterlyExportTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-10-01T02:00:00Z"), ZoneOffset.UTC);

    @Test
    void startsThePreviousQuarterOncePerTenantWithSessionsAndTheSettingOn(LocalAws aws) {
        DynamoDbClient dynamo = aws.client();
        Map<String, String> tables = TemplateTables.createAll(dynamo, CloudFormationTemplate.load(CloudFormationTemplate.locate()), "quarterly-");
        String sessionsTable = tables.get("SessionsTable");
        String governanceTable = tables.get("GovernanceTable");
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo).build();
        DynamoKeyStore keys = new DynamoKeyStore(enhanced, governanceTable);
        DynamoAuditLog audit = new DynamoAuditLog(dynamo, governanceTable, CLOCK);
        DynamoSettingsStore settings = new DynamoSettingsStore(dynamo, governanceTable, audit);
        DynamoSessionStore sessions = new DynamoSessionStore(dynamo, sessionsTable);
        for (String t : List.of("active", "optedout", "quiet", "lastquarteronly")) keys.createTenant(t, t, CLOCK.instant());
        session(sessions, "active", "2026-09-30T23:00:00Z");
        session(sessions, "optedout", "2026-08-01T10:00:00Z");
        session(sessions, "lastquarteronly", "2026-06-30T10:00:00Z");
        session(sessions, "quiet", "2026-10-01T00:30:00Z");
        settings.put(new TenantSettings("optedout", false, CLOCK.instant(), "key-admin"),
                new AuditEvent("key-admin", "settings.update", "tenant/optedout", Map.of("quarterlyExport", false)));

        DynamoExportStore exports = new DynamoExportStore(dynamo, governanceTable, audit);
        List<String> started = new ArrayList<>();
        QuarterlyExportHandler handler = new QuarterlyExportHandler(new Tenants(dynamo, governanceTable), settings,
                new DynamoSessionStore(dynamo, sessionsTable), exports,
                (tenant, id, attempt) -> started.add(tenant + "/" + id + (attempt > 1 ? "#" + attempt : "")), CLOCK);

        Map<String, Object> first = handler.handleRequest(Map.of("time", "2026-10-01T00:00:00Z"), null);
        assertEquals("2026Q3", first.get("quarter"));
        assertEquals(List.of("active"), first.get("started"));
        assertEquals(List.of("active/exp_2026Q3"), started);
        ExportJob job = exports.find("active", "exp_2026Q3").orElseThrow();
        assertEquals(ExportJob.Trigger.SCHEDULE, job.trigger());
        assertEquals(LocalDate.parse("2026-07-01"), job.request().from());
        assertEquals(LocalDate.parse("2026-09-30"), job.request().to());
        assertTrue(exports.list("optedout").isEmpty());
        assertTrue(exports.list("quiet").isEmpty());
        assertTrue(exports.list("lastquarteronly").isEmpty());

        Map<String, Object> again = handler.handleRequest(Map.of("time", "2026-10-01T00:00:05Z"), null);
        assertEquals(List.of(), again.get("started"), "fired twice: nothing new");
        assertEquals(1, started.size());
        assertEquals(1, exports.list("active").size());
        List<AuditEntry> logged = audit.list("active", 0, 10);
        assertEquals(1, logged.size(), "one start in the tenant's audit log: " + logged);
        assertEquals("exports.start", logged.get(0).action());
        assertEquals("schedule/quarterly-export", logged.get(0).actor());
        assertEquals("export/exp_2026Q3", logged.get(0).target());

        exports.fail("active", "exp_2026Q3", "the execution ended TIMED_OUT", CLOCK.instant(),
                new AuditEvent("system/evidence-export", "exports.fail", "export/exp_2026Q3", Map.of("reason", "timed out")));
        Map<String, Object> next = handler.handleRequest(Map.of("time", "2026-10-01T06:00:00Z"), null);
        assertEquals(List.of("active"), next.get("retried"), "a failed quarter is run again, never silently missing");
        assertEquals(List.of("active/exp_2026Q3", "active/exp_2026Q3#2"), started);
        ExportJob retried = exports.find("active", "exp_2026Q3").orElseThrow();
        assertEquals(ExportJob.Status.RUNNING, retried.status());
        assertEquals(2, retried.attempt());
        assertEquals("exports.retry", audit.list("active", 0, 10).get(2).action());
        assertEquals(List.of(), handler.handleRequest(Map.of("time", "2026-10-01T07:00:00Z"), null).get("retried"), "running again: left alone");
    }

    private static void session(DynamoSessionStore sessions, String tenant, String startedAt) {
        String canonical = "{\"applicationId\":\"app\",\"sessionId\":\"s-" + tenant + "\",\"startedAt\":\"" + startedAt + "\"}";
        sessions.putIfAbsent(new StoredSession(tenant, "s-" + tenant, "app", Instant.parse(startedAt), canonical, "00".repeat(32), 80, "GOOD",
                Map.of(), Instant.parse(startedAt), "req", false));
    }
}
