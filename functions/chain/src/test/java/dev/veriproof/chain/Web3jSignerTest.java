package dev.veriproof.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

class Web3jSignerTest {
    // The first well-known development account of anvil/hardhat: public test key, never a secret.
    private static final String DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    private static final String DEV_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    private final Web3jSigner signer = Web3jSigner.fromPrivateKey(DEV_KEY);

    @Test
    void theAddressIsTheChecksummedAccountOfTheKey() {
        assertEquals(DEV_ADDRESS, signer.address());
    }

    @Test
    void signaturesMatchTheKnownEip191VectorForTheDevelopmentAccount() {
        // personal_sign("hello") by the dev account, as eth_sign of any EIP-191 wallet gives it
        assertEquals("0xf16ea9a3478698f695fd1401bfe27e9e4a7e8e3da94aa72b021125e31fa899cc573c48ea3fe1d4ab61a9db10c19032026e3ed2dbccba5a178235ac27f94504311c",
                signer.signPersonalMessage("hello".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aSignatureVerifiesForItsMessageAndSignerOnly() {
        byte[] message = "{\"manifest\":1}".getBytes(StandardCharsets.UTF_8);
        String signature = signer.signPersonalMessage(message);
        assertTrue(Web3jSigner.verifyPersonalMessage(message, signature, DEV_ADDRESS));
        assertFalse(Web3jSigner.verifyPersonalMessage("{\"manifest\":2}".getBytes(StandardCharsets.UTF_8), signature, DEV_ADDRESS));
        assertFalse(Web3jSigner.verifyPersonalMessage(message, signature, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"));
        assertFalse(Web3jSigner.verifyPersonalMessage(message, "0x1234", DEV_ADDRESS));
    }

    @Test
    void everySignatureIsByteForByteWebThreeJsOwnWithTheSameRecoveryId() {
        // the recovery id comes from the nonce point, not from web3j's trial recoveries: both parities, several keys
        Random random = new Random(7);
        int[] parities = new int[2];
        for (int key = 0; key < 4; key++) {
            byte[] privateKey = new byte[32];
            random.nextBytes(privateKey);
            privateKey[0] &= 0x7f;
            privateKey[0] |= 0x01;
            String hexKey = Numeric.toHexString(privateKey);
            Web3jSigner ours = Web3jSigner.fromPrivateKey(hexKey);
            ECKeyPair keyPair = Credentials.create(hexKey).getEcKeyPair();
            for (int i = 0; i < 100; i++) {
                byte[] message = new byte[1 + random.nextInt(200)];
                random.nextBytes(message);
                Sign.SignatureData expected = Sign.signPrefixedMessage(message, keyPair);
                String signature = ours.signPersonalMessage(message);
                assertEquals(Numeric.toHexString(expected.getR()) + Numeric.toHexStringNoPrefix(expected.getS())
                        + Numeric.toHexStringNoPrefix(expected.getV()), signature);
                parities[expected.getV()[0] - 27]++;
                assertTrue(Web3jSigner.verifyPersonalMessage(message, signature, ours.address()));
            }
        }
        assertTrue(parities[0] > 100 && parities[1] > 100, "both recovery ids were exercised");
    }
}
