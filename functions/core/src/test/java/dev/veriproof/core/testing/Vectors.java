package dev.veriproof.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Test vectors under src/test/resources/vectors: shared with the console's JavaScript tests, so that
 * the browser's verification is held to exactly what the Java code is held to.
 */
public final class Vectors {
    private Vectors() {}

    public static JsonNode load(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) throw new IllegalStateException("no test vectors named " + name);
            return Json.parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
