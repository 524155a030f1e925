package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.local.CloudFormationTemplate;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's main command, run as a newcomer runs it: {@code java -jar .../devstack.jar demo} in a
 * separate process from the repository root. It must exit 0 and print every step.
 */
class DemoIT {
    @Test
    void theDemoRunsTheMainJobAndExitsZero() throws Exception {
        Path root = CloudFormationTemplate.locate().getParent();
        Path jar = root.resolve("infrastructure/devstack/target/devstack.jar");
        assertTrue(Files.exists(jar), "package the devstack first: " + jar);
        Path output = Files.createTempFile("demo", ".log");
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(), "demo")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        boolean finished = demo.waitFor(5, TimeUnit.MINUTES);
        if (!finished) demo.destroyForcibly();
        String log = Files.readString(output, StandardCharsets.UTF_8);
        System.out.println(log);
        assertTrue(finished, "demo did not finish in 5 minutes");
        assertEquals(0, demo.exitValue(), "demo failed:" + File.separator + log);
        assertTrue(log.contains("== demo succeeded"), log);
        assertTrue(log.contains("-- 11."), "every step ran");
    }
}
