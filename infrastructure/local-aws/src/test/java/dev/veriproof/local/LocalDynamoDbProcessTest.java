package dev.veriproof.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs DynamoDB Local in a JVM of its own, started the way the devstack starts: a plain class path
 * of jars (surefire's class path is a jar whose manifest lists the test class path, as devstack.jar's
 * lists target/lib). It must find its native SQLite library there, and a program that closes it and
 * returns from main must end: DynamoDB Local's background jobs otherwise keep the JVM alive for minutes.
 */
class LocalDynamoDbProcessTest {

    @Test
    void runsFromAPlainClassPathAndLetsTheJvmExitAfterClose(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("output.txt");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);

        assertTrue(exited, "the JVM was still running 60 s after main returned or failed:\n" + output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("created and listed a table"), output);
    }

    public static final class Main {
        public static void main(String[] args) {
            try (LocalDynamoDb dynamoDb = LocalDynamoDb.start()) {
                dynamoDb.client().createTable(request -> request.tableName("probe")
                        .attributeDefinitions(attribute -> attribute.attributeName("pk").attributeType("S"))
                        .keySchema(key -> key.attributeName("pk").keyType("HASH"))
                        .billingMode("PAY_PER_REQUEST"));
                if (dynamoDb.client().listTables().tableNames().contains("probe")) {
                    System.out.println("created and listed a table");
                }
            }
        }
    }
}
