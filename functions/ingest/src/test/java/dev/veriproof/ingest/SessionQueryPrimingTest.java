package dev.veriproof.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoReviewStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.RequestLog;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** SnapStart priming of GET /v1/sessions/{id}: the found session's way (mapping, reviews read, rendering) runs, and only reads. */
@ExtendWith(LocalAwsExtension.class)
class SessionQueryPrimingTest {
    @Test
    void primingRendersAFoundSessionAndReadsItsReviewsWithoutWriting(LocalAws aws) {
        RequestLog calls = new RequestLog();
        DynamoDbClient client = aws.client(calls);
        String governance = aws.tableName("GovernanceTable");
        String sessions = aws.tableName("SessionsTable");
        SessionQueryHandler handler = new SessionQueryHandler(new DynamoSessionStore(client, sessions),
                new DynamoReviewStore(client, governance, sessions, new DynamoAuditLog(client, governance, Clock.systemUTC())));
        assertEquals(404, handler.prime().getStatusCode(), "the priming request's session does not exist");
        assertTrue(calls.names().contains("QueryRequest"), "the reviews are read: " + calls);
        assertTrue(calls.only(Set.of("QueryRequest", "GetItemRequest", "BatchGetItemRequest")),
                "reads only: " + calls);
    }
}
