package dev.veriproof.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;

/** Where a part of the package writes its files: straight into the ZIP, or to staging when a step of the state machine writes them. */
interface ReportFiles {
    OutputStream open(String path) throws IOException;

    default void json(String path, JsonNode json) throws IOException {
        bytes(path, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
    }

    default void bytes(String path, byte[] bytes) throws IOException {
        try (OutputStream out = open(path)) {
            out.write(bytes);
        }
    }

    /** One JSON value and a line feed: a line of a {@code .jsonl} file. */
    static void line(OutputStream out, JsonNode json) throws IOException {
        out.write(Json.write(json));
        out.write('\n');
    }
}
