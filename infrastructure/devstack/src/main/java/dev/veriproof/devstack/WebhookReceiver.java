package dev.veriproof.devstack;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An alert webhook receiver on loopback, for the demo and the end-to-end tests: it records every
 * delivery (raw body and headers) and answers 500 to the first {@code failures} of them, 204 after.
 */
public final class WebhookReceiver implements AutoCloseable {

    public record Delivery(byte[] body, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Delivery> deliveries = new ArrayList<>();
    private int failuresLeft;

    public WebhookReceiver(int failures) throws IOException {
        this.failuresLeft = failures;
        this.server = LoopbackServer.create(0, 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                int status;
                synchronized (this) {
                    deliveries.add(new Delivery(body, Map.copyOf(exchange.getRequestHeaders())));
                    status = failuresLeft-- > 0 ? 500 : 204;
                    notifyAll();
                }
                exchange.sendResponseHeaders(status, -1);
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/veriproof";
    }

    /** Waits until at least {@code count} deliveries arrived (or the timeout passed); returns them all. */
    public synchronized List<Delivery> await(int count, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        try {
            while (deliveries.size() < count && System.currentTimeMillis() < deadline) {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(deliveries);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
