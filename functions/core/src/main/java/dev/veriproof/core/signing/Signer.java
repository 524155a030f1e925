package dev.veriproof.core.signing;

/**
 * The deployment's signing key (SPEC §6.4): the account that anchors Merkle roots on chain also signs
 * deployment context records and export manifests, so an auditor checks every signature against the
 * address that published the anchors.
 */
public interface Signer {
    /** The signer's Ethereum address, 0x-prefixed, EIP-55 checksummed. */
    String address();

    /**
     * An EIP-191 "personal_sign" signature of {@code message}:
     * {@code sign(keccak256("\x19Ethereum Signed Message:\n" + len(message) + message))}, as 0x-hex of
     * r ‖ s ‖ v (65 bytes, v = 27 or 28).
     */
    String signPersonalMessage(byte[] message);
}
