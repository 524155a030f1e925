package dev.veriproof.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A shard's staged session lines packed into finished ZIP entries, {@code sessions/NNNNN.jsonl} of at most
 * {@link PackageWriter#SESSIONS_PER_FILE} lines each, numbered from the shard's first file on: the bytes the final step
 * joins without reading them. Lines are split on their line feeds and copied as they are, never parsed.
 */
final class ShardEntries {
    private ShardEntries() {}

    /** What a shard's packed object holds: its entries (offsets from the object's start), and how many bytes and lines. */
    record Packed(List<ZipParts.Entry> entries, long bytes, long lines) {
        byte[] toJson(String objectKey) {
            ObjectNode json = Json.mapper().createObjectNode();
            json.put("object", objectKey).put("bytes", bytes).put("lines", lines);
            ArrayNode list = json.putArray("entries");
            for (ZipParts.Entry e : entries) {
                list.addObject().put("name", e.name()).put("offset", e.offset()).put("crc", e.crc()).put("compressedSize", e.compressedSize())
                        .put("size", e.size()).put("sha256", e.sha256()).put("dosTime", e.dosTime());
            }
            return Json.write(json);
        }

        static Packed fromJson(JsonNode json) {
            List<ZipParts.Entry> entries = new ArrayList<>();
            for (JsonNode e : json.path("entries")) {
                entries.add(new ZipParts.Entry(e.get("name").asText(), e.get("offset").asLong(), e.get("crc").asLong(), e.get("compressedSize").asLong(),
                        e.get("size").asLong(), e.get("sha256").asText(), e.get("dosTime").asLong()));
            }
            return new Packed(List.copyOf(entries), json.get("bytes").asLong(), json.get("lines").asLong());
        }
    }

    /** The number of the first file of the shard at {@code index}, given every shard's count of session lines in order. */
    static int firstFile(List<Long> linesPerShard, int index) {
        long files = 0;
        for (int i = 0; i < index; i++) files += (linesPerShard.get(i) + PackageWriter.SESSIONS_PER_FILE - 1) / PackageWriter.SESSIONS_PER_FILE;
        return Math.toIntExact(files + 1);
    }

    static Packed write(InputStream lines, int firstFile, long dosTime, OutputStream target) throws IOException {
        return write(lines, firstFile, PackageWriter.SESSIONS_PER_FILE, dosTime, target);
    }

    static Packed write(InputStream lines, int firstFile, int linesPerFile, long dosTime, OutputStream target) throws IOException {
        ZipParts.Counting out = new ZipParts.Counting(target, 0);
        List<ZipParts.Entry> entries = new ArrayList<>();
        byte[] buffer = new byte[64 * 1024];
        OutputStream file = null;
        int fileNo = firstFile - 1;
        long inFile = 0;
        long total = 0;
        boolean lineOpen = false;
        for (int n; (n = lines.read(buffer)) > 0; ) {
            int from = 0;
            while (from < n) {
                if (!lineOpen && (file == null || inFile == linesPerFile)) {
                    if (file != null) file.close();
                    file = ZipParts.entry(out, PackageWriter.sessionFile(++fileNo), dosTime, entries::add);
                    inFile = 0;
                }
                int end = from;
                while (end < n && buffer[end] != '\n') end++;
                if (end < n) {
                    file.write(buffer, from, end + 1 - from);
                    inFile++;
                    total++;
                    lineOpen = false;
                    from = end + 1;
                } else {
                    file.write(buffer, from, n - from);
                    lineOpen = true;
                    from = n;
                }
            }
        }
        if (lineOpen) throw new IOException("the staged session lines end without a line feed");
        if (file != null) file.close();
        return new Packed(List.copyOf(entries), out.position(), total);
    }
}
