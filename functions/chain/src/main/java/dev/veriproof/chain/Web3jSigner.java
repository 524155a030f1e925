package dev.veriproof.chain;

import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.core.signing.Signer;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The deployment's secp256k1 signer: EIP-191 personal messages, signed exactly as web3j's
 * {@link Sign#signPrefixedMessage} signs them (RFC 6979 nonce, low s), but with the recovery id taken from the
 * nonce point instead of web3j's trial key recoveries, which cost three times the signature itself on every
 * ingest request.
 */
public final class Web3jSigner implements Signer {
    private static final ECDomainParameters CURVE = new ECDomainParameters(Sign.CURVE_PARAMS.getCurve(), Sign.CURVE_PARAMS.getG(),
            Sign.CURVE_PARAMS.getN(), Sign.CURVE_PARAMS.getH());
    private static final BigInteger HALF_ORDER = CURVE.getN().shiftRight(1);
    private static final FixedPointCombMultiplier BASE_POINT = new FixedPointCombMultiplier();

    private final Credentials credentials;
    private final BigInteger privateKey;
    private final String address;

    private Web3jSigner(Credentials credentials) {
        this.credentials = credentials;
        this.privateKey = credentials.getEcKeyPair().getPrivateKey();
        this.address = Keys.toChecksumAddress(credentials.getAddress());
    }

    public static Web3jSigner fromPrivateKey(String hexPrivateKey) {
        return new Web3jSigner(Credentials.create(hexPrivateKey));
    }

    /**
     * The key from configuration: {@code SIGNER_SECRET_ARN} names a Secrets Manager secret whose
     * string is the hex private key (on AWS; a template parameter), or {@code SIGNER_PRIVATE_KEY}
     * holds the key itself (local runtime and tests only: the devstack uses its node's well-known
     * development key).
     */
    public static Web3jSigner fromConfig() {
        return Config.optional("SIGNER_SECRET_ARN")
                .map(Web3jSigner::readSecret)
                .or(() -> Config.optional("SIGNER_PRIVATE_KEY"))
                .map(Web3jSigner::fromPrivateKey)
                .orElseThrow(() -> new IllegalStateException("no signing key: set SIGNER_SECRET_ARN (Secrets Manager) or SIGNER_PRIVATE_KEY"));
    }

    private static String readSecret(String secretId) {
        try (SecretsManagerClient secrets = AwsClients.create(SecretsManagerClient.builder())) {
            return secrets.getSecretValue(r -> r.secretId(secretId)).secretString().trim();
        }
    }

    public Credentials credentials() {
        return credentials;
    }

    @Override
    public String address() {
        return address;
    }

    /** 0x r ‖ s ‖ v (v = 27 + recovery id) of the EIP-191 hash of {@code message}. */
    @Override
    public String signPersonalMessage(byte[] message) {
        byte[] hash = Sign.getEthereumMessageHash(message);
        return Numeric.toHexString(sign(hash));
    }

    /** ECDSA over secp256k1 with the RFC 6979 nonce (HMAC-SHA256), as BouncyCastle's {@code ECDSASigner} that web3j uses. */
    private byte[] sign(byte[] hash) {
        BigInteger n = CURVE.getN();
        BigInteger e = new BigInteger(1, hash);
        HMacDSAKCalculator nonces = new HMacDSAKCalculator(new SHA256Digest());
        nonces.init(n, privateKey, hash);
        while (true) {
            BigInteger k = nonces.nextK();
            ECPoint point = BASE_POINT.multiply(CURVE.getG(), k).normalize();
            BigInteger x = point.getAffineXCoord().toBigInteger();
            BigInteger r = x.mod(n);
            if (r.signum() == 0) continue;
            BigInteger s = BigIntegers.modOddInverse(n, k).multiply(e.add(privateKey.multiply(r))).mod(n);
            if (s.signum() == 0) continue;
            // The recovery id names the nonce point: bit 0 its y parity, bit 1 an x that overflowed the order.
            int recoveryId = (point.getAffineYCoord().testBitZero() ? 1 : 0) | (x.compareTo(n) >= 0 ? 2 : 0);
            if (s.compareTo(HALF_ORDER) > 0) { // low s (EIP-2), which signs with the negated point: the other y parity
                s = n.subtract(s);
                recoveryId ^= 1;
            }
            byte[] out = new byte[65];
            System.arraycopy(Numeric.toBytesPadded(r, 32), 0, out, 0, 32);
            System.arraycopy(Numeric.toBytesPadded(s, 32), 0, out, 32, 32);
            out[64] = (byte) (27 + recoveryId);
            return out;
        }
    }

    /** True when {@code signature} is an EIP-191 signature of {@code message} by {@code address}. */
    public static boolean verifyPersonalMessage(byte[] message, String signature, String address) {
        byte[] bytes;
        try {
            bytes = Numeric.hexStringToByteArray(signature);
        } catch (RuntimeException e) {
            return false;
        }
        if (bytes.length != 65) return false;
        byte v = bytes[64];
        if (v < 27) v += 27;
        Sign.SignatureData data = new Sign.SignatureData(v, Arrays.copyOfRange(bytes, 0, 32), Arrays.copyOfRange(bytes, 32, 64));
        try {
            BigInteger publicKey = Sign.signedPrefixedMessageToKey(message, data);
            return ("0x" + Keys.getAddress(publicKey)).equalsIgnoreCase(address);
        } catch (SignatureException | RuntimeException e) {
            return false;
        }
    }

}
