package dev.veriproof.adapters.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WebhookDeliveryTest {

    @Test
    void aNameThatResolvesToAnInternalAddressIsRefusedAtCreationAndAtDelivery() throws Exception {
        WebhookDelivery delivery = new WebhookDelivery(host -> new InetAddress[] {InetAddress.getByName("169.254.169.254")}, false, Duration.ofSeconds(2));
        URI url = URI.create("https://metadata.example/latest");

        assertThrows(WebhookDelivery.RefusedTarget.class, () -> delivery.checkTarget(url));
        assertThrows(WebhookDelivery.RefusedTarget.class, () -> delivery.post(url, Map.of(), new byte[0]));
    }

    @Test
    void aNameThatRebindsToAPrivateAddressAfterCreationIsNotCalled() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        WebhookDelivery delivery = new WebhookDelivery(host -> new InetAddress[] {
                InetAddress.getByName(lookups.getAndIncrement() == 0 ? "93.184.216.34" : "10.0.0.1")}, false, Duration.ofSeconds(2));
        URI url = URI.create("https://rebinding.example/hook");

        delivery.checkTarget(url);
        WebhookDelivery.RefusedTarget refused = assertThrows(WebhookDelivery.RefusedTarget.class, () -> delivery.post(url, Map.of(), new byte[0]));
        assertTrue(refused.getMessage().contains("private"), refused.getMessage());
    }

    @Test
    void everyAddressANameResolvesToMustBeAllowed() throws Exception {
        WebhookDelivery delivery = new WebhookDelivery(host -> new InetAddress[] {
                InetAddress.getByName("93.184.216.34"), InetAddress.getByName("::ffff:192.168.1.1")}, false, Duration.ofSeconds(2));
        assertThrows(WebhookDelivery.RefusedTarget.class, () -> delivery.checkTarget(URI.create("https://mixed.example/")));
    }

    @Test
    void localhostByNameIsRefusedUnlessTheDeploymentAllowsLoopback() throws Exception {
        assertThrows(WebhookDelivery.RefusedTarget.class, () -> new WebhookDelivery(false).checkTarget(URI.create("https://localhost/")));
        new WebhookDelivery(true).checkTarget(URI.create("https://localhost/"));
    }

    @Test
    void deliversToTheCheckedAddressAndAnswersTheStatus() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicReference<String> received = new AtomicReference<>();
        receiver.createContext("/hook", exchange -> {
            received.set(exchange.getRequestHeaders().getFirst("X-Signature-256") + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook?x=1");
            int status = new WebhookDelivery(true).post(url, Map.of("X-Signature-256", "sha256=ab"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
            assertEquals(204, status);
            assertEquals("sha256=ab {\"a\":1}", received.get());
            assertThrows(WebhookDelivery.RefusedTarget.class, () -> new WebhookDelivery(false).post(url, Map.of(), new byte[0]));
        } finally {
            receiver.stop(0);
        }
    }
}
