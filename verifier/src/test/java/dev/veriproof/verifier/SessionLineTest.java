package dev.veriproof.verifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A session line parsed once gives what the general path (the whole line as a tree, its record canonicalized) gives:
 * the same tree apart from the record, and the same canonical record bytes; and it fails where the general path fails.
 */
class SessionLineTest {
    private static final String RECORD = "{\"decision\":{\"confidence\":0.87,\"outcome\":\"APPROVED\"},\"note\":\"é😀\u2028\\n\",\"sessionId\":\"s-1\",\"steps\":[1,2,{\"a\":null}]}";

    /** The line's bytes inside a larger buffer (as in a chunk), so that offsets are relative to the buffer. */
    private static byte[] inBuffer(byte[] line, int before) {
        byte[] buffer = new byte[before + line.length + 7];
        Arrays.fill(buffer, (byte) '\n');
        System.arraycopy(line, 0, buffer, before, line.length);
        return buffer;
    }

    /** What the verifier did before: the whole line as a tree, and the canonical bytes of its record. */
    private static void assertSameAsGeneralPath(byte[] line, boolean fast) {
        JsonNode general = Json.parse(new String(line, StandardCharsets.UTF_8));
        byte[] canonical = Canonical.jcs(general.get("record"));
        for (int before : new int[] {0, 1, 300}) {
            byte[] buffer = inBuffer(line, before);
            SessionLine parsed = SessionLine.parse(buffer, before, before + line.length);
            assertEquals(fast, parsed.canonicalRecord(), new String(line, StandardCharsets.UTF_8));
            ObjectNode rest = general.deepCopy();
            if (parsed.canonicalRecord()) {
                assertArrayEquals(canonical, Arrays.copyOfRange(buffer, parsed.recordFrom(), parsed.recordTo()));
                assertTrue(parsed.tree().get("record").isNull());
                rest.putNull("record");
            }
            assertEquals(rest, parsed.tree());
        }
    }

    private static byte[] line(String record, String tail) {
        return ("{\"sessionId\":\"s-1\",\"applicationId\":\"app\",\"record\":" + record + ",\"leafHash\":\"ab\",\"proof\":{\"leafIndex\":3,"
                + "\"treeSize\":9,\"auditPath\":[\"cd\"],\"root\":\"ef\"}" + tail + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCanonicalRecordIsHashedFromItsBytesAndTheRestIsTheSameTree() {
        byte[] line = line(RECORD, ",\"context\":true");
        SessionLine parsed = SessionLine.parse(line, 0, line.length);
        assertTrue(parsed.canonicalRecord());
        assertEquals(RECORD, new String(line, parsed.recordFrom(), parsed.recordTo() - parsed.recordFrom(), StandardCharsets.UTF_8));
        assertSameAsGeneralPath(line, true);
        // whitespace around the record, a CR before the end (a CRLF-terminated line), the record first or last
        assertSameAsGeneralPath(line(" \t" + RECORD + " ", "\r"), true);
        assertSameAsGeneralPath(("{\"record\":" + RECORD + "}").getBytes(StandardCharsets.UTF_8), true);
        assertSameAsGeneralPath(("{\"a\":[{\"record\":{}}],\"b\":{\"record\":1},\"record\":" + RECORD + "}").getBytes(StandardCharsets.UTF_8), true);
        // the members before the record: strings with escapes (a quoted "record" inside one), a number, an escaped name
        for (String prefix : List.of("\"sessionId\":\"a\\\",\\\"record\\\":{}\",", "\"n\":1,", "\"a\" : \"b\" ,", "\"\\u0072\":1,\"x\":2,")) {
            assertSameAsGeneralPath(("{" + prefix + "\"record\":" + RECORD + "}").getBytes(StandardCharsets.UTF_8), true);
        }
        assertSameAsGeneralPath(("{\"r\\u0065cord\":" + RECORD + "}").getBytes(StandardCharsets.UTF_8), true);
    }

    @Test
    void aRecordInAnotherFormTakesTheGeneralPath() {
        for (String record : List.of("{\"sessionId\":\"s-1\",\"decision\":{}}", "{\"a\": 1}", "{\"a\":1.0}", "{\"a\":\"\\u0041\"}", "{\"a\":\"\\u001F\"}",
                "{\"n\":12345678901234567}")) {
            byte[] line = line(record, "");
            assertSameAsGeneralPath(line, false);
        }
        // a record given as its canonical text, or not an object: the tree holds it as it is
        for (String record : List.of("\"{\\\"a\\\":1}\"", "null", "[1]", "5")) {
            byte[] line = line(record, "");
            SessionLine parsed = SessionLine.parse(line, 0, line.length);
            assertFalse(parsed.canonicalRecord(), record);
            assertEquals(Json.parse(new String(line, StandardCharsets.UTF_8)), parsed.tree());
        }
    }

    @Test
    void whatTheGeneralPathRefusesIsRefusedWithACanonicalRecordToo() {
        for (String tail : List.of(",\"record\":{}", ",\"proof\":1", ",\"x\":\"\\ud800\"", ",", ",\"x\":01", "} ", ",\"x\":[}")) {
            byte[] line = line(RECORD, tail);
            assertThrows(RuntimeException.class, () -> Json.parse(new String(line, StandardCharsets.UTF_8)), tail);
            assertThrows(RuntimeException.class, () -> SessionLine.parse(line, 0, line.length), tail);
        }
        byte[] twoValues = (new String(line(RECORD, ""), StandardCharsets.UTF_8) + " {}").getBytes(StandardCharsets.UTF_8);
        assertThrows(RuntimeException.class, () -> SessionLine.parse(twoValues, 0, twoValues.length));
    }

    @Test
    void malformedUtf8OutsideTheRecordReadsAsReplacementCharactersAsBefore() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] head = line(RECORD, ",\"note\":\"x");
        out.write(head, 0, head.length - 1);
        out.write(0xc0);
        out.write(0x80);
        out.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        byte[] line = out.toByteArray();
        assertSameAsGeneralPath(line, true);
        assertEquals("x\ufffd\ufffd", SessionLine.parse(line, 0, line.length).tree().get("note").asText());
    }

    @Test
    void blankLinesAreThoseStringIsBlankCallsBlank() {
        for (String text : List.of("", " ", "\r", " \t\r", "\u2028", "\u001c", "\u3000 ", "x", " {}", "\u00a0", "\ufeff")) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            assertEquals(text.isBlank(), SessionLine.blank(inBuffer(bytes, 2), 2, 2 + bytes.length), text);
        }
    }
}
