package dev.veriproof.anchoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * The Anchor.sol interface (infrastructure/contracts), by hand: one function and one event do not
 * justify a generated wrapper. The creation bytecode is the one solc produced during the build.
 */
public final class AnchorContract {
    public static final Event ANCHORED = new Event("Anchored", List.of(
            new TypeReference<Bytes32>() {}, new TypeReference<Uint256>() {}, new TypeReference<Bytes32>() {}));
    public static final String ANCHORED_TOPIC = EventEncoder.encode(ANCHORED);

    private AnchorContract() {}

    /** Calldata of {@code anchor(root, treeSize, batchId)}. */
    public static String anchorCall(byte[] root, long treeSize, byte[] batchId) {
        return FunctionEncoder.encode(new Function("anchor",
                List.of(new Bytes32(root), new Uint256(BigInteger.valueOf(treeSize)), new Bytes32(batchId)), List.of()));
    }

    /** The compiled creation bytecode, hex without prefix. */
    public static String bytecode() {
        try (InputStream in = AnchorContract.class.getResourceAsStream("/dev/veriproof/contracts/Anchor.bin")) {
            if (in == null) throw new IllegalStateException("Anchor.bin is missing: build infrastructure/contracts");
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
