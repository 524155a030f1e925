package dev.veriproof.core.anchoring;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The chain as the anchoring run needs it. Every method throws {@link ChainException} when the node fails. */
public interface AnchorChain {

    long chainId();

    /** The anchor contract's address. */
    String contract();

    long latestBlock();

    /** Transactions of the anchoring account that are mined (the next nonce a new transaction would get once all are mined). */
    long minedNonce();

    /** Signs, without sending, the call {@code anchor(root, treeSize, batchId)} with the account's next (pending) nonce. */
    SignedAnchor sign(byte[] root, long treeSize, byte[] batchId);

    /** Sends a signed transaction; sending one the node already holds is not an error. */
    void broadcast(String rawTransaction);

    /** The receipt once mined, without waiting. */
    Optional<Receipt> receipt(String txHash);

    /**
     * Waits up to {@code timeout} for the transaction to be mined and buried under
     * {@code confirmations - 1} further blocks; empty if that did not happen in time.
     */
    Optional<Receipt> awaitReceipt(String txHash, int confirmations, Duration timeout);

    /** The transaction, from {@code fromBlock} on, whose Anchored event carries {@code batchId}. */
    Optional<Receipt> findAnchored(byte[] batchId, long fromBlock);

    /**
     * For SnapStart priming: the chain's own code without the node, nothing sent and nothing unique kept: the call
     * {@code anchor(root, treeSize, batchId)} encoded and signed with a made-up nonce and fees, a made-up receipt with
     * an Anchored event read. Nothing by default.
     */
    default void warmUp(byte[] root, long treeSize, byte[] batchId) {
    }

    record SignedAnchor(long nonce, String txHash, String rawTransaction) {}

    /** A mined transaction; {@code anchoredRoot} is the root of its Anchored event, if it has one. */
    record Receipt(String txHash, boolean succeeded, long blockNumber, Instant blockTime, Optional<String> anchoredRoot) {}

    /** The node is unreachable or refused a request. */
    final class ChainException extends RuntimeException {
        public ChainException(String message, Throwable cause) {
            super(message, cause);
        }

        public ChainException(String message) {
            super(message);
        }
    }
}
