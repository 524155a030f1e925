package dev.veriproof.core.hash;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 and the RFC 9162 leaf/node hashes, plus hex conversion. */
public final class Hashes {

    public static final int SHA256_BYTES = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Hashes::newSha256);

    private Hashes() {
    }

    public static byte[] sha256(byte[] bytes) {
        return SHA256.get().digest(bytes);
    }

    /** RFC 9162 leaf hash: SHA-256(0x00 ‖ bytes). */
    public static byte[] leafHash(byte[] canonicalBytes) {
        MessageDigest digest = SHA256.get();
        digest.update(LEAF_PREFIX);
        return digest.digest(canonicalBytes);
    }

    /** RFC 9162 interior node hash: SHA-256(0x01 ‖ left ‖ right). */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest digest = SHA256.get();
        digest.update(NODE_PREFIX);
        digest.update(left);
        return digest.digest(right);
    }

    /**
     * Writes the node hash of the two adjacent 32-byte hashes at {@code children[childrenOffset..+64)}
     * into {@code out[outOffset..+32)}, without allocating: the Merkle tree builder's inner loop.
     */
    public static void nodeHashInto(byte[] children, int childrenOffset, byte[] out, int outOffset) {
        MessageDigest digest = SHA256.get();
        digest.update(NODE_PREFIX);
        digest.update(children, childrenOffset, 2 * SHA256_BYTES);
        try {
            digest.digest(out, outOffset, SHA256_BYTES);
        } catch (DigestException e) {
            throw new IllegalArgumentException("No room for a hash at offset " + outOffset, e);
        }
    }

    /** Lowercase hex. */
    public static String hex(byte[] bytes) {
        char[] chars = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            chars[2 * i] = HEX_DIGITS[(bytes[i] >> 4) & 0xf];
            chars[2 * i + 1] = HEX_DIGITS[bytes[i] & 0xf];
        }
        return new String(chars);
    }

    /** Decodes hex of either case, with or without a {@code 0x} prefix. */
    public static byte[] fromHex(String hex) {
        String digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
        if (digits.length() % 2 != 0) {
            throw new IllegalArgumentException("Hex string has an odd number of digits: " + digits.length());
        }
        byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (digitAt(digits, 2 * i) << 4 | digitAt(digits, 2 * i + 1));
        }
        return bytes;
    }

    /** 64 hex digits (either case, no prefix): the text form of a SHA-256 hash. */
    public static boolean isSha256Hex(String text) {
        if (text == null || text.length() != 2 * SHA256_BYTES) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (hexValue(text.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int digitAt(String digits, int index) {
        char c = digits.charAt(index);
        int value = hexValue(c);
        if (value < 0) {
            throw new IllegalArgumentException("Not a hex digit at position " + index + ": '" + c + "'");
        }
        return value;
    }

    // ASCII only: Character.digit would also accept other scripts' digits.
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime provides SHA-256", e);
        }
    }
}
