package dev.veriproof.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar verifier.jar <evidence.zip | evidence.json> --rpc <url> [--contract <address>] [--signer <address>]}.
 * An evidence package (ZIP, SPEC §9) is checked whole by {@link PackageVerifier}. With
 * {@code --contract}, every anchor must name that contract (the one the deployment published), so
 * that evidence pointing at a look-alike contract fails. The evidence is one session's
 * {@code {sessionId, record, leafHash, proof, anchor}}, an array of them, or {@code {"sessions": [...]}}.
 * Prints PASS or every failure per session; exits 0 only if every session passes, 1 if any fails,
 * 2 on a usage or input error. {@code consistency <older.zip> <newer.zip>} compares two packages ({@link ConsistencyCheck});
 * {@code receipts <receipts.json> <evidence.zip | --api URL --key KEY> [--rpc URL]} checks ingest receipts ({@link ReceiptsCheck}).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The whole command, for callers in the same JVM (the devstack's demo). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("consistency")) return consistency(args, out, err);
        if (args.length > 0 && args[0].equals("receipts")) return ReceiptsCheck.run(args, out, err);
        String file = null;
        String rpc = null;
        String contract = null;
        String signer = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--rpc") && i + 1 < args.length) rpc = args[++i];
            else if (args[i].equals("--contract") && i + 1 < args.length) contract = args[++i];
            else if (args[i].equals("--signer") && i + 1 < args.length) signer = args[++i];
            else if (file == null && !args[i].startsWith("--")) file = args[i];
            else return usage(err);
        }
        if (file == null || rpc == null) return usage(err);
        if (isZip(Path.of(file))) {
            try {
                return new PackageVerifier(new JsonRpc(rpc), java.util.Optional.ofNullable(contract), java.util.Optional.ofNullable(signer), out)
                        .verify(Path.of(file));
            } catch (IOException | RuntimeException e) {
                err.println("cannot read " + file + ": " + e.getMessage());
                return 2;
            }
        }
        JsonNode evidence;
        try {
            evidence = Json.parse(Files.readAllBytes(Path.of(file)));
        } catch (IOException | RuntimeException e) {
            err.println("cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        List<JsonNode> sessions = new ArrayList<>();
        if (evidence.isArray()) evidence.forEach(sessions::add);
        else if (evidence.has("sessions") && evidence.get("sessions").isArray()) evidence.get("sessions").forEach(sessions::add);
        else sessions.add(evidence);
        SessionVerifier verifier = new SessionVerifier(new JsonRpc(rpc), java.util.Optional.ofNullable(contract));
        int failed = 0;
        for (int i = 0; i < sessions.size(); i++) {
            JsonNode session = sessions.get(i);
            String name = session.hasNonNull("sessionId") ? "session " + session.get("sessionId").asText() : "session #" + (i + 1);
            List<String> failures = verifier.verify(session);
            if (failures.isEmpty()) {
                out.println("PASS " + name);
            } else {
                failed++;
                failures.forEach(f -> out.println("FAIL " + name + ": " + f));
            }
        }
        out.println(failed == 0 ? "verified: " + sessions.size() + " session(s), all pass"
                : "verification failed: " + failed + " of " + sessions.size() + " session(s)");
        return failed == 0 ? 0 : 1;
    }

    private static int consistency(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 3) {
            err.println("usage: java -jar verifier.jar consistency <older.zip> <newer.zip>");
            return 2;
        }
        try {
            return new ConsistencyCheck(out).check(Path.of(args[1]), Path.of(args[2]));
        } catch (IOException | RuntimeException e) {
            err.println("cannot read the packages: " + e.getMessage());
            return 2;
        }
    }

    /** An evidence package (a ZIP: it starts with a local file header). */
    private static boolean isZip(Path file) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        } catch (IOException e) {
            return false;
        }
    }

    private static int usage(PrintStream err) {
        err.println("usage: java -jar verifier.jar <evidence.zip | evidence.json> --rpc <url> [--contract <the deployment's Anchor address>]"
                + " [--signer <the deployment's signer address>]\n       java -jar verifier.jar consistency <older.zip> <newer.zip>"
                + "\n       java -jar verifier.jar receipts <receipts.json> <evidence.zip | --api <url> --key <api key>> [--rpc <url>] [--signer <address>]");
        return 2;
    }
}
