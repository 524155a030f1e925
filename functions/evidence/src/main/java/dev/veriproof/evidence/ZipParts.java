package dev.veriproof.evidence;

import dev.veriproof.core.hash.Hashes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The records of a ZIP archive (PKWARE APPNOTE 6.3.10) written a piece at a time, so that the shard steps can write
 * finished entries in parallel and the final step can join them without reading them: each entry is a local header
 * (sizes and CRC-32 deferred, bit 3), the deflated data and a data descriptor; the central directory, written last by
 * whoever knows every entry's offset, uses ZIP64 records where a count, size or offset does not fit in the classic
 * fields (more than 65,535 entries, 4 GiB or more). Only byte mechanics: what goes into the entries is the caller's.
 */
final class ZipParts {
    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int DATA_DESCRIPTOR = 0x08074b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int END = 0x06054b50;
    private static final int ZIP64_END = 0x06064b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    /** Bit 3: CRC-32 and sizes follow the data; bit 11: the name is UTF-8. */
    private static final int FLAGS = 0x0808;
    private static final int DEFLATED = 8;
    private static final long MAX32 = 0xFFFFFFFFL;
    private static final int MAX16 = 0xFFFF;

    private ZipParts() {}

    /**
     * A finished entry: where its local header starts ({@code offset}, from the start of the piece it was written to
     * until {@link #at} moves it into the whole archive), its CRC-32, deflated and plain sizes, and the SHA-256 of its
     * plain bytes (the manifest's).
     */
    record Entry(String name, long offset, long crc, long compressedSize, long size, String sha256, long dosTime) {
        Entry at(long base) {
            return new Entry(name, base + offset, crc, compressedSize, size, sha256, dosTime);
        }
    }

    /** DOS date and time (UTC: the same bytes wherever the step runs) as the headers hold them: date << 16 | time. */
    static long dosTime(Instant instant) {
        LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        if (t.getYear() < 1980) t = LocalDateTime.of(1980, 1, 1, 0, 0);
        long date = ((long) (t.getYear() - 1980) << 9) | ((long) t.getMonthValue() << 5) | t.getDayOfMonth();
        long time = ((long) t.getHour() << 11) | ((long) t.getMinute() << 5) | (t.getSecond() >> 1);
        return date << 16 | time;
    }

    /** Counts what goes through it: every record's offset is a position in this stream. */
    static final class Counting extends OutputStream {
        private final OutputStream out;
        private long position;

        Counting(OutputStream out, long start) {
            this.out = out;
            this.position = start;
        }

        long position() {
            return position;
        }

        /** Counts bytes that reached the underlying stream another way (an object S3 appended). */
        void skip(long bytes) {
            position += bytes;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            position++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            position += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        /** Closing the records leaves the underlying stream open: it belongs to the caller. */
        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /**
     * Starts an entry at the stream's position: writes its local header and answers the stream its plain bytes go to;
     * closing that stream finishes the entry (deflated data, data descriptor) and hands it to {@code done}.
     */
    static OutputStream entry(Counting out, String name, long dosTime, java.util.function.Consumer<Entry> done) throws IOException {
        long offset = out.position();
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        Le header = new Le(30 + nameBytes.length);
        header.int32(LOCAL_HEADER).int16(20).int16(FLAGS).int16(DEFLATED).int32(dosTime).int32(0).int32(0).int32(0)
                .int16(nameBytes.length).int16(0).bytes(nameBytes);
        out.write(header.array());
        return new EntryStream(out, name, offset, dosTime, done);
    }

    private static final class EntryStream extends OutputStream {
        private final Counting out;
        private final String name;
        private final long offset;
        private final long dosTime;
        private final java.util.function.Consumer<Entry> done;
        private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        private final CRC32 crc = new CRC32();
        private final MessageDigest sha256 = sha256();
        private final byte[] buffer = new byte[64 * 1024];
        private final long dataStart;
        private long size;
        private boolean closed;

        EntryStream(Counting out, String name, long offset, long dosTime, java.util.function.Consumer<Entry> done) {
            this.out = out;
            this.name = name;
            this.offset = offset;
            this.dosTime = dosTime;
            this.done = done;
            this.dataStart = out.position();
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) return;
            crc.update(b, off, len);
            sha256.update(b, off, len);
            size += len;
            deflater.setInput(b, off, len);
            while (!deflater.needsInput()) drain();
        }

        private void drain() throws IOException {
            int n = deflater.deflate(buffer);
            if (n > 0) out.write(buffer, 0, n);
        }

        @Override
        public void close() throws IOException {
            if (closed) return;
            closed = true;
            try {
                deflater.finish();
                while (!deflater.finished()) drain();
            } finally {
                deflater.end();
            }
            long compressed = out.position() - dataStart;
            boolean zip64 = compressed >= MAX32 || size >= MAX32;
            Le descriptor = new Le(zip64 ? 24 : 16);
            descriptor.int32(DATA_DESCRIPTOR).int32(crc.getValue());
            if (zip64) descriptor.int64(compressed).int64(size);
            else descriptor.int32(compressed).int32(size);
            out.write(descriptor.array());
            done.accept(new Entry(name, offset, crc.getValue(), compressed, size, Hashes.hex(sha256.digest()), dosTime));
        }
    }

    /**
     * Writes the central directory of {@code entries} (offsets in the whole archive) at the stream's position, and the
     * end records: ZIP64 ones too when the count, the directory's size or its offset does not fit the classic fields.
     */
    static void centralDirectory(Counting out, List<Entry> entries) throws IOException {
        long start = out.position();
        for (Entry e : entries) {
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            boolean bigSize = e.size() >= MAX32;
            boolean bigCompressed = e.compressedSize() >= MAX32;
            boolean bigOffset = e.offset() >= MAX32;
            int extra = (bigSize ? 8 : 0) + (bigCompressed ? 8 : 0) + (bigOffset ? 8 : 0);
            int version = extra > 0 ? 45 : 20;
            Le h = new Le(46 + name.length + (extra > 0 ? 4 + extra : 0));
            h.int32(CENTRAL_HEADER).int16(version).int16(version).int16(FLAGS).int16(DEFLATED).int32(e.dosTime()).int32(e.crc())
                    .int32(bigCompressed ? MAX32 : e.compressedSize()).int32(bigSize ? MAX32 : e.size())
                    .int16(name.length).int16(extra > 0 ? 4 + extra : 0).int16(0).int16(0).int16(0).int32(0)
                    .int32(bigOffset ? MAX32 : e.offset()).bytes(name);
            if (extra > 0) {
                // APPNOTE 4.5.3: only the fields that overflowed, in this order
                h.int16(0x0001).int16(extra);
                if (bigSize) h.int64(e.size());
                if (bigCompressed) h.int64(e.compressedSize());
                if (bigOffset) h.int64(e.offset());
            }
            out.write(h.array());
        }
        long size = out.position() - start;
        long count = entries.size();
        if (count >= MAX16 || size >= MAX32 || start >= MAX32) {
            long zip64End = out.position();
            Le z = new Le(56 + 20);
            z.int32(ZIP64_END).int64(44).int16(45).int16(45).int32(0).int32(0).int64(count).int64(count).int64(size).int64(start);
            z.int32(ZIP64_LOCATOR).int32(0).int64(zip64End).int32(1);
            out.write(z.array());
        }
        Le end = new Le(22);
        end.int32(END).int16(0).int16(0).int16((int) Math.min(count, MAX16)).int16((int) Math.min(count, MAX16))
                .int32(Math.min(size, MAX32)).int32(Math.min(start, MAX32)).int16(0);
        out.write(end.array());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A little-endian record of a known length. */
    private static final class Le {
        private final byte[] bytes;
        private int at;

        Le(int length) {
            bytes = new byte[length];
        }

        Le int16(int v) {
            bytes[at++] = (byte) v;
            bytes[at++] = (byte) (v >>> 8);
            return this;
        }

        Le int32(long v) {
            for (int i = 0; i < 4; i++) bytes[at++] = (byte) (v >>> (8 * i));
            return this;
        }

        Le int64(long v) {
            for (int i = 0; i < 8; i++) bytes[at++] = (byte) (v >>> (8 * i));
            return this;
        }

        Le bytes(byte[] b) {
            System.arraycopy(b, 0, bytes, at, b.length);
            at += b.length;
            return this;
        }

        byte[] array() {
            if (at != bytes.length) throw new IllegalStateException("record of " + bytes.length + " bytes filled to " + at);
            return bytes;
        }
    }
}
