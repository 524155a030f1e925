package dev.veriproof.anchoring;

import dev.veriproof.core.anchoring.AnchorChain;
import dev.veriproof.core.hash.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.ObjectMapperFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthGetTransactionReceipt;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/** {@link AnchorChain} over JSON-RPC with web3j: EIP-1559 transactions signed locally. */
public final class Web3jAnchorChain implements AnchorChain {
    /** An anchor costs about 25,000 gas whatever the batch size; this leaves room without estimating. */
    static final BigInteger GAS_LIMIT = BigInteger.valueOf(60_000);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Web3j web3j;
    private final long chainId;
    private final String contract;
    private final Credentials credentials;

    public Web3jAnchorChain(String rpcUrl, long chainId, String contract, Credentials credentials) {
        this.web3j = Web3j.build(new HttpService(rpcUrl));
        this.chainId = chainId;
        this.contract = contract;
        this.credentials = credentials;
    }

    /** Deploys Anchor.sol from {@code credentials}' account and returns its address (local runtime and tests). */
    public static String deploy(String rpcUrl, long chainId, Credentials credentials) {
        Web3j web3j = Web3j.build(new HttpService(rpcUrl));
        try {
            BigInteger nonce = call(web3j.ethGetTransactionCount(credentials.getAddress(), DefaultBlockParameterName.PENDING).send())
                    .getTransactionCount();
            Fees fees = fees(web3j);
            RawTransaction tx = RawTransaction.createTransaction(chainId, nonce, BigInteger.valueOf(1_000_000), "", BigInteger.ZERO,
                    "0x" + AnchorContract.bytecode(), fees.priority, fees.max);
            String raw = Numeric.toHexString(TransactionEncoder.signMessage(tx, chainId, credentials));
            String hash = call(web3j.ethSendRawTransaction(raw).send()).getTransactionHash();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                Optional<TransactionReceipt> receipt = call(web3j.ethGetTransactionReceipt(hash).send()).getTransactionReceipt();
                if (receipt.isPresent()) {
                    if (!receipt.get().isStatusOK()) throw new ChainException("Anchor.sol deployment reverted");
                    return receipt.get().getContractAddress();
                }
                sleep(POLL);
            }
            throw new ChainException("Anchor.sol deployment not mined within 60 s");
        } catch (IOException e) {
            throw new ChainException("chain unreachable at " + rpcUrl + ": " + e.getMessage(), e);
        } finally {
            web3j.shutdown();
        }
    }

    @Override
    public long chainId() {
        return chainId;
    }

    @Override
    public String contract() {
        return contract;
    }

    @Override
    public long latestBlock() {
        return rpc(() -> call(web3j.ethBlockNumber().send()).getBlockNumber().longValueExact());
    }

    @Override
    public long minedNonce() {
        return rpc(() -> call(web3j.ethGetTransactionCount(credentials.getAddress(), DefaultBlockParameterName.LATEST).send())
                .getTransactionCount().longValueExact());
    }

    @Override
    public SignedAnchor sign(byte[] root, long treeSize, byte[] batchId) {
        return rpc(() -> {
            BigInteger nonce = call(web3j.ethGetTransactionCount(credentials.getAddress(), DefaultBlockParameterName.PENDING).send())
                    .getTransactionCount();
            return signed(nonce, fees(web3j), root, treeSize, batchId);
        });
    }

    private SignedAnchor signed(BigInteger nonce, Fees fees, byte[] root, long treeSize, byte[] batchId) {
        RawTransaction tx = RawTransaction.createTransaction(chainId, nonce, GAS_LIMIT, contract, BigInteger.ZERO,
                AnchorContract.anchorCall(root, treeSize, batchId), fees.priority, fees.max);
        String raw = Numeric.toHexString(TransactionEncoder.signMessage(tx, chainId, credentials));
        return new SignedAnchor(nonce.longValueExact(), Hash.sha3(raw), raw);
    }

    /**
     * Offline: the anchor call signed with nonce 0 and made-up fees (kept nowhere, never sent), the JSON-RPC requests a run
     * sends serialized, and a made-up receipt with an Anchored event parsed as the node's answer is and its root read.
     */
    @Override
    public void warmUp(byte[] root, long treeSize, byte[] batchId) {
        signed(BigInteger.ZERO, new Fees(BigInteger.ONE, BigInteger.TWO), root, treeSize, batchId);
        try {
            var json = ObjectMapperFactory.getObjectMapper();
            json.writeValueAsString(web3j.ethGetTransactionCount(credentials.getAddress(), DefaultBlockParameterName.PENDING));
            json.writeValueAsString(web3j.ethGetTransactionReceipt("0x" + "00".repeat(32)));
            json.writeValueAsString(web3j.ethSendRawTransaction("0x00"));
            String data = "0x" + Hashes.hex(root) + String.format("%064x", treeSize) + Hashes.hex(batchId);
            EthGetTransactionReceipt answer = json.readValue("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"transactionHash\":\"0x" + "00".repeat(32)
                    + "\",\"blockNumber\":\"0x1\",\"status\":\"0x1\",\"logs\":[{\"address\":\"" + contract + "\",\"topics\":[\""
                    + AnchorContract.ANCHORED_TOPIC + "\"],\"data\":\"" + data + "\"}]}}", EthGetTransactionReceipt.class);
            TransactionReceipt receipt = call(answer).getTransactionReceipt().orElseThrow();
            if (!receipt.isStatusOK() || !anchoredRoot(receipt).equals(Optional.of(Hashes.hex(root)))) {
                throw new IllegalStateException("the made-up receipt did not read back");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void broadcast(String rawTransaction) {
        rpc(() -> {
            var response = web3j.ethSendRawTransaction(rawTransaction).send();
            if (response.hasError()) {
                String message = response.getError().getMessage();
                // the node already holds it: sending again is how a crashed run's transaction is resumed
                if (message != null && message.toLowerCase(java.util.Locale.ROOT).contains("already")) return null;
                throw new ChainException("transaction rejected: " + message);
            }
            return null;
        });
    }

    @Override
    public Optional<Receipt> receipt(String txHash) {
        return rpc(() -> call(web3j.ethGetTransactionReceipt(txHash).send()).getTransactionReceipt().map(this::toReceipt));
    }

    @Override
    public Optional<Receipt> awaitReceipt(String txHash, int confirmations, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            Optional<Receipt> receipt = receipt(txHash);
            if (receipt.isPresent() && latestBlock() >= receipt.get().blockNumber() + confirmations - 1) return receipt;
            sleep(POLL);
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    @Override
    public Optional<Receipt> findAnchored(byte[] batchId, long fromBlock) {
        return rpc(() -> {
            EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(fromBlock)), DefaultBlockParameterName.LATEST, contract);
            filter.addSingleTopic(AnchorContract.ANCHORED_TOPIC);
            for (EthLog.LogResult<?> result : call(web3j.ethGetLogs(filter).send()).getLogs()) {
                Log log = (Log) result.get();
                byte[] data = Numeric.hexStringToByteArray(log.getData());
                if (data.length == 96 && Arrays.equals(Arrays.copyOfRange(data, 64, 96), batchId)) {
                    return receipt(log.getTransactionHash());
                }
            }
            return Optional.<Receipt>empty();
        });
    }

    private Receipt toReceipt(TransactionReceipt receipt) {
        EthBlock.Block block = rpc(() -> call(web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(receipt.getBlockNumber()), false).send()).getBlock());
        return new Receipt(receipt.getTransactionHash(), receipt.isStatusOK(), receipt.getBlockNumber().longValueExact(),
                Instant.ofEpochSecond(block.getTimestamp().longValueExact()), anchoredRoot(receipt));
    }

    /** The root of the receipt's Anchored event from the contract, if it has one. */
    private Optional<String> anchoredRoot(TransactionReceipt receipt) {
        return receipt.getLogs().stream()
                .filter(l -> contract.equalsIgnoreCase(l.getAddress()))
                .filter(l -> !l.getTopics().isEmpty() && AnchorContract.ANCHORED_TOPIC.equalsIgnoreCase(l.getTopics().get(0)))
                .map(l -> Numeric.hexStringToByteArray(l.getData()))
                .filter(d -> d.length == 96)
                .map(d -> Hashes.hex(Arrays.copyOfRange(d, 0, 32)))
                .findFirst();
    }

    private record Fees(BigInteger priority, BigInteger max) {}

    private static Fees fees(Web3j web3j) throws IOException {
        BigInteger priority = call(web3j.ethMaxPriorityFeePerGas().send()).getMaxPriorityFeePerGas();
        BigInteger baseFee = call(web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()).getBlock().getBaseFeePerGas();
        // twice the base fee: the transaction stays valid through several blocks of rising fees
        return new Fees(priority, baseFee.shiftLeft(1).add(priority));
    }

    private static <T extends Response<?>> T call(T response) {
        if (response.hasError()) throw new ChainException("JSON-RPC error: " + response.getError().getMessage());
        return response;
    }

    private interface Rpc<T> {
        T call() throws IOException;
    }

    private static <T> T rpc(Rpc<T> request) {
        try {
            return request.call();
        } catch (IOException | org.web3j.protocol.exceptions.ClientConnectionException e) {
            throw new ChainException("chain unreachable: " + e.getMessage(), e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChainException("interrupted while waiting for the chain", e);
        }
    }

}
