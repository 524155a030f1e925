package dev.veriproof.evidence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.veriproof.core.hash.Hashes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries written apart and joined as bytes make an archive that java.util.zip reads, with ZIP64 where the classic fields overflow. */
class ZipPartsTest {
    private static final long DOS_TIME = ZipParts.dosTime(Instant.parse("2026-10-01T00:00:00Z"));

    @TempDir Path tmp;

    private static String lines(int from, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < from + count; i++) text.append("{\"sessionId\":\"s-").append(i).append("\",\"n\":").append(i * 7919L % 1000).append("}\n");
        return text.toString();
    }

    private static byte[] read(ZipFile zip, String name) throws IOException {
        try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
            return in.readAllBytes();
        }
    }

    @Test
    void shardsPackedApartAndJoinedAsBytesAreOneArchiveWhoseFilesFollowOnAcrossShards() throws IOException {
        // three shards of 7, 0 and 5 lines with 3 lines a file: files 1-3, none, 4-5
        String[] shardLines = {lines(0, 7), "", lines(7, 5)};
        List<Long> counts = List.of(7L, 0L, 5L);
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        List<ZipParts.Entry> entries = new ArrayList<>();
        for (int s = 0; s < shardLines.length; s++) {
            ByteArrayOutputStream object = new ByteArrayOutputStream();
            int first = 1 + (int) counts.subList(0, s).stream().mapToLong(c -> (c + 2) / 3).sum();
            ShardEntries.Packed packed = ShardEntries.write(new ByteArrayInputStream(shardLines[s].getBytes(StandardCharsets.UTF_8)), first, 3,
                    DOS_TIME, object);
            assertEquals(object.size(), packed.bytes());
            assertEquals(counts.get(s), packed.lines());
            long base = archive.size();
            object.writeTo(archive);
            packed.entries().forEach(e -> entries.add(e.at(base)));
        }
        ZipParts.Counting out = new ZipParts.Counting(archive, archive.size());
        try (OutputStream report = ZipParts.entry(out, "scorecard.json", DOS_TIME, entries::add)) {
            report.write("{\"controls\":[]}".getBytes(StandardCharsets.UTF_8));
        }
        ZipParts.centralDirectory(out, entries);
        Path file = tmp.resolve("joined.zip");
        Files.write(file, archive.toByteArray());

        StringBuilder all = new StringBuilder();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> names = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) names.add(e.nextElement().getName());
            assertEquals(List.of("sessions/00001.jsonl", "sessions/00002.jsonl", "sessions/00003.jsonl", "sessions/00004.jsonl",
                    "sessions/00005.jsonl", "scorecard.json"), names);
            for (int n = 1; n <= 5; n++) {
                byte[] bytes = read(zip, PackageWriter.sessionFile(n));
                ZipParts.Entry entry = entries.get(n - 1);
                assertEquals(entry.size(), bytes.length);
                assertEquals(entry.sha256(), Hashes.hex(Hashes.sha256(bytes)));
                all.append(new String(bytes, StandardCharsets.UTF_8));
            }
            assertEquals("{\"controls\":[]}", new String(read(zip, "scorecard.json"), StandardCharsets.UTF_8));
        }
        assertEquals(lines(0, 12), all.toString());
        // a streaming reader, which trusts the local headers and data descriptors instead of the central directory, agrees
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(archive.toByteArray()))) {
            int count = 0;
            for (ZipEntry e; (e = in.getNextEntry()) != null; count++) in.readAllBytes();
            assertEquals(6, count);
        }
    }

    @Test
    void moreThan65535EntriesTakeZip64EndRecords() throws IOException {
        int count = 70_000;
        Path file = tmp.resolve("many.zip");
        try (OutputStream raw = Files.newOutputStream(file)) {
            ZipParts.Counting out = new ZipParts.Counting(new java.io.BufferedOutputStream(raw, 1 << 16), 0);
            List<ZipParts.Entry> entries = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                try (OutputStream entry = ZipParts.entry(out, "f/" + i, DOS_TIME, entries::add)) {
                    entry.write(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                }
            }
            ZipParts.centralDirectory(out, entries);
            out.flush();
            raw.flush();
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertEquals(count, zip.size());
            assertArrayEquals("69999".getBytes(StandardCharsets.UTF_8), read(zip, "f/69999"));
            assertArrayEquals("0".getBytes(StandardCharsets.UTF_8), read(zip, "f/0"));
        }
    }

    @Test
    void anEntryBeyond4GiBIsFoundThroughItsZip64Offset() throws IOException {
        // a sparse file: 5 GiB of hole (never read) and then the entries; the central directory points past 4 GiB
        long base = 5L * 1024 * 1024 * 1024;
        Path file = tmp.resolve("far.zip");
        List<ZipParts.Entry> entries = new ArrayList<>();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            // a first, ordinary entry at offset 0, so that the archive starts like any other
            raf.seek(0);
            OutputStream head = Channels.newOutputStream(raf.getChannel());
            ZipParts.Counting atStart = new ZipParts.Counting(head, 0);
            try (OutputStream entry = ZipParts.entry(atStart, "first.txt", DOS_TIME, entries::add)) {
                entry.write("first".getBytes(StandardCharsets.UTF_8));
            }
            raf.seek(base);
            ZipParts.Counting out = new ZipParts.Counting(Channels.newOutputStream(raf.getChannel()), base);
            try (OutputStream entry = ZipParts.entry(out, "far.txt", DOS_TIME, entries::add)) {
                entry.write(lines(0, 100).getBytes(StandardCharsets.UTF_8));
            }
            ZipParts.centralDirectory(out, entries);
        }
        assertEquals(base, entries.get(1).offset());
        try (ZipFile zip = new ZipFile(file.toFile())) {
            assertEquals(lines(0, 100), new String(read(zip, "far.txt"), StandardCharsets.UTF_8));
            assertEquals("first", new String(read(zip, "first.txt"), StandardCharsets.UTF_8));
        }
    }

    @Test
    void stagedLinesMustEndWithALineFeed() {
        assertThrows(IOException.class, () -> ShardEntries.write(new ByteArrayInputStream("{}\n{}".getBytes(StandardCharsets.UTF_8)), 1, 3,
                DOS_TIME, OutputStream.nullOutputStream()));
    }

    @Test
    void theFirstFileOfAShardFollowsTheFilesOfTheShardsBeforeIt() {
        List<Long> written = List.of(50_000L, 0L, 50_001L, 1L);
        assertEquals(1, ShardEntries.firstFile(written, 0));
        assertEquals(2, ShardEntries.firstFile(written, 1));
        assertEquals(2, ShardEntries.firstFile(written, 2));
        assertEquals(4, ShardEntries.firstFile(written, 3));
    }
}
