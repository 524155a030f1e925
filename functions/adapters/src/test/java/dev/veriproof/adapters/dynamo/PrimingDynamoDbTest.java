package dev.veriproof.adapters.dynamo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.veriproof.core.applications.Application;
import dev.veriproof.core.risk.RiskStore;
import dev.veriproof.core.session.RiskLevel;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Priming's offline reads: the stores' whole read path over a made-up item, and nothing else reachable. */
class PrimingDynamoDbTest {

    @Test
    void anApplicationGoesThroughTheEnhancedClientsReadPathAndComesBackWhole() {
        Application read = DynamoApplicationStore.warmUpMapping();
        assertEquals("priming", read.applicationId());
        assertEquals(RiskLevel.LOW, read.declaredRiskLevel());
        assertEquals(75, read.scoreTarget());
        assertEquals(List.of("attributes.priming"), read.redaction().redactFields());
        assertEquals(Instant.EPOCH, read.updatedAt());
    }

    @Test
    void aRiskClassificationIsReadAndMapped() {
        RiskStore.Classification read = DynamoRiskStore.warmUpRead();
        assertEquals(RiskLevel.LOW, read.effective());
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), read.changedAt());
        assertEquals(1, read.version());
    }

    @Test
    void itAnswersReadsOnlyAndNeverLeavesTheJvm() {
        DynamoDbClient offline = PrimingDynamoDb.answering(Map.of("pk", AttributeValue.fromS("x")));
        assertEquals("x", offline.getItem(r -> r.tableName("t").key(Map.of("pk", AttributeValue.fromS("x")))).item().get("pk").s());
        assertEquals(1, offline.query(r -> r.tableName("t")).items().size());
        UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class,
                () -> offline.putItem(r -> r.tableName("t").item(Map.of("pk", AttributeValue.fromS("x")))));
        assertEquals("priming answers reads only, not putItem", refused.getMessage());
    }
}
