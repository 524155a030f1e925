package dev.veriproof.verifier;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** The lines of a {@code *.jsonl} file, split on the byte 0x0A only (VERIFY.md §2): records may hold U+2028 and U+2029. */
final class LineReader {
    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long number;

    LineReader(InputStream in) {
        this.in = new BufferedInputStream(in, 64 * 1024);
    }

    /** The next line without its line feed; null at the end. */
    byte[] next() throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) != -1 && b != '\n') line.write(b);
        if (b == -1 && line.size() == 0) return null;
        number++;
        return line.toByteArray();
    }

    /** The 1-based number of the line {@link #next} returned last. */
    long number() {
        return number;
    }
}
