package dev.veriproof.verifier;

import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/** The signing key of the verifier's test packages: signs manifests the way the anchoring signer does (EIP-191). */
final class TestKey {
    static final Credentials KEY = Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

    private TestKey() {}

    /** manifest.sig's content: the 65-byte r ‖ s ‖ v signature as 0x-prefixed hex. */
    static byte[] sign(byte[] message) {
        Sign.SignatureData s = Sign.signPrefixedMessage(message, KEY.getEcKeyPair());
        byte[] sig = new byte[65];
        System.arraycopy(s.getR(), 0, sig, 0, 32);
        System.arraycopy(s.getS(), 0, sig, 32, 32);
        sig[64] = s.getV()[0];
        return Numeric.toHexString(sig).getBytes(StandardCharsets.US_ASCII);
    }
}
