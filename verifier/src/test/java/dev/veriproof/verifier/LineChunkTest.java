package dev.veriproof.verifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.veriproof.core.hash.Hashes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineChunkTest {

    /** A stream that hands out one byte per read, so that every line and terminator straddles a buffer boundary. */
    private static InputStream trickle(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    private static List<String> chunked(InputStream in, int maxLines, int maxBytes, byte[] whole) throws IOException {
        List<String> lines = new ArrayList<>();
        LineChunk.Reader reader = new LineChunk.Reader(in);
        long expectedNumber = 1;
        for (LineChunk chunk; (chunk = reader.next(maxLines, maxBytes)) != null; ) {
            for (int i = 0; i < chunk.size(); i++) {
                assertEquals(expectedNumber++, chunk.lineNumber(i));
                lines.add(new String(chunk.bytes(), chunk.start(i), chunk.end(i) - chunk.start(i), StandardCharsets.UTF_8));
            }
        }
        // the file is read once for its lines and its hash
        assertArrayEquals(Hashes.sha256(whole), reader.sha256());
        assertEquals(whole.length, reader.bytesRead());
        return lines;
    }

    /** VERIFY.md §2: lines end at 0x0A only; an unterminated last line counts. */
    private static List<String> splitAtLineFeeds(String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
        return lines;
    }

    @Test
    void linesEndAtLineFeedsOnlyWhateverTheChunkAndReadSizes() throws IOException {
        for (String text : List.of("", "a", "a\n", "a\nb", "a\r\nb\r\n", "a\rb\r", "\n\n\nx\n", "é€\r\n\r\n😀\n \n", "\r", "\r\n", "a\n\rb",
                "{\"a\":1,\r\"b\":\"\u2028\u2029\u0085\"}\n")) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            List<String> expected = splitAtLineFeeds(text);
            for (int maxLines : new int[] {1, 2, 256}) {
                assertEquals(expected, chunked(new ByteArrayInputStream(bytes), maxLines, 1 << 20, bytes), text);
                assertEquals(expected, chunked(trickle(bytes), maxLines, 1 << 20, bytes), text);
                assertEquals(expected, chunked(trickle(bytes), 256, 1, bytes), text);
            }
        }
        assertEquals(List.of("a\r", "\rb"), splitAtLineFeeds("a\r\n\rb"));
    }
}
