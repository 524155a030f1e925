package dev.veriproof.verifier;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A run of consecutive lines of a file, held as their bytes and decoded as UTF-8 by whoever checks them (a worker,
 * not the reader). {@link Reader} cuts a stream into chunks with {@link java.io.BufferedReader#readLine()}'s rules: a
 * line ends at LF, CR or CR LF, and an unterminated last line counts.
 */
final class LineChunk {
    private byte[] data;
    private int used;
    private int[] starts = new int[64];
    private int[] ends = new int[64];
    private final long firstLine;
    private int size;

    private LineChunk(long firstLine, int capacity) {
        this.firstLine = firstLine;
        this.data = new byte[capacity];
    }

    int size() {
        return size;
    }

    /** The 1-based line number of the i-th line of the chunk in its file. */
    long lineNumber(int i) {
        return firstLine + i;
    }

    String text(int i) {
        return new String(data, starts[i], ends[i] - starts[i], StandardCharsets.UTF_8);
    }

    private void append(byte[] bytes, int from, int to) {
        int length = to - from;
        if (used + length > data.length) data = Arrays.copyOf(data, Math.max(data.length * 2, used + length));
        System.arraycopy(bytes, from, data, used, length);
        used += length;
    }

    private void endLine(int start) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            ends = Arrays.copyOf(ends, size * 2);
        }
        starts[size] = start;
        ends[size] = used;
        size++;
    }

    /** Reads a stream a chunk at a time. */
    static final class Reader {
        private final InputStream in;
        private final byte[] buffer = new byte[64 * 1024];
        private int position;
        private int limit;
        private boolean skipLineFeed;
        private boolean eof;
        private long nextLine = 1;

        Reader(InputStream in) {
            this.in = in;
        }

        /** The next lines, at most {@code maxLines} and stopping after the line that reaches {@code maxBytes}; null at the end. */
        LineChunk next(int maxLines, int maxBytes) throws IOException {
            // room for the chunk's bytes and the line that crosses the limit, so that the bytes are copied once
            LineChunk chunk = new LineChunk(nextLine, (int) Math.min((long) maxBytes + 64 * 1024, 1 << 30));
            while (chunk.size < maxLines && chunk.used < maxBytes) {
                if (!readLine(chunk)) break;
            }
            nextLine += chunk.size;
            return chunk.size == 0 ? null : chunk;
        }

        /** Appends one line to the chunk; false at the end of the stream with no line left. */
        private boolean readLine(LineChunk chunk) throws IOException {
            int start = chunk.used;
            boolean any = false;
            while (true) {
                if (position == limit && !fill()) {
                    if (!any) return false;
                    chunk.endLine(start);
                    return true;
                }
                if (skipLineFeed) {
                    skipLineFeed = false;
                    if (buffer[position] == '\n') {
                        position++;
                        continue;
                    }
                }
                any = true;
                int from = position;
                while (position < limit && buffer[position] != '\n' && buffer[position] != '\r') position++;
                chunk.append(buffer, from, position);
                if (position < limit) {
                    skipLineFeed = buffer[position] == '\r';
                    position++;
                    chunk.endLine(start);
                    return true;
                }
            }
        }

        private boolean fill() throws IOException {
            if (eof) return false;
            int n = in.read(buffer);
            while (n == 0) n = in.read(buffer);
            if (n < 0) {
                eof = true;
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }
    }
}
