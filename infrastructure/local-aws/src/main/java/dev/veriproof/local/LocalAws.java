package dev.veriproof.local;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** A running DynamoDB Local holding the template's tables. */
public final class LocalAws implements AutoCloseable {

    private final LocalDynamoDb dynamoDb;
    private final Map<String, String> tableNames;

    private LocalAws(LocalDynamoDb dynamoDb, Map<String, String> tableNames) {
        this.dynamoDb = dynamoDb;
        this.tableNames = Map.copyOf(tableNames);
    }

    /** Starts DynamoDB Local and creates every table of the template, named {@code tablePrefix + logicalId}. */
    public static LocalAws start(CloudFormationTemplate template, String tablePrefix) {
        LocalDynamoDb dynamoDb = LocalDynamoDb.start();
        try {
            return new LocalAws(dynamoDb, TemplateTables.createAll(dynamoDb.client(), template, tablePrefix));
        } catch (RuntimeException e) {
            dynamoDb.close();
            throw e;
        }
    }

    public String endpoint() {
        return dynamoDb.endpoint();
    }

    public DynamoDbClient client() {
        return dynamoDb.client();
    }

    /** A client through {@code interceptors} (fault injection); the caller closes it. */
    public DynamoDbClient client(software.amazon.awssdk.core.interceptor.ExecutionInterceptor... interceptors) {
        return dynamoDb.client(interceptors);
    }

    public DynamoDbStreamsClient streamsClient() {
        return dynamoDb.streamsClient();
    }

    /** Physical name of the table that the template declares as {@code logicalId}. */
    public String tableName(String logicalId) {
        String name = tableNames.get(logicalId);
        if (name == null) {
            throw new IllegalArgumentException("the template declares no table " + logicalId
                    + "; tables: " + tableNames.keySet());
        }
        return name;
    }

    /** Logical id to physical name of every table. */
    public Map<String, String> tableNames() {
        return tableNames;
    }

    @Override
    public void close() {
        dynamoDb.close();
    }
}
