package dev.veriproof.scoring;

import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoAlertStore;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoDeploymentStore;
import dev.veriproof.adapters.dynamo.DynamoSdkTelemetryStore;
import dev.veriproof.adapters.dynamo.DynamoIncidentStore;
import dev.veriproof.adapters.dynamo.DynamoReviewStore;
import dev.veriproof.adapters.dynamo.DynamoRiskStore;
import dev.veriproof.adapters.dynamo.DynamoRollupStore;
import dev.veriproof.core.aggregation.RollupStore;
import dev.veriproof.core.alerts.AlertStore;
import dev.veriproof.core.risk.RiskStore;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Wiring of the scoring functions from their configuration: the governance table, the notification
 * queue ({@code NOTIFICATION_QUEUE_URL}) and the alert bus ({@code ALERT_BUS_NAME}, see EventBridgeBus).
 */
final class Scoring {
    private static volatile SqsClient sqs;

    private Scoring() {
    }

    static RollupStore rollups() {
        return new DynamoRollupStore(AwsClients.dynamoDb(), Config.governanceTable());
    }

    static RiskStore risks() {
        return new DynamoRiskStore(AwsClients.dynamoDb(), Config.governanceTable());
    }

    static AlertStore alerts() {
        return new DynamoAlertStore(AwsClients.dynamoDb(), Config.governanceTable());
    }

    static DynamoSdkTelemetryStore sdk() {
        return new DynamoSdkTelemetryStore(AwsClients.dynamoDb(), Config.governanceTable());
    }

    static DynamoDeploymentStore deployments() {
        return new DynamoDeploymentStore(AwsClients.dynamoDb(), Config.governanceTable());
    }

    static DynamoReviewStore reviews() {
        return new DynamoReviewStore(AwsClients.dynamoDb(), Config.governanceTable(), Config.sessionsTable(),
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
                if (sqs == null) sqs = AwsClients.create(SqsClient.builder());
            }
        }
        return sqs;
    }
}
