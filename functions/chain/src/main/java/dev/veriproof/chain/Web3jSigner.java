package dev.veriproof.chain;

import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.core.signing.Signer;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Arrays;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The deployment's secp256k1 signer, with web3j's EIP-191 implementation. */
public final class Web3jSigner implements Signer {
    private final Credentials credentials;

    private Web3jSigner(Credentials credentials) {
        this.credentials = credentials;
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
        return Keys.toChecksumAddress(credentials.getAddress());
    }

    @Override
    public String signPersonalMessage(byte[] message) {
        Sign.SignatureData signature = Sign.signPrefixedMessage(message, credentials.getEcKeyPair());
        byte[] out = new byte[65];
        System.arraycopy(signature.getR(), 0, out, 0, 32);
        System.arraycopy(signature.getS(), 0, out, 32, 32);
        out[64] = signature.getV()[0];
        return Numeric.toHexString(out);
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
