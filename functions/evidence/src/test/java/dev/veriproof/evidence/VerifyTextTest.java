package dev.veriproof.evidence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veriproof.chain.Web3jSigner;
import dev.veriproof.core.hash.Hashes;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECDSASignature;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/** VERIFY.md is what an auditor writes an independent verifier from: its recipes must give what VeriProof produces. */
class VerifyTextTest {
    // anvil's first development account: a public test key, never a secret
    private static final Web3jSigner SIGNER = Web3jSigner.fromPrivateKey("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

    private final String text = PackageWriter.verifyText(SIGNER.address());

    private static byte[] keccak256(byte[]... parts) {
        KeccakDigest digest = new KeccakDigest(256);
        for (byte[] part : parts) digest.update(part, 0, part.length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    @Test
    void everyPlaceholderIsFilledAndTheSignerNamed() {
        assertFalse(text.contains("{{"), text);
        assertTrue(text.contains("Signer address: " + SIGNER.address()));
    }

    @Test
    void theStatedEventTopicIsTheKeccakOfTheEventSignatureAndNotItsSha3() throws Exception {
        Matcher topic = Pattern.compile("`0x([0-9a-f]{64})`").matcher(text);
        assertTrue(topic.find(), "VERIFY.md states the Anchored topic");
        byte[] signature = "Anchored(bytes32,uint256,bytes32)".getBytes(StandardCharsets.US_ASCII);
        assertEquals(Hashes.hex(keccak256(signature)), topic.group(1));
        assertNotEquals(Hashes.hex(MessageDigest.getInstance("SHA3-256").digest(signature)), topic.group(1),
                "the text warns that NIST SHA3-256 is not Keccak-256; the two must differ for the warning to matter");
    }

    @Test
    void theEip191RecipeAsWrittenRecoversTheSignerOfARealManifestSignature() {
        byte[] manifest = "{\"packageId\":\"p\",\"sessions\":1,\"text\":\"caf\u00e9 \u2028\"}".getBytes(StandardCharsets.UTF_8);
        byte[] sig = Hashes.fromHex(SIGNER.signPersonalMessage(manifest).substring(2));
        assertEquals(65, sig.length, "r ‖ s ‖ v");
        int v = sig[64] & 0xff;
        assertTrue(v == 27 || v == 28, "v is 27 or 28, got " + v);

        // step 3 of section 3, byte by byte
        byte[] digest = keccak256(new byte[] {0x19}, "Ethereum Signed Message:\n".getBytes(StandardCharsets.US_ASCII),
                Integer.toString(manifest.length).getBytes(StandardCharsets.US_ASCII), manifest);
        // step 4: recovery id v − 27; address = last 20 bytes of Keccak-256(X ‖ Y)
        BigInteger key = Sign.recoverFromSignature(v - 27, new ECDSASignature(new BigInteger(1, Arrays.copyOfRange(sig, 0, 32)),
                new BigInteger(1, Arrays.copyOfRange(sig, 32, 64))), digest);
        byte[] xy = Numeric.toBytesPadded(key, 64);
        byte[] address = Arrays.copyOfRange(keccak256(xy), 12, 32);
        assertArrayEquals(Hashes.fromHex(SIGNER.address().substring(2).toLowerCase()), address);
        assertEquals(SIGNER.address(), Keys.toChecksumAddress("0x" + Hashes.hex(address)));
    }
}
