package dev.veriproof.local;

import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests a DynamoDB Local with the template's tables:
 * {@code @ExtendWith(LocalAwsExtension.class)}, then take a {@link LocalAws} parameter in a test,
 * lifecycle method or constructor.
 *
 * <p>One DynamoDB Local serves the whole test JVM: it starts with the first test class that uses
 * the extension and stops when the JVM's test run ends. Tables are named by their logical ids and
 * shared by all tests, so tests should use their own keys (a fresh tenant id, for example).
 *
 * <p>Before the first test class runs, it sets the system properties that handler code reads when
 * the matching environment variable is absent: each {@code Globals.Function.Environment} variable
 * that the template binds to a table ({@code SESSIONS_TABLE}, {@code GOVERNANCE_TABLE}) to the local
 * table name, the SDK's {@code aws.endpointUrlDynamoDb} to the endpoint URL, and {@code aws.region},
 * {@code aws.accessKeyId}, {@code aws.secretAccessKey} for the SDK's default providers.
 */
public final class LocalAwsExtension implements BeforeAllCallback, ParameterResolver {

    /** The SDK's own endpoint setting for DynamoDB (what {@code AWS_ENDPOINT_URL_DYNAMODB} is in the environment). */
    public static final String DYNAMODB_ENDPOINT = "aws.endpointUrlDynamoDb";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalAwsExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        localAws(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalAws.class;
    }

    @Override
    public LocalAws resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return localAws(context);
    }

    /** The JVM-wide instance; the root store closes it (it is AutoCloseable) when the run ends. */
    private static LocalAws localAws(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(LocalAws.class, key -> startForTests(), LocalAws.class);
    }

    private static LocalAws startForTests() {
        CloudFormationTemplate template = CloudFormationTemplate.load(CloudFormationTemplate.locate());
        LocalAws localAws = LocalAws.start(template, "");
        for (Map.Entry<String, String> variable : template.globalEnvironment().entrySet()) {
            if (localAws.tableNames().containsKey(variable.getValue())) {
                System.setProperty(variable.getKey(), localAws.tableName(variable.getValue()));
            }
        }
        System.setProperty(DYNAMODB_ENDPOINT, localAws.endpoint());
        System.setProperty("aws.region", LocalDynamoDb.REGION.id());
        System.setProperty("aws.accessKeyId", LocalDynamoDb.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", LocalDynamoDb.SECRET_ACCESS_KEY);
        return localAws;
    }
}
