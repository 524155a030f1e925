package dev.veriproof.adapters.aws;

import dev.veriproof.adapters.Config;
import java.net.URI;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The AWS clients every function shares, built once per execution environment in the init phase so
 * that SnapStart captures them. The URL-connection HTTP client keeps the jar small and starts fast.
 * {@code DYNAMODB_ENDPOINT} points the client at DynamoDB Local in tests and the local runtime.
 */
public final class AwsClients {
    private static volatile DynamoDbClient dynamoDb;
    private static volatile DynamoDbEnhancedClient enhanced;

    private AwsClients() {}

    public static DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            synchronized (AwsClients.class) {
                if (dynamoDb == null) dynamoDb = newDynamoDb();
            }
        }
        return dynamoDb;
    }

    public static DynamoDbEnhancedClient enhancedDynamoDb() {
        if (enhanced == null) {
            synchronized (AwsClients.class) {
                if (enhanced == null) enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamoDb()).build();
            }
        }
        return enhanced;
    }

    private static DynamoDbClient newDynamoDb() {
        DynamoDbClientBuilder builder = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create());
        Config.optional("DYNAMODB_ENDPOINT").ifPresent(endpoint -> builder.endpointOverride(URI.create(endpoint)));
        return builder.build();
    }
}
