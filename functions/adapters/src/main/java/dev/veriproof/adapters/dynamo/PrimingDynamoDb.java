package dev.veriproof.adapters.dynamo;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.paginators.QueryIterable;

/**
 * For SnapStart priming only: a {@link DynamoDbClient} that never leaves the JVM and answers every {@code GetItem} and
 * {@code Query} with one made-up item. The priming tenant's real reads find nothing, so a store's path for an item it
 * finds (the enhanced client's read pipeline and converters, the store's mapping) would run cold on the first real
 * request; a store built over this client runs that path on made-up data, with no request sent and nothing written.
 * Any other operation fails: priming never writes through it.
 */
final class PrimingDynamoDb {
    private PrimingDynamoDb() {}

    static DynamoDbClient answering(Map<String, AttributeValue> item) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getItem" -> GetItemResponse.builder().item(item).build();
                    case "query" -> QueryResponse.builder().items(List.of(item)).count(1).scannedCount(1).build();
                    case "queryPaginator" -> new QueryIterable((DynamoDbClient) proxy, (QueryRequest) args[0]);
                    case "serviceName" -> DynamoDbClient.SERVICE_NAME;
                    case "close" -> null;
                    case "toString" -> "PrimingDynamoDb";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("priming answers reads only, not " + method.getName());
                });
    }
}
