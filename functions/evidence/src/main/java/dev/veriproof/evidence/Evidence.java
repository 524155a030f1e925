package dev.veriproof.evidence;

import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.aws.EventBridgeBus;
import dev.veriproof.adapters.dynamo.DynamoAlertStore;
import dev.veriproof.adapters.dynamo.DynamoAnchorLedger;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoDeploymentStore;
import dev.veriproof.adapters.dynamo.DynamoGuardrailStore;
import dev.veriproof.adapters.dynamo.DynamoIncidentStore;
import dev.veriproof.adapters.dynamo.DynamoKeyStore;
import dev.veriproof.adapters.dynamo.DynamoPlanStore;
import dev.veriproof.adapters.dynamo.DynamoReviewStore;
import dev.veriproof.adapters.dynamo.DynamoRollupStore;
import dev.veriproof.adapters.dynamo.DynamoSdkTelemetryStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.dynamo.DynamoRiskStore;
import dev.veriproof.chain.Web3jSigner;
import dev.veriproof.core.signing.Signer;
import java.time.Clock;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Wires the evidence functions' adapters from the environment, once per JVM. */
final class Evidence {
    private Evidence() {}

    static DynamoExportStore exports() {
        return new DynamoExportStore(AwsClients.dynamoDb(), Config.governanceTable(), auditLog());
    }

    static DynamoAuditLog auditLog() {
        return new DynamoAuditLog(AwsClients.dynamoDb(), Config.governanceTable(), Clock.systemUTC());
    }

    static PackageWriter.Sources sources(DynamoDbClient dynamo, String sessionsTable, String governanceTable, Clock clock) {
        DynamoAuditLog audit = new DynamoAuditLog(dynamo, governanceTable, clock);
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo).build();
        DynamoSessionStore sessions = new DynamoSessionStore(dynamo, sessionsTable);
        return new PackageWriter.Sources(sessions::forEachOnDay,
                new DynamoApplicationStore(enhanced, governanceTable), new DynamoGuardrailStore(dynamo, governanceTable, audit),
                new DynamoDeploymentStore(dynamo, governanceTable), new DynamoSdkTelemetryStore(dynamo, governanceTable), audit,
                new DynamoPlanStore(dynamo, governanceTable, audit), new DynamoReviewStore(dynamo, governanceTable, sessionsTable, audit),
                new DynamoRiskStore(dynamo, governanceTable), new PostureReader(postureStores(dynamo, governanceTable, clock)),
                new DynamoAnchorLedger(dynamo, governanceTable), sessions::views);
    }

    /** The stores the ISO/IEC 42001 posture is read from (live endpoints and package alike). */
    static PostureReader.Stores postureStores(DynamoDbClient dynamo, String governanceTable, Clock clock) {
        DynamoAuditLog audit = new DynamoAuditLog(dynamo, governanceTable, clock);
        DynamoDbEnhancedClient enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo).build();
        return new PostureReader.Stores(new DynamoRollupStore(dynamo, governanceTable), new DynamoIncidentStore(dynamo, governanceTable),
                new DynamoAlertStore(dynamo, governanceTable), new DynamoAnchorLedger(dynamo, governanceTable),
                new DynamoDeploymentStore(dynamo, governanceTable), new DynamoGuardrailStore(dynamo, governanceTable, audit),
                new DynamoSdkTelemetryStore(dynamo, governanceTable), new DynamoPlanStore(dynamo, governanceTable, audit),
                new DynamoKeyStore(enhanced, governanceTable), new DynamoExportStore(dynamo, governanceTable, audit), audit);
    }

    /** Only the Assemble step signs; the signing key is read from Secrets Manager on its first use. */
    static ExportService service() {
        Signer signer = new Signer() {
            private volatile Signer key;

            private Signer key() {
                if (key == null) key = Web3jSigner.fromConfig();
                return key;
            }

            @Override
            public String address() {
                return key().address();
            }

            @Override
            public String signPersonalMessage(byte[] message) {
                return key().signPersonalMessage(message);
            }
        };
        Clock clock = Clock.systemUTC();
        PackageWriter writer = new PackageWriter(sources(AwsClients.dynamoDb(), Config.sessionsTable(), Config.governanceTable(), clock), signer, clock);
        return new ExportService(exports(), EvidenceBucket.fromConfig(), writer, new EventBridgeBus("veriproof.evidence"), clock,
                Integer.parseInt(Config.optional("EXPORT_SHARD_DAYS").orElse("7")));
    }
}
