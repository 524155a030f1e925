package dev.veriproof.devstack;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Every HTTP server of the devstack: on loopback, with Nagle's algorithm off. */
final class LoopbackServer {
    static {
        // The JDK server leaves TCP_NODELAY off by default: a small response then waits for the
        // client's delayed ACK (~40 ms) on a kept-alive connection. Read once, when the server
        // classes load, so it must be set before the first server is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private LoopbackServer() {}

    static HttpServer create(int port, int backlog) throws IOException {
        return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
    }
}
