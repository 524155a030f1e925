package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.local.CloudFormationTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The Lambda jars that template.yaml deploys, as `mvn verify` built them (this module comes after
 * every function module in the reactor): each holds its handlers, nothing from a deny-list, and
 * stays under its size. Lambda allows 250 MB unzipped; the sizes here are what each function needs
 * today plus about 15%, so that a dependency creeping back in (Netty, joda-time, web3j's JSON-RPC
 * stack, another function module) fails the build instead of slowing every cold start.
 */
class FunctionJarsIT {
    private static final long MB = 1024 * 1024;

    /** Unzipped size limits, by module. */
    private static final Map<String, Long> MAX_UNZIPPED = Map.of(
            "access", 34 * MB,
            "ingest", 62 * MB, // protobuf-java and the OTLP trace classes for POST /v1/traces: ≈5.5 MB; the receipt signer (web3j crypto, BouncyCastle, the Secrets Manager client, as governance): ≈20 MB
            "scoring", 44 * MB,
            "governance", 61 * MB,
            "anchoring", 70 * MB,
            "evidence", 90 * MB,
            "console", 8 * MB);

    private static final Set<String> FUNCTION_MODULES = MAX_UNZIPPED.keySet();

    /** Path prefixes no function jar may hold: HTTP clients the SDK would pick over ours, unused libraries. */
    private static final List<String> DENIED = List.of(
            "io/netty/", "org/joda/", "jnr/", "com/kenai/", "software/amazon/awssdk/http/nio/netty/",
            "software/amazon/awssdk/services/kms/");

    /** Denied except in the module named: Apache's HTTP client (S3), web3j's JSON-RPC client (the anchoring run). */
    private static final Map<String, List<String>> DENIED_EXCEPT_IN = Map.of(
            "evidence", List.of("org/apache/http/", "software/amazon/awssdk/http/apache/"),
            "anchoring", List.of("org/web3j/protocol/", "okhttp3/", "io/reactivex/"));

    @Test
    void everyFunctionJarOfTheTemplateHoldsItsHandlerAndNothingDeniedWithinItsSize() throws IOException {
        Path root = CloudFormationTemplate.locate().getParent();
        Map<String, Set<String>> handlersByJar = new TreeMap<>();
        for (CloudFormationTemplate.FunctionCode function : CloudFormationTemplate.load(CloudFormationTemplate.locate()).functions()) {
            handlersByJar.computeIfAbsent(function.codeUri(), k -> new TreeSet<>()).add(function.handlerClass());
        }
        Set<String> modules = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Set<String>> jar : handlersByJar.entrySet()) {
            String module = Path.of(jar.getKey()).getFileName().toString().replaceFirst("-lambda\\.jar$", "");
            modules.add(module);
            assertTrue(jar.getKey().endsWith(module + "/target/" + module + "-lambda.jar"),
                    jar.getKey() + ": CodeUri names the module's fixed jar name, without a version");
            Path path = root.resolve(jar.getKey());
            assertTrue(Files.isRegularFile(path), path + " was not built (run mvn verify, or package the function modules first)");
            problems.addAll(check(module, path, jar.getValue()));
        }
        assertTrue(modules.containsAll(FUNCTION_MODULES), "the template deploys a jar of each function module: " + modules);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static List<String> check(String module, Path jar, Set<String> handlers) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> denied = new ArrayList<>(DENIED);
        DENIED_EXCEPT_IN.forEach((owner, prefixes) -> { if (!owner.equals(module)) denied.addAll(prefixes); });
        FUNCTION_MODULES.stream().filter(m -> !m.equals(module))
                .forEach(m -> denied.add("dev/veriproof/" + m + "/"));
        long unzipped = 0;
        Set<String> found = new TreeSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                unzipped += Math.max(0, entry.getSize());
                for (String prefix : denied) {
                    if (entry.getName().startsWith(prefix)) found.add(prefix);
                }
            }
            for (String handler : handlers) {
                if (zip.getEntry(handler.replace('.', '/') + ".class") == null) problems.add(jar + " lacks its handler " + handler);
            }
        }
        if (!found.isEmpty()) problems.add(jar + " holds denied packages " + found);
        Long max = MAX_UNZIPPED.get(module);
        if (max == null) {
            problems.add(module + " is a new function module: give it a size limit here and add it to the enforcer's list in the parent pom");
        } else if (unzipped > max) problems.add(jar + " is " + unzipped / MB + " MB unzipped, more than its " + max / MB + " MB");
        return problems;
    }
}
