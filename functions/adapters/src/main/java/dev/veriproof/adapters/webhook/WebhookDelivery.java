package dev.veriproof.adapters.webhook;

import dev.veriproof.core.alerts.WebhookTargets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Webhook targets checked against the addresses their names resolve to, and deliveries sent to
 * exactly the address that was checked: the name is resolved once, every address it resolves to
 * must be allowed ({@link WebhookTargets}), and the connection goes to the checked address, with
 * TLS verifying the certificate against the name. A name that resolves to a public address when
 * the rule is created and to a private one later (DNS rebinding) is refused at delivery.
 */
public final class WebhookDelivery {
    /** Resolves a host name to its addresses; the system resolver in production. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** The target is not allowed; the message says why, for the rule's owner. */
    public static final class RefusedTarget extends Exception {
        RefusedTarget(String message) {
            super(message, null, false, false);
        }
    }

    private final Resolver resolver;
    private final boolean allowLoopback;
    private final Duration timeout;

    public WebhookDelivery(boolean allowLoopback) {
        this(InetAddress::getAllByName, allowLoopback, Duration.ofSeconds(10));
    }

    public WebhookDelivery(Resolver resolver, boolean allowLoopback, Duration timeout) {
        this.resolver = resolver;
        this.allowLoopback = allowLoopback;
        this.timeout = timeout;
    }

    /**
     * Checks where {@code url} leads now. A name that does not resolve is let through (it may be set
     * up later); every delivery checks again.
     */
    public void checkTarget(URI url) throws RefusedTarget {
        try {
            allowedAddress(url.getHost());
        } catch (UnknownHostException e) {
            // not resolvable yet: delivery will check again
        }
    }

    /** POSTs {@code body} to {@code url} and answers the HTTP status code. */
    public int post(URI url, Map<String, String> headers, byte[] body) throws IOException, RefusedTarget {
        String host = url.getHost();
        InetAddress address = allowedAddress(host);
        boolean https = url.getScheme().equalsIgnoreCase("https");
        int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
            String refusal = WebhookTargets.refusal(plain.getInetAddress(), allowLoopback);
            if (refusal != null) throw new RefusedTarget("the connection went to " + refusal);
            plain.setSoTimeout((int) timeout.toMillis());
            Socket socket = https ? tls(plain, bare(host), port) : plain;
            try (OutputStream out = socket.getOutputStream(); InputStream in = socket.getInputStream()) {
                out.write(requestHead(url, host, port, https, headers, body.length));
                out.write(body);
                out.flush();
                return statusCode(in);
            }
        } finally {
            plain.close();
        }
    }

    private InetAddress allowedAddress(String host) throws UnknownHostException, RefusedTarget {
        if (host == null) throw new RefusedTarget("the URL has no host");
        InetAddress[] addresses = resolver.resolve(bare(host));
        if (addresses.length == 0) throw new UnknownHostException(host);
        for (InetAddress address : addresses) {
            String refusal = WebhookTargets.refusal(address, allowLoopback);
            if (refusal != null) {
                throw new RefusedTarget(host + " resolves to " + refusal + " (" + address.getHostAddress() + ")");
            }
        }
        return addresses[0];
    }

    private static SSLSocket tls(Socket plain, String host, int port) throws IOException {
        SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, host, port, false);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isLiteral(host)) parameters.setServerNames(List.of(new SNIHostName(host)));
        ssl.setSSLParameters(parameters);
        ssl.startHandshake();
        return ssl;
    }

    private static byte[] requestHead(URI url, String host, int port, boolean https, Map<String, String> headers, int length) {
        String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        boolean defaultPort = port == (https ? 443 : 80);
        StringBuilder head = new StringBuilder("POST ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(defaultPort ? "" : ":" + port).append("\r\n")
                .append("Content-Length: ").append(length).append("\r\n")
                .append("Connection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int statusCode(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n' && line.size() < 1024; b = in.read()) line.write(b);
        String[] parts = line.toString(StandardCharsets.ISO_8859_1).trim().split(" ");
        if (parts.length < 2 || !parts[0].toUpperCase(Locale.ROOT).startsWith("HTTP/")) {
            throw new IOException("the webhook answered no HTTP status line");
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("the webhook answered an invalid HTTP status line");
        }
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean isLiteral(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }
}
