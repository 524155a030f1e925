package dev.veriproof.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

    private static List<String> chunked(InputStream in, int maxLines, int maxBytes) throws IOException {
        List<String> lines = new ArrayList<>();
        LineChunk.Reader reader = new LineChunk.Reader(in);
        long expectedNumber = 1;
        for (LineChunk chunk; (chunk = reader.next(maxLines, maxBytes)) != null; ) {
            for (int i = 0; i < chunk.size(); i++) {
                assertEquals(expectedNumber++, chunk.lineNumber(i));
                lines.add(chunk.text(i));
            }
        }
        return lines;
    }

    private static List<String> readLines(byte[] bytes) throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
        for (String line; (line = reader.readLine()) != null; ) lines.add(line);
        return lines;
    }

    @Test
    void linesEndAsBufferedReaderEndsThemWhateverTheChunkAndReadSizes() throws IOException {
        for (String text : List.of("", "a", "a\n", "a\nb", "a\r\nb\r\n", "a\rb\r", "\n\n\nx\n", "é€\r\n\r\n😀\n \n", "\r", "\r\n", "a\n\rb")) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            List<String> expected = readLines(bytes);
            for (int maxLines : new int[] {1, 2, 256}) {
                assertEquals(expected, chunked(new ByteArrayInputStream(bytes), maxLines, 1 << 20), text);
                assertEquals(expected, chunked(trickle(bytes), maxLines, 1 << 20), text);
                assertEquals(expected, chunked(trickle(bytes), 256, 1), text);
            }
        }
    }
}
