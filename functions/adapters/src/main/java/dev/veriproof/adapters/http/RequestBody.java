package dev.veriproof.adapters.http;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The body of an API request, as the gateway hands it over (payload format 2.0): a string, or base64
 * with {@code isBase64Encoded: true}. Both are read strictly so that what is stored and hashed is
 * exactly what was sent:
 * <ul>
 *   <li>at most a per-endpoint number of bytes (413 {@code payload_too_large}), counted on the bytes
 *       as sent, checked before any decoding work;</li>
 *   <li>base64 that does not decode is 400 {@code invalid_encoding};</li>
 *   <li>text must be UTF-8 (RFC 8259 §8.1): malformed sequences, UTF-16/UTF-32 (by their byte order
 *       marks or NUL bytes), a UTF-8 byte order mark and, in a string body, unpaired surrogates are
 *       400 {@code invalid_encoding} — never replaced by U+FFFD.</li>
 * </ul>
 */
public final class RequestBody {
    /** Every JSON endpoint unless it says otherwise: far above any administrative body. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;

    private RequestBody() {
    }

    /** The bytes as the client sent them; empty when there is no body. */
    static byte[] bytes(String body, boolean base64, int maxBytes) {
        if (body == null || body.isEmpty()) {
            return new byte[0];
        }
        if (!base64) {
            checkSize(utf8Length(body), maxBytes);
            return body.getBytes(StandardCharsets.UTF_8);
        }
        // Base64 has 4 characters for every 3 bytes: refuse a body that cannot fit before decoding it.
        long atLeast = (long) body.length() / 4 * 3 - 2;
        checkSize(atLeast, maxBytes);
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_encoding",
                    "The body is marked as base64 (isBase64Encoded) but is not valid base64; send standard base64 (RFC 4648 §4).", null);
        }
        checkSize(bytes.length, maxBytes);
        return bytes;
    }

    /** The body as text, which must be UTF-8; empty when there is no body. */
    static String text(String body, boolean base64, int maxBytes) {
        if (body == null || body.isEmpty()) {
            return "";
        } else if (base64) {
            return utf8(bytes(body, true, maxBytes));
        }
        checkSize(utf8Length(body), maxBytes);
        return checkedText(body);
    }

    /**
     * Bytes that must be UTF-8 text by the rules above, e.g. a body after its {@code Content-Encoding}
     * was undone; 400 {@code invalid_encoding} otherwise.
     */
    public static String utf8(byte[] bytes) {
        return bytes.length == 0 ? "" : checkedText(strictUtf8(bytes));
    }

    private static String checkedText(String text) {
        if (text.charAt(0) == '\uFEFF') {
            throw ApiException.badRequest("invalid_encoding",
                    "The body starts with a byte order mark (U+FEFF); send UTF-8 without a byte order mark (RFC 8259 §8.1).", null);
        }
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw ApiException.badRequest("invalid_encoding", "The body holds a NUL character at character " + nul
                    + ", as UTF-16 and UTF-32 text does; send the body encoded as UTF-8 (RFC 8259 §8.1).", null);
        }
        return text;
    }

    private static String strictUtf8(byte[] bytes) {
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF) || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
            throw ApiException.badRequest("invalid_encoding",
                    "The body starts with a UTF-16 or UTF-32 byte order mark; send the body encoded as UTF-8 (RFC 8259 §8.1).", null);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            throw ApiException.badRequest("invalid_encoding", String.format(Locale.ROOT,
                    "The body is not valid UTF-8: the byte at offset %d (0x%02X) is not part of a valid UTF-8 sequence;"
                            + " send the text encoded as UTF-8 (RFC 8259 §8.1), with no other encoding mixed in.",
                    at, bytes[at] & 0xFF), null);
        }
        return out.flip().toString();
    }

    /** The size of the text's UTF-8 form, counted without encoding it; 400 {@code invalid_encoding} at an unpaired surrogate, which has none. */
    private static long utf8Length(String body) {
        long bytes = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (!Character.isSurrogate(c)) {
                bytes += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < body.length() && Character.isLowSurrogate(body.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                throw ApiException.badRequest("invalid_encoding", "The body holds an unpaired UTF-16 surrogate at character "
                        + i + ", which has no UTF-8 form; send valid Unicode text encoded as UTF-8.", null);
            }
        }
        return bytes;
    }

    private static void checkSize(long bytes, int maxBytes) {
        if (bytes > maxBytes) {
            throw new ApiException(413, "payload_too_large", "The body is " + (bytes > maxBytes * 2L ? "more than " + maxBytes * 2L : bytes)
                    + " bytes; this endpoint takes at most " + maxBytes + " bytes (" + kib(maxBytes) + "). Send a smaller body.");
        }
    }

    private static String kib(int bytes) {
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes / 1024 + " KiB";
    }

    /** A header value from the request, cut so that an error message stays short. */
    static String shorten(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "...";
    }
}
