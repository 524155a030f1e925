package dev.veriproof.governance;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads a table's real stream from DynamoDB Local and turns its records into the {@link DynamodbEvent}
 * Lambda would deliver: the JSON Lambda sends, read by the Lambda runtime's own deserializer.
 */
final class StreamEvents {
    private static final PojoSerializer<DynamodbEvent> EVENTS =
            LambdaEventSerializers.serializerFor(DynamodbEvent.class, StreamEvents.class.getClassLoader());

    private StreamEvents() {}

    /** Every record of the table's stream so far that {@code wanted} accepts, in stream order. */
    static List<Record> read(DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, String table, Predicate<Record> wanted) {
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

    static DynamodbEvent event(List<Record> records, String streamArn) {
        ObjectNode event = Json.mapper().createObjectNode();
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
            if (change.hasKeys()) dynamodb.set("Keys", image(change.keys()));
            if (change.hasNewImage()) dynamodb.set("NewImage", image(change.newImage()));
            if (change.hasOldImage()) dynamodb.set("OldImage", image(change.oldImage()));
            dynamodb.put("SequenceNumber", change.sequenceNumber());
            dynamodb.put("SizeBytes", change.sizeBytes());
            dynamodb.put("StreamViewType", change.streamViewTypeAsString());
            r.put("eventSourceARN", streamArn);
        }
        return EVENTS.fromJson(new ByteArrayInputStream(Json.write(event)));
    }

    private static ObjectNode image(Map<String, AttributeValue> item) {
        ObjectNode node = Json.mapper().createObjectNode();
        item.forEach((name, value) -> node.set(name, wire(value)));
        return node;
    }

    private static JsonNode wire(AttributeValue value) {
        ObjectNode node = Json.mapper().createObjectNode();
        switch (value.type()) {
            case S -> node.put("S", value.s());
            case N -> node.put("N", value.n());
            case BOOL -> node.put("BOOL", value.bool());
            case NUL -> node.put("NULL", true);
            case SS -> value.ss().forEach(node.putArray("SS")::add);
            case NS -> value.ns().forEach(node.putArray("NS")::add);
            case L -> value.l().forEach(v -> node.withArray("L").add(wire(v)));
            case M -> node.set("M", image(value.m()));
            default -> throw new IllegalArgumentException("unsupported attribute type " + value.type());
        }
        return node;
    }
}
