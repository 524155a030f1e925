package dev.veriproof.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.core.explorer.SessionSummary;
import dev.veriproof.local.LocalAws;
import dev.veriproof.local.RequestLog;
import dev.veriproof.local.LocalAwsExtension;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** SnapStart priming of GET /v1/sessions: besides the priming tenant's empty page, a page's pointer read and row rendering run, and only reads. */
@ExtendWith(LocalAwsExtension.class)
class SessionExplorerPrimingTest {
    @Test
    void primingReadsAPagesPointersAndRendersARowWithoutWriting(LocalAws aws) {
        RequestLog calls = new RequestLog();
        DynamoDbClient client = aws.client(calls);
        DynamoSessionStore sessions = new DynamoSessionStore(client, aws.tableName("SessionsTable"));
        SessionExplorerHandler handler = new SessionExplorerHandler(sessions,
                new DynamoApplicationStore(DynamoDbEnhancedClient.builder().dynamoDbClient(client).build(), aws.tableName("GovernanceTable")),
                Clock.systemUTC());
        assertEquals(200, handler.prime().getStatusCode(), "the priming tenant's page: empty");
        assertTrue(calls.names().contains("QueryRequest"), "the index is read: " + calls);
        assertTrue(calls.names().contains("BatchGetItemRequest"), "and a page's pointers: " + calls);
        assertTrue(calls.only(Set.of("QueryRequest", "GetItemRequest", "BatchGetItemRequest")),
                "reads only: " + calls);

        SessionSummary row = sessions.warmUpExplorerPage();
        assertEquals(PrimedHandler.PRIMING, row.sessionId());
        assertFalse(row.anchored(), "the made-up session has no pointer");
    }
}
