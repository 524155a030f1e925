package dev.veriproof.access;

import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.dynamo.DynamoKeyStore;
import java.time.Clock;

/**
 * Creates a tenant and its first admin key in a deployed stack, with the caller's AWS credentials:
 * <pre>java -cp functions/access/target/access-0.1.0-SNAPSHOT-lambda.jar dev.veriproof.access.BootstrapTenant \
 *     --table &lt;GovernanceTableName&gt; --tenant acme [--name "Acme Corp"]</pre>
 * The key is printed once and never stored.
 */
public final class BootstrapTenant {
    private BootstrapTenant() {}

    public static void main(String[] args) {
        String table = null, tenant = null, name = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--table" -> table = args[i + 1];
                case "--tenant" -> tenant = args[i + 1];
                case "--name" -> name = args[i + 1];
                default -> fail("unknown option " + args[i]);
            }
        }
        if (table == null || tenant == null || args.length % 2 != 0) fail("usage: --table <GovernanceTableName> --tenant <id> [--name <display name>]");
        System.setProperty("GOVERNANCE_TABLE", table);
        AccessService access = new AccessService(new DynamoKeyStore(AwsClients.enhancedDynamoDb(), table,
                        new DynamoAuditLog(AwsClients.dynamoDb(), table, Clock.systemUTC())),
                new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), table), Clock.systemUTC());
        try {
            AccessService.IssuedKey issued = access.bootstrapTenant(tenant, name == null ? tenant : name);
            System.out.println("tenant:        " + tenant);
            System.out.println("admin key id:  " + issued.record().keyId());
            System.out.println("admin key:     " + issued.key() + "   (shown once; store it in your secret manager)");
        } catch (IllegalArgumentException | IllegalStateException e) {
            fail(e.getMessage());
        }
    }

    private static void fail(String message) {
        System.err.println("bootstrap: " + message);
        System.exit(2);
    }
}
