package dev.veriproof.verifier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.erdtman.jcs.NumberToJSON;

/**
 * Recognizes JSON text that is already in RFC 8785 canonical form, so that a record written that way (as the export
 * writes it) is hashed as it stands instead of being parsed into a tree and written out again. {@link #end} accepts a
 * JSON object only when {@code Canonical.jcs(Json.parse(its bytes))} would give exactly the same bytes; whenever that
 * is not certain it answers "no" and the caller takes the general path, so the answer never changes a verdict, only
 * the work spent on it (CanonicalTextTest holds the two paths together on tricky inputs). What it accepts:
 * <ul>
 *   <li>no whitespace; members sorted by the UTF-16 code units of their names, no name twice;</li>
 *   <li>strings of well-formed UTF-8 (no overlong form, no surrogate, nothing above U+10FFFF) whose only escapes are
 *       the ones RFC 8785 writes: {@code \"}, {@code \\}, {@code \b \f \n \r \t} and <code>&#92;u00xx</code> (lowercase) for
 *       the other controls below U+0020; no raw control character;</li>
 *   <li>numbers that are exactly what ECMAScript writes for the double they denote (RFC 8785 §3.2.2.3, the same
 *       {@code NumberToJSON} as the canonicalizer), integers of at most 15 digits (exact as doubles and as longs);</li>
 *   <li>{@code true}, {@code false}, {@code null}; at most {@value #MAX_DEPTH} levels, names up to
 *       {@value #MAX_NAME_BYTES} bytes and strings up to {@value #MAX_STRING_BYTES} bytes (far inside the parser's
 *       limits, so that the parser takes everything this accepts).</li>
 * </ul>
 */
final class CanonicalText {
    static final int MAX_DEPTH = 64;
    static final int MAX_NAME_BYTES = 1024;
    static final int MAX_STRING_BYTES = 1 << 20;
    private static final int MAX_NUMBER_CHARS = 32;
    private static final int MAX_INTEGER_DIGITS = 15;
    /** The bytes a canonical string holds as they are: printable ASCII other than the quote and the backslash. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int c = 0x20; c < 0x80; c++) PLAIN[c] = c != '"' && c != '\\';
    }

    private final byte[] b;
    private final int limit;
    private int pos;

    private CanonicalText(byte[] bytes, int from, int limit) {
        this.b = bytes;
        this.pos = from;
        this.limit = limit;
    }

    /**
     * The index just past the canonical JSON object that starts at {@code from} (and ends before {@code limit}), or
     * -1 when the text there is not one (not JSON, or JSON in another form).
     */
    static int end(byte[] bytes, int from, int limit) {
        if (from >= limit || bytes[from] != '{') return -1;
        CanonicalText text = new CanonicalText(bytes, from, limit);
        try {
            return text.object(1) ? text.pos : -1;
        } catch (ArrayIndexOutOfBoundsException e) {
            return -1; // cannot happen given the bounds checks below; a "no" keeps the general path in charge
        }
    }

    /** The index just past the canonical string (as in an object, see the class comment) that starts at {@code from}, or -1. */
    static int stringEnd(byte[] bytes, int from, int limit) {
        if (from >= limit || bytes[from] != '"') return -1;
        return new CanonicalText(bytes, from, limit).string(MAX_STRING_BYTES);
    }

    private boolean value(int depth) {
        if (pos >= limit) return false;
        switch (b[pos]) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string(MAX_STRING_BYTES) >= 0;
            case 't':
                return literal("true");
            case 'f':
                return literal("false");
            case 'n':
                return literal("null");
            default:
                return number();
        }
    }

    private boolean object(int depth) {
        if (depth > MAX_DEPTH) return false;
        pos++; // '{'
        if (pos < limit && b[pos] == '}') {
            pos++;
            return true;
        }
        int previousStart = -1;
        int previousEnd = -1;
        while (true) {
            int nameStart = pos;
            if (pos >= limit || b[pos] != '"') return false;
            int nameEnd = string(MAX_NAME_BYTES);
            if (nameEnd < 0) return false;
            if (previousStart >= 0 && compareNames(previousStart, previousEnd, nameStart, nameEnd) >= 0) return false;
            previousStart = nameStart;
            previousEnd = nameEnd;
            if (pos >= limit || b[pos] != ':') return false;
            pos++;
            if (!value(depth)) return false;
            if (pos >= limit) return false;
            if (b[pos] == ',') {
                pos++;
                continue;
            }
            if (b[pos] != '}') return false;
            pos++;
            return true;
        }
    }

    private boolean array(int depth) {
        if (depth > MAX_DEPTH) return false;
        pos++; // '['
        if (pos < limit && b[pos] == ']') {
            pos++;
            return true;
        }
        while (true) {
            if (!value(depth)) return false;
            if (pos >= limit) return false;
            if (b[pos] == ',') {
                pos++;
                continue;
            }
            if (b[pos] != ']') return false;
            pos++;
            return true;
        }
    }

    private boolean literal(String word) {
        if (limit - pos < word.length()) return false;
        for (int i = 0; i < word.length(); i++) {
            if (b[pos + i] != word.charAt(i)) return false;
        }
        pos += word.length();
        return true;
    }

    /** A canonical string starting at the opening quote; the index just past the closing quote (pos moves there), or -1. */
    private int string(int maxBytes) {
        int start = pos;
        int end = (int) Math.min(limit, (long) start + maxBytes + 2);
        pos++; // '"'
        while (pos < end) {
            int c = b[pos] & 0xff;
            if (PLAIN[c]) {
                pos++;
            } else if (c == '"') {
                pos++;
                return pos;
            } else if (c == '\\') {
                if (!escape()) return -1;
            } else if (c < 0x80 || !utf8Sequence(c)) {
                return -1; // a raw control character is not JSON; nor is malformed UTF-8
            }
        }
        return -1;
    }

    /** One escape as RFC 8785 writes it (§3.2.2.2): the short forms, or &#92;u00xx in lowercase for the other controls. */
    private boolean escape() {
        if (pos + 1 >= limit) return false;
        switch (b[pos + 1]) {
            case '"', '\\', 'b', 'f', 'n', 'r', 't' -> {
                pos += 2;
                return true;
            }
            case 'u' -> {
                if (pos + 6 > limit || b[pos + 2] != '0' || b[pos + 3] != '0') return false;
                int high = b[pos + 4];
                int low = lowerHex(b[pos + 5]);
                if ((high != '0' && high != '1') || low < 0) return false;
                int value = (high - '0') << 4 | low;
                // the controls with a short form are written in it, never as a six-character escape
                if (value == 0x08 || value == 0x09 || value == 0x0a || value == 0x0c || value == 0x0d) return false;
                pos += 6;
                return true;
            }
            default -> {
                return false; // an escaped solidus, or a six-character escape of anything else, are never canonical
            }
        }
    }

    private static int lowerHex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    }

    /** A well-formed UTF-8 sequence of 2 to 4 bytes for a scalar value (Unicode Table 3-7); pos moves past it. */
    private boolean utf8Sequence(int lead) {
        int length;
        int lowest = 0x80;
        int highest = 0xbf;
        if (lead >= 0xc2 && lead <= 0xdf) {
            length = 2;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            length = 3;
            if (lead == 0xe0) lowest = 0xa0; // no overlong form
            if (lead == 0xed) highest = 0x9f; // no surrogate
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            length = 4;
            if (lead == 0xf0) lowest = 0x90; // no overlong form
            if (lead == 0xf4) highest = 0x8f; // nothing above U+10FFFF
        } else {
            return false;
        }
        if (pos + length > limit) return false;
        int second = b[pos + 1] & 0xff;
        if (second < lowest || second > highest) return false;
        for (int i = 2; i < length; i++) {
            int next = b[pos + i] & 0xff;
            if (next < 0x80 || next > 0xbf) return false;
        }
        pos += length;
        return true;
    }

    private boolean number() {
        int start = pos;
        boolean integer = true;
        while (pos < limit) {
            byte c = b[pos];
            if (c >= '0' && c <= '9' || c == '-') {
                pos++;
            } else if (c == '.' || c == 'e' || c == '+') {
                integer = false;
                pos++;
            } else {
                break;
            }
        }
        int length = pos - start;
        if (length == 0 || length > MAX_NUMBER_CHARS) return false;
        if (integer) {
            // an integer of at most 15 digits is exact as a long and as a double, and ECMAScript writes such a double as
            // its plain digits: canonical exactly when written without a leading zero, and 0 without a sign
            int first = b[start] == '-' ? start + 1 : start;
            int digits = pos - first;
            if (digits == 0 || digits > MAX_INTEGER_DIGITS) return false;
            for (int i = first; i < pos; i++) {
                if (b[i] < '0' || b[i] > '9') return false;
            }
            return b[first] != '0' || (digits == 1 && first == start);
        }
        String token = new String(b, start, length, StandardCharsets.US_ASCII);
        try {
            double value = Double.parseDouble(token);
            // what the canonicalizer writes is valid JSON, so equality also proves the token is a JSON number
            return Double.isFinite(value) && NumberToJSON.serializeNumber(value).equals(token);
        } catch (NumberFormatException | IOException e) {
            return false;
        }
    }

    /** Compares two member names (each quote to quote) by their UTF-16 code units, as RFC 8785 sorts them. */
    private int compareNames(int aStart, int aEnd, int bStart, int bEnd) {
        boolean plain = true;
        for (int i = aStart + 1; i < aEnd - 1 && plain; i++) plain = b[i] >= 0x20 && b[i] != '\\';
        for (int i = bStart + 1; i < bEnd - 1 && plain; i++) plain = b[i] >= 0x20 && b[i] != '\\';
        if (plain) {
            // printable ASCII without escapes: byte order is code unit order
            return java.util.Arrays.compare(b, aStart + 1, aEnd - 1, b, bStart + 1, bEnd - 1);
        }
        return decode(aStart, aEnd).compareTo(decode(bStart, bEnd));
    }

    /** The text of a canonical string (already checked), its escapes resolved. */
    private String decode(int start, int end) {
        StringBuilder text = new StringBuilder(end - start);
        int runStart = start + 1;
        int i = start + 1;
        while (i < end - 1) {
            if (b[i] != '\\') {
                i++;
                continue;
            }
            text.append(new String(b, runStart, i - runStart, StandardCharsets.UTF_8));
            char escaped = switch (b[i + 1]) {
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'u' -> (char) Integer.parseInt(new String(b, i + 2, 4, StandardCharsets.US_ASCII), 16);
                default -> (char) b[i + 1];
            };
            text.append(escaped);
            i += b[i + 1] == 'u' ? 6 : 2;
            runStart = i;
        }
        text.append(new String(b, runStart, end - 1 - runStart, StandardCharsets.UTF_8));
        return text.toString();
    }
}
