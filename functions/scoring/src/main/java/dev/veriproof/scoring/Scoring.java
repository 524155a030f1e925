package dev.veriproof.scoring;

import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoGovernanceStore;
import dev.veriproof.adapters.dynamo.DynamoIncidentStore;
import java.net.URI;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * Wiring of the scoring functions from their configuration: the governance table, the notification
 * queue ({@code NOTIFICATION_QUEUE_URL}), the alert bus ({@code ALERT_BUS_NAME}) and, in the local
 * runtime, {@code SQS_ENDPOINT} / {@code EVENTBRIDGE_ENDPOINT}.
 */
final class Scoring {
    private static volatile SqsClient sqs;
    private static volatile EventBridgeClient eventBridge;

    private Scoring() {
    }

    static RollupStore rollups() {
        return new RollupStore(AwsClients.dynamoDb(), Config.governanceTable());
    }

    static RiskStore risks() {
        return new RiskStore(AwsClients.dynamoDb(), Config.governanceTable());
    }

    static AlertStore alerts() {
        return new AlertStore(AwsClients.dynamoDb(), Config.governanceTable());
    }

    static DynamoGovernanceStore governance() {
        return new DynamoGovernanceStore(AwsClients.dynamoDb(), Config.governanceTable(),
                new DynamoAuditLog(AwsClients.dynamoDb(), Config.governanceTable(), Clock.systemUTC()));
    }

    static DynamoApplicationStore applications() {
        return new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), Config.governanceTable());
    }

    static Notifications notifications() {
        return new Notifications(queue());
    }

    static Notifications.Queue queue() {
        return (message, delaySeconds) -> sqs().sendMessage(r -> r.queueUrl(Config.required("NOTIFICATION_QUEUE_URL"))
                .messageBody(message).delaySeconds(delaySeconds));
    }

    static Aggregation aggregation(Clock clock) {
        return new Aggregation(rollups(), risks(), alerts(), applications(), notifications(),
                new DynamoIncidentStore(AwsClients.dynamoDb(), Config.governanceTable()), clock);
    }

    static boolean allowLoopbackWebhooks() {
        return Config.optional("ALLOW_LOOPBACK_WEBHOOKS").map("true"::equalsIgnoreCase).orElse(false);
    }

    /** Webhook retry delays in seconds: SPEC's 5 s, 25 s, 125 s unless configured (tests shorten them). */
    static List<Integer> retryDelays() {
        return Arrays.stream(Config.optional("WEBHOOK_RETRY_DELAYS_SECONDS").orElse("5,25,125").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
    }

    static SqsClient sqs() {
        if (sqs == null) {
            synchronized (Scoring.class) {
                if (sqs == null) {
                    SqsClientBuilder builder = SqsClient.builder().httpClient(UrlConnectionHttpClient.create());
                    Config.optional("SQS_ENDPOINT").ifPresent(e -> builder.endpointOverride(URI.create(e)));
                    sqs = builder.build();
                }
            }
        }
        return sqs;
    }

    static EventBridgeClient eventBridge() {
        if (eventBridge == null) {
            synchronized (Scoring.class) {
                if (eventBridge == null) {
                    EventBridgeClientBuilder builder = EventBridgeClient.builder().httpClient(UrlConnectionHttpClient.create());
                    Config.optional("EVENTBRIDGE_ENDPOINT").ifPresent(e -> builder.endpointOverride(URI.create(e)));
                    eventBridge = builder.build();
                }
            }
        }
        return eventBridge;
    }
}
