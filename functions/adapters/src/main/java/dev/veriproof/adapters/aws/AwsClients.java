package dev.veriproof.adapters.aws;

import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The one place that builds AWS clients. Every function builds its clients here once per execution
 * environment, in the init phase, so that SnapStart captures them.
 * <p>
 * Endpoints are the SDK's own settings: {@code AWS_ENDPOINT_URL_<SERVICE>} in the environment or the
 * system property {@code aws.endpointUrl<ServiceId>} (e.g. {@code aws.endpointUrlDynamoDb},
 * {@code aws.endpointUrlS3}), which the SDK reads when a client is built; the local runtime sets the
 * system properties, since it runs every handler in one JVM. HTTP goes through the URL-connection
 * client, which keeps the jars small and starts fast; the SDK's Netty and Apache clients are excluded
 * from the jars (see the poms), the evidence bucket alone brings the Apache one.
 */
public final class AwsClients {
    private static volatile DynamoDbClient dynamoDb;
    private static volatile DynamoDbEnhancedClient enhanced;

    private AwsClients() {}

    /** The DynamoDB client every store of the environment shares. */
    public static DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            synchronized (AwsClients.class) {
                if (dynamoDb == null) dynamoDb = create(DynamoDbClient.builder());
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

    /** A client of any service (SQS, EventBridge, Step Functions, Secrets Manager, ...) over the URL-connection client. */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C create(B builder) {
        return create(builder, UrlConnectionHttpClient.builder());
    }

    /** A client over another HTTP client, for the one service that needs it (S3, see EvidenceBucket). */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C create(B builder, SdkHttpClient.Builder<?> http) {
        return builder.httpClientBuilder(http).build();
    }

    /**
     * The endpoint configured for a service through the SDK's settings, if any: the system property
     * {@code aws.endpointUrl<serviceId>} first, then {@code AWS_ENDPOINT_URL_<SERVICE_ID>}, as the SDK reads them.
     * A local server (not AWS) behind it may need other settings, e.g. S3's path-style addressing.
     */
    public static Optional<String> endpointOverride(String serviceId) {
        String value = System.getProperty("aws.endpointUrl" + serviceId);
        if (value == null || value.isBlank()) value = System.getenv("AWS_ENDPOINT_URL_" + serviceId.toUpperCase(Locale.ROOT));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
