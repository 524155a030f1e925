package dev.veriproof.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.local.CloudFormationTemplate.TableDefinition;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

@ExtendWith(LocalAwsExtension.class)
class LocalAwsTest {

    private static final CloudFormationTemplate TEMPLATE = CloudFormationTemplate.load(CloudFormationTemplate.locate());

    @Test
    void createsEveryTableExactlyAsTheTemplateDeclaresIt(LocalAws aws) {
        for (TableDefinition table : TEMPLATE.tables()) {
            JsonNode properties = table.properties();
            TableDescription described = aws.client()
                    .describeTable(request -> request.tableName(aws.tableName(table.logicalId()))).table();

            assertEquals(keySchema(properties.path("KeySchema")), keySchema(described.keySchema()), table.logicalId());
            if (properties.has("StreamSpecification")) {
                assertEquals(properties.path("StreamSpecification").path("StreamViewType").asText(),
                        described.streamSpecification().streamViewTypeAsString(), table.logicalId());
                assertTrue(described.streamSpecification().streamEnabled(), table.logicalId());
            } else {
                assertTrue(described.streamSpecification() == null || !described.streamSpecification().streamEnabled(), table.logicalId());
            }
            assertEquals(properties.path("GlobalSecondaryIndexes").size(), described.globalSecondaryIndexes().size());
            for (JsonNode index : properties.path("GlobalSecondaryIndexes")) {
                GlobalSecondaryIndexDescription actual = described.globalSecondaryIndexes().stream()
                        .filter(gsi -> gsi.indexName().equals(index.path("IndexName").asText()))
                        .findFirst().orElseThrow(() -> new AssertionError("missing index " + index));
                assertEquals(keySchema(index.path("KeySchema")), keySchema(actual.keySchema()));
                assertEquals(index.path("Projection").path("ProjectionType").asText(),
                        actual.projection().projectionTypeAsString());
                assertEquals(texts(index.path("Projection").path("NonKeyAttributes")),
                        actual.projection().nonKeyAttributes());
            }
        }
    }

    @Test
    void spotChecksTheTablesThatTheHandlersRelyOn(LocalAws aws) {
        TableDescription sessions = aws.client()
                .describeTable(request -> request.tableName(aws.tableName("SessionsTable"))).table();
        GlobalSecondaryIndexDescription pending = sessions.globalSecondaryIndexes().stream()
                .filter(index -> index.indexName().equals("pending-anchor")).findFirst().orElseThrow();
        assertEquals(List.of("anchorPending HASH", "pendingKey RANGE"), keySchema(pending.keySchema()));
        assertEquals(ProjectionType.INCLUDE, pending.projection().projectionType());
        assertEquals(List.of("leafHash", "tenantId", "sessionId"), pending.projection().nonKeyAttributes());
        assertEquals(StreamViewType.NEW_AND_OLD_IMAGES, sessions.streamSpecification().streamViewType());

        String governance = aws.tableName("GovernanceTable");
        assertEquals(List.of("pk HASH", "sk RANGE"),
                keySchema(aws.client().describeTable(request -> request.tableName(governance)).table().keySchema()));
        var ttl = aws.client().describeTimeToLive(request -> request.tableName(governance)).timeToLiveDescription();
        assertEquals(TimeToLiveStatus.ENABLED, ttl.timeToLiveStatus());
        assertEquals("expiresAt", ttl.attributeName());
    }

    @Test
    void storesReadsAndStreamsItems(LocalAws aws) {
        String table = aws.tableName("GovernanceTable");
        String pk = "TENANT#" + UUID.randomUUID();
        Map<String, AttributeValue> item = Map.of(
                "pk", AttributeValue.fromS(pk),
                "sk", AttributeValue.fromS("APP#loan-review"),
                "name", AttributeValue.fromS("Loan review"));

        aws.client().putItem(request -> request.tableName(table).item(item));

        assertEquals(item, aws.client().getItem(request -> request.tableName(table).key(Map.of(
                "pk", item.get("pk"), "sk", item.get("sk"))).consistentRead(true)).item());
        assertTrue(streamRecords(aws, table).stream()
                .anyMatch(record -> item.equals(record.dynamodb().newImage())), "no stream record of the put");
    }

    @Test
    void publishesTheLocalSettingsAsSystemProperties(LocalAws aws) {
        assertEquals(aws.tableName("SessionsTable"), System.getProperty("SESSIONS_TABLE"));
        assertEquals(aws.tableName("GovernanceTable"), System.getProperty("GOVERNANCE_TABLE"));
        assertEquals(aws.endpoint(), System.getProperty("aws.endpointUrlDynamoDb"));
        assertEquals("us-east-1", System.getProperty("aws.region"));
        assertTrue(System.getProperty("aws.accessKeyId") != null && System.getProperty("aws.secretAccessKey") != null);
    }

    @Test
    void listensOnLoopbackOnly(LocalAws aws) throws IOException {
        int port = URI.create(aws.endpoint()).getPort();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertTrue(socket.isConnected());
        }
        Optional<InetAddress> external = nonLoopbackAddress();
        assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address to try");
        try (Socket socket = new Socket()) {
            assertThrows(ConnectException.class,
                    () -> socket.connect(new InetSocketAddress(external.get(), port), 2_000));
        }
    }

    @Test
    void refusesTablePropertiesItCannotReproduce() {
        JsonNode properties = TEMPLATE.tables().get(0).properties().deepCopy();
        ((ObjectNode) properties).putObject("ImportSourceSpecification");
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> TemplateTables.createTableRequest("t", new TableDefinition("SessionsTable", properties)));
        assertTrue(unknown.getMessage().contains("ImportSourceSpecification"), unknown.getMessage());

        JsonNode intrinsic = TEMPLATE.tables().get(0).properties().deepCopy();
        ((ObjectNode) intrinsic).putObject("BillingMode").put("Ref", "Mode");
        var notLiteral = assertThrows(IllegalArgumentException.class,
                () -> TemplateTables.createTableRequest("t", new TableDefinition("SessionsTable", intrinsic)));
        assertTrue(notLiteral.getMessage().contains("BillingMode"), notLiteral.getMessage());
    }

    private static List<Record> streamRecords(LocalAws aws, String table) {
        String streamArn = aws.client().describeTable(request -> request.tableName(table)).table().latestStreamArn();
        var shards = aws.streamsClient().describeStream(request -> request.streamArn(streamArn)).streamDescription().shards();
        return shards.stream().flatMap(shard -> {
            String iterator = aws.streamsClient().getShardIterator(request -> request.streamArn(streamArn)
                    .shardId(shard.shardId()).shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            return aws.streamsClient().getRecords(request -> request.shardIterator(iterator)).records().stream();
        }).toList();
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .findFirst();
    }

    private static List<String> keySchema(JsonNode keys) {
        return StreamSupport.stream(keys.spliterator(), false)
                .map(key -> key.path("AttributeName").asText() + " " + key.path("KeyType").asText()).toList();
    }

    private static List<String> keySchema(List<KeySchemaElement> keys) {
        return keys.stream().map(key -> key.attributeName() + " " + key.keyTypeAsString()).toList();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
