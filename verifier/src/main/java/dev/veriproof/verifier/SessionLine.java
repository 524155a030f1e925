package dev.veriproof.verifier;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One line of a session file, parsed once. The record (≈ 4 KB of the line's ≈ 6) is what costs: when it is written in
 * RFC 8785 canonical form, as the export writes it, its leaf hash is taken from its bytes as they stand
 * ({@link CanonicalText}) and only the rest of the line becomes a tree, with {@code "record": null} in its place. In
 * every other case the whole line becomes a tree and the record is canonicalized from it, as before. Both give the same
 * tree apart from the record, and the record's canonical bytes are the same ones (SessionLineTest).
 *
 * @param tree the line; its {@code record} is null when {@link #canonicalRecord} is set
 * @param bytes the line's bytes, holding the canonical record at {@code [recordFrom, recordTo)} when {@link #canonicalRecord}
 */
record SessionLine(JsonNode tree, byte[] bytes, int recordFrom, int recordTo) {

    /** True when the record was found in canonical form: its bytes are {@code bytes[recordFrom, recordTo)}. */
    boolean canonicalRecord() {
        return recordFrom >= 0;
    }

    /** Is {@code bytes[from, to)} blank (empty lines are ignored, VERIFY.md §2), judged as {@link String#isBlank} judges its text. */
    static boolean blank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == 0x0b || (b >= 0x1c && b <= 0x1f)) continue;
            if (b >= 0) return false; // any other ASCII character is not whitespace
            return new String(bytes, from, to - from, StandardCharsets.UTF_8).isBlank();
        }
        return true;
    }

    /**
     * Parses {@code bytes[from, to)} (UTF-8; a malformed sequence reads as U+FFFD, as it always has).
     *
     * @throws RuntimeException when the line is not one JSON value
     */
    static SessionLine parse(byte[] bytes, int from, int to) {
        int recordFrom = recordStart(bytes, from, to);
        int recordTo = recordFrom < 0 ? -1 : CanonicalText.end(bytes, recordFrom, to);
        if (recordTo < 0) {
            return new SessionLine(Json.parse(new String(bytes, from, to - from, StandardCharsets.UTF_8)), bytes, -1, -1);
        }
        // the text around the record is valid JSON with "null" in its place exactly when the whole line is valid JSON: the
        // record is one complete value, and UTF-8 decoding cuts nowhere near it (it starts after ':' and ends with '}')
        String rest = new String(bytes, from, recordFrom - from, StandardCharsets.UTF_8) + "null"
                + new String(bytes, recordTo, to - recordTo, StandardCharsets.UTF_8);
        return new SessionLine(Json.parse(rest), bytes, recordFrom, recordTo);
    }

    /** Where the value of the line's top-level {@code record} member starts, when it is an object; -1 otherwise. */
    private static int recordStart(byte[] bytes, int from, int to) {
        int start = recordStartAfterStrings(bytes, from, to);
        return start >= 0 ? start : recordStartByParser(bytes, from, to);
    }

    private static final byte[] RECORD_NAME = "\"record\"".getBytes(StandardCharsets.US_ASCII);

    /**
     * The record's start when the members before it are strings written without whitespace, as the export writes
     * them ({@code {"sessionId":"…","applicationId":"…","record":{}): the strings are read by {@link CanonicalText}'s
     * strict rules, so that "record" is surely a member name of the line's object. -1 for any other text.
     */
    private static int recordStartAfterStrings(byte[] bytes, int from, int to) {
        if (from >= to || bytes[from] != '{') return -1;
        int pos = from + 1;
        for (int member = 0; member < 8; member++) {
            int nameEnd = CanonicalText.stringEnd(bytes, pos, to);
            if (nameEnd < 0 || nameEnd >= to || bytes[nameEnd] != ':') return -1;
            if (java.util.Arrays.equals(bytes, pos, nameEnd, RECORD_NAME, 0, RECORD_NAME.length)) {
                return nameEnd + 1 < to && bytes[nameEnd + 1] == '{' ? nameEnd + 1 : -1;
            }
            int valueEnd = CanonicalText.stringEnd(bytes, nameEnd + 1, to);
            if (valueEnd < 0 || valueEnd >= to || bytes[valueEnd] != ',') return -1;
            pos = valueEnd + 1;
        }
        return -1;
    }

    private static int recordStartByParser(byte[] bytes, int from, int to) {
        try (JsonParser parser = Json.mapper().getFactory().createParser(bytes, from, to - from)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) return -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("record".equals(name)) {
                    if (value != JsonToken.START_OBJECT) return -1;
                    int start = from + (int) parser.currentTokenLocation().getByteOffset();
                    return start < to && bytes[start] == '{' ? start : -1;
                }
                parser.skipChildren();
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1; // the general path reports it
        }
    }
}
