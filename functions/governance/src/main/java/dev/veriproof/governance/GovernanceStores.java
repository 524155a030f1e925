package dev.veriproof.governance;

import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoDeploymentStore;
import dev.veriproof.adapters.dynamo.DynamoGuardrailStore;
import dev.veriproof.adapters.dynamo.DynamoPlanStore;
import dev.veriproof.adapters.dynamo.DynamoSdkTelemetryStore;
import dev.veriproof.adapters.dynamo.DynamoSettingsStore;
import java.time.Clock;

/** The governance records' stores, wired from the environment: each handler takes the ones it uses. */
final class GovernanceStores {
    private GovernanceStores() {
    }

    static DynamoDeploymentStore deployments() {
        return new DynamoDeploymentStore(AwsClients.dynamoDb(), Config.governanceTable());
    }

    static DynamoSdkTelemetryStore sdk() {
        return new DynamoSdkTelemetryStore(AwsClients.dynamoDb(), Config.governanceTable());
    }

    static DynamoGuardrailStore guardrails() {
        return new DynamoGuardrailStore(AwsClients.dynamoDb(), Config.governanceTable(), audit());
    }

    static DynamoPlanStore plans() {
        return new DynamoPlanStore(AwsClients.dynamoDb(), Config.governanceTable(), audit());
    }

    static DynamoSettingsStore settings() {
        return new DynamoSettingsStore(AwsClients.dynamoDb(), Config.governanceTable(), audit());
    }

    private static DynamoAuditLog audit() {
        return new DynamoAuditLog(AwsClients.dynamoDb(), Config.governanceTable(), Clock.systemUTC());
    }
}
