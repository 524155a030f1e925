package dev.veriproof.devstack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.anchoring.AnchoringHandler;
import dev.veriproof.anchoring.Web3jAnchorChain;
import dev.veriproof.chain.Web3jSigner;
import dev.veriproof.core.json.Json;
import dev.veriproof.local.LocalChain;
import dev.veriproof.local.LocalLambdaContext;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The chain side of the local runtime: an anvil node on loopback with Anchor.sol deployed by the
 * node's first development account (whose key is public: local use only), the anchoring function
 * configured against it, its schedule fired by a local clock every
 * {@code DEVSTACK_ANCHOR_INTERVAL_SECONDS} (default 60) and by {@code POST /_devstack/fire/anchor},
 * which answers with the run's summary once it has finished. The chain is kept in the state
 * directory: a devstack started again on it finds the same blocks, transactions and contract; if
 * the node dies, a watchdog starts it again on its state.
 */
final class LocalChainService implements AutoCloseable {
    static final String FIRE_PATH = "/_devstack/fire/anchor";

    private final LocalChain node;
    private final String contract;
    private final String signerAddress;
    private final AnchoringHandler handler;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "devstack-anchor-clock");
        thread.setDaemon(true);
        return thread;
    });

    private LocalChainService(LocalChain node, String contract) {
        this.node = node;
        this.contract = contract;
        System.setProperty("CHAIN_RPC_URL", node.rpcUrl());
        System.setProperty("CHAIN_ID", Long.toString(LocalChain.CHAIN_ID));
        System.setProperty("ANCHOR_CONTRACT", contract);
        System.setProperty("SIGNER_PRIVATE_KEY", LocalChain.DEV_PRIVATE_KEY);
        System.setProperty("ANCHOR_CONFIRMATIONS", "1");
        System.setProperty("ANCHOR_RECEIPT_WAIT_SECONDS", "30");
        System.setProperty("ANCHOR_RETRY_BASE_SECONDS", "5");
        this.signerAddress = Web3jSigner.fromConfig().address();
        this.handler = new AnchoringHandler();
    }

    /**
     * Starts the node on {@code stateFile}, deploys the contract unless {@code previousContract} (from the
     * state directory's devstack.json) is still on the chain, and registers the fire endpoint, the local
     * clock and the node's watchdog.
     */
    static LocalChainService start(LocalHttpApi api, Path stateFile, Optional<String> previousContract,
                                   Consumer<ProcessHandle> children) {
        LocalChain node = LocalChain.start(stateFile, children);
        try {
            String contract = previousContract.filter(address -> hasCode(node.rpcUrl(), address)).orElseGet(() -> Web3jAnchorChain.deploy(
                    node.rpcUrl(), LocalChain.CHAIN_ID, Web3jSigner.fromPrivateKey(LocalChain.DEV_PRIVATE_KEY).credentials()));
            LocalChainService service = new LocalChainService(node, contract);
            service.clock.scheduleWithFixedDelay(() -> {
                if (node.isRunning()) return;
                try {
                    System.err.println("devstack: the chain process ended; starting it again on its state");
                    node.restart();
                } catch (RuntimeException e) {
                    System.err.println("devstack: the chain did not start again: " + e);
                }
            }, 1, 1, TimeUnit.SECONDS);
            api.addControl(FIRE_PATH, query -> service.fire());
            long interval = Long.parseLong(System.getProperty("DEVSTACK_ANCHOR_INTERVAL_SECONDS", "60"));
            service.clock.scheduleWithFixedDelay(() -> {
                try {
                    service.fire();
                } catch (RuntimeException e) {
                    System.err.println("devstack: scheduled anchoring run failed: " + e);
                }
            }, interval, interval, TimeUnit.SECONDS);
            return service;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private volatile Runnable beforeRun = () -> { };

    /**
     * What each run waits for first: the sessions stream delivered, so that every session stored so far is listed in a
     * pending chunk (on AWS the backlog consumer follows the stream within seconds; the schedule is a minute).
     */
    void beforeEachRun(Runnable action) {
        this.beforeRun = action;
    }

    /** One anchoring run, as the schedule would start it; the answer is the run's summary. */
    synchronized String fire() {
        beforeRun.run();
        Map<String, Object> summary = handler.handleRequest(Map.of("source", "aws.events", "detail-type", "Scheduled Event"), new LocalLambdaContext("AnchoringFunction"));
        return Json.writeString(summary);
    }

    String rpcUrl() {
        return node.rpcUrl();
    }

    LocalChain node() {
        return node;
    }

    private static boolean hasCode(String rpcUrl, String address) {
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(rpcUrl))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getCode\",\"params\":[\"" + address + "\",\"latest\"]}"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            String code = Json.parse(response.body()).path("result").asText("0x");
            return code.length() > 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The devstack.json fields of SPEC §12. */
    void describe(ObjectNode state) {
        state.put("rpcUrl", node.rpcUrl());
        state.put("chainId", LocalChain.CHAIN_ID);
        state.put("anchorContract", contract);
        state.put("signerAddress", signerAddress);
    }

    @Override
    public void close() {
        clock.shutdownNow();
        node.close();
    }
}
