package dev.veriproof.verifier;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A run of consecutive lines of a file, held as their bytes and parsed by whoever checks them (a worker, not the
 * reader). {@link Reader} cuts a stream into chunks as VERIFY.md §2 says: a line ends at the byte 0x0A ({@code \n})
 * only (a CR stays in the line, where JSON takes it as whitespace), and an unterminated last line counts. The reader
 * also takes the SHA-256 and size of every byte it reads, so that a file is inflated once for both its hash and its
 * lines.
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

    /** The bytes that hold the lines: line i is {@code bytes()[start(i), end(i))}. */
    byte[] bytes() {
        return data;
    }

    int start(int i) {
        return starts[i];
    }

    int end(int i) {
        return ends[i];
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
        private final MessageDigest digest;
        private final byte[] buffer = new byte[64 * 1024];
        private int position;
        private int limit;
        private boolean eof;
        private long nextLine = 1;
        private long bytesRead;

        Reader(InputStream in) {
            this.in = in;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
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

        /** The SHA-256 of the bytes read so far: of the whole stream once {@link #next} has answered null. */
        byte[] sha256() {
            return digest.digest();
        }

        long bytesRead() {
            return bytesRead;
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
                any = true;
                int from = position;
                while (position < limit && buffer[position] != '\n') position++;
                chunk.append(buffer, from, position);
                if (position < limit) {
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
            digest.update(buffer, 0, n);
            bytesRead += n;
            position = 0;
            limit = n;
            return true;
        }
    }
}
