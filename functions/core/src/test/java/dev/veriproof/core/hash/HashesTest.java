package dev.veriproof.core.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HashesTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] referenceSha256(byte[]... parts) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    @Test
    void sha256MatchesFips180Vectors() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hashes.hex(Hashes.sha256(new byte[0])));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hashes.hex(Hashes.sha256(utf8("abc"))));
    }

    @Test
    void leafHashPrefixesZeroByte() throws Exception {
        // RFC 6962 test vector: the leaf hash of the empty entry
        assertEquals("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", Hashes.hex(Hashes.leafHash(new byte[0])));
        assertArrayEquals(referenceSha256(new byte[] {0}, utf8("{\"a\":1}")), Hashes.leafHash(utf8("{\"a\":1}")));
    }

    @Test
    void nodeHashPrefixesOneByte() throws Exception {
        byte[] left = Hashes.sha256(utf8("left"));
        byte[] right = Hashes.sha256(utf8("right"));

        assertArrayEquals(referenceSha256(new byte[] {1}, left, right), Hashes.nodeHash(left, right));
        assertFalse(MessageDigest.isEqual(Hashes.nodeHash(left, right), Hashes.nodeHash(right, left)));
    }

    @Test
    void nodeHashIntoWritesTheSameHashInPlace() {
        byte[] left = Hashes.sha256(utf8("l"));
        byte[] right = Hashes.sha256(utf8("r"));
        byte[] children = new byte[96];
        System.arraycopy(left, 0, children, 32, 32);
        System.arraycopy(right, 0, children, 64, 32);
        byte[] out = new byte[40];

        Hashes.nodeHashInto(children, 32, out, 8);

        assertArrayEquals(Hashes.nodeHash(left, right), java.util.Arrays.copyOfRange(out, 8, 40));
        assertArrayEquals(new byte[8], java.util.Arrays.copyOf(out, 8));
    }

    @Test
    void hashesAgreeAcrossThreads() throws Exception {
        List<byte[]> inputs = IntStream.range(0, 2000).mapToObj(i -> utf8("entry-" + i)).toList();
        List<byte[]> parallel = inputs.parallelStream().map(Hashes::leafHash).toList();
        for (int i = 0; i < inputs.size(); i++) {
            assertArrayEquals(referenceSha256(new byte[] {0}, inputs.get(i)), parallel.get(i));
        }
    }

    @Test
    void hexRoundTripsAndAcceptsEitherCaseAndPrefix() {
        byte[] bytes = {0, 1, 0x7f, (byte) 0x80, (byte) 0xab, (byte) 0xff};

        assertEquals("00017f80abff", Hashes.hex(bytes));
        assertArrayEquals(bytes, Hashes.fromHex("00017f80abff"));
        assertArrayEquals(bytes, Hashes.fromHex("00017F80ABFF"));
        assertArrayEquals(bytes, Hashes.fromHex("0x00017f80abff"));
        assertArrayEquals(bytes, Hashes.fromHex("0X00017f80abff"));
        assertArrayEquals(new byte[0], Hashes.fromHex(""));
        assertArrayEquals(new byte[0], Hashes.fromHex("0x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0x1", "zz", "0g", "12 4", "٣٣", "ａｂ", "-1"})
    void fromHexRejectsOddLengthAndNonHex(String text) {
        assertThrows(IllegalArgumentException.class, () -> Hashes.fromHex(text));
    }

    @Test
    void recognisesSha256Hex() {
        String hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

        assertTrue(Hashes.isSha256Hex(hash));
        assertTrue(Hashes.isSha256Hex(hash.toUpperCase()));
        assertFalse(Hashes.isSha256Hex(null));
        assertFalse(Hashes.isSha256Hex(hash.substring(1)));
        assertFalse(Hashes.isSha256Hex(hash + "0"));
        assertFalse(Hashes.isSha256Hex("0x" + hash.substring(2)));
        assertFalse(Hashes.isSha256Hex(hash.substring(1) + "g"));
    }
}
