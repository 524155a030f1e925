package dev.veriproof.local;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB stream records as Lambda delivers them: the JSON of a DynamoDB stream event, read by the
 * Lambda runtime's own deserializer into a {@link DynamodbEvent}. Used by the local runtime's event
 * source mapping and by tests that feed stream handlers real records from DynamoDB Local.
 */
public final class LambdaStreamEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PojoSerializer<DynamodbEvent> EVENTS =
            LambdaEventSerializers.serializerFor(DynamodbEvent.class, LambdaStreamEvents.class.getClassLoader());

    private LambdaStreamEvents() {}

    /** Every record of the table's stream so far that {@code wanted} accepts, in stream order. */
    public static List<Record> read(DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, String table, Predicate<Record> wanted) {
        String arn = dynamoDb.describeTable(r -> r.tableName(table)).table().latestStreamArn();
        List<Record> records = new ArrayList<>();
        for (Shard shard : streams.describeStream(r -> r.streamArn(arn)).streamDescription().shards()) {
            String iterator = streams.getShardIterator(r -> r.streamArn(arn).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String current = iterator;
                var page = streams.getRecords(r -> r.shardIterator(current).limit(1000));
                page.records().stream().filter(wanted).forEach(records::add);
                if (page.records().isEmpty()) break;
                iterator = page.nextShardIterator();
            }
        }
        return records;
    }

    /** The event Lambda's event source mapping would pass for {@code records} of the stream {@code streamArn}. */
    public static DynamodbEvent event(List<Record> records, String streamArn) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        for (Record record : records) {
            ObjectNode r = array.addObject();
            r.put("eventID", record.eventID());
            r.put("eventName", record.eventNameAsString());
            r.put("eventVersion", record.eventVersion());
            r.put("eventSource", "aws:dynamodb");
            r.put("awsRegion", "us-east-1");
            ObjectNode dynamodb = r.putObject("dynamodb");
            var change = record.dynamodb();
            if (change.approximateCreationDateTime() != null) {
                dynamodb.put("ApproximateCreationDateTime", change.approximateCreationDateTime().getEpochSecond());
            }
            if (change.hasKeys()) dynamodb.set("Keys", image(change.keys()));
            if (change.hasNewImage()) dynamodb.set("NewImage", image(change.newImage()));
            if (change.hasOldImage()) dynamodb.set("OldImage", image(change.oldImage()));
            dynamodb.put("SequenceNumber", change.sequenceNumber());
            dynamodb.put("SizeBytes", change.sizeBytes());
            dynamodb.put("StreamViewType", change.streamViewTypeAsString());
            r.put("eventSourceARN", streamArn);
        }
        try {
            return EVENTS.fromJson(new ByteArrayInputStream(JSON.writeValueAsBytes(event)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode image(Map<String, AttributeValue> item) {
        ObjectNode node = JSON.createObjectNode();
        item.forEach((name, value) -> node.set(name, wire(value)));
        return node;
    }

    /** An attribute value in DynamoDB's JSON wire format. */
    private static JsonNode wire(AttributeValue value) {
        ObjectNode node = JSON.createObjectNode();
        switch (value.type()) {
            case S -> node.put("S", value.s());
            case N -> node.put("N", value.n());
            case B -> node.put("B", base64(value.b()));
            case BOOL -> node.put("BOOL", value.bool());
            case NUL -> node.put("NULL", true);
            case SS -> value.ss().forEach(node.putArray("SS")::add);
            case NS -> value.ns().forEach(node.putArray("NS")::add);
            case BS -> value.bs().forEach(b -> node.withArray("BS").add(base64(b)));
            case L -> value.l().forEach(v -> node.withArray("L").add(wire(v)));
            case M -> node.set("M", image(value.m()));
            default -> throw new IllegalArgumentException("unsupported attribute type " + value.type());
        }
        return node;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }
}
