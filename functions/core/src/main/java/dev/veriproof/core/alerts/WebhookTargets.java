package dev.veriproof.core.alerts;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Which addresses a webhook may be delivered to: public unicast ones only. Refused: loopback,
 * unspecified, private (10/8, 172.16/12, 192.168/16, 100.64/10), link-local (169.254/16, fe80::/10,
 * which holds cloud metadata services), unique-local (fc00::/7), site-local (fec0::/10),
 * multicast, broadcast and the reserved 0/8, 192.0.0/24, 198.18/15, 240/4 — also when written
 * as an IPv4-mapped, IPv4-compatible or NAT64 IPv6 address. Loopback is allowed only where the
 * deployment allows it (the local runtime).
 */
public final class WebhookTargets {
    private WebhookTargets() {
    }

    /** Null when a webhook may be delivered to {@code address}, else why not. */
    public static String refusal(InetAddress address, boolean allowLoopback) {
        InetAddress embedded = embeddedIpv4(address);
        if (embedded != null) {
            String inner = refusal(embedded, allowLoopback);
            return inner == null ? null : inner + " (written as an IPv6 address)";
        }
        if (address.isLoopbackAddress()) {
            return allowLoopback ? null : "a loopback address";
        }
        if (address.isAnyLocalAddress()) return "the unspecified address";
        if (address.isLinkLocalAddress()) return "a link-local address (such as a cloud metadata service)";
        if (address.isSiteLocalAddress()) return "a private address";
        if (address.isMulticastAddress()) return "a multicast address";
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            if (first == 0) return "a reserved address";
            if (first == 100 && second >= 64 && second <= 127) return "a private (carrier-grade NAT) address";
            if (first == 192 && second == 0 && (b[2] & 0xFF) == 0) return "a reserved address";
            if (first == 198 && (second == 18 || second == 19)) return "a reserved address";
            if (first >= 240) return "a reserved or broadcast address";
        } else if (address instanceof Inet6Address) {
            if ((b[0] & 0xFE) == 0xFC) return "a unique-local address";
        }
        return null;
    }

    /** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) address. */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) return null;
        byte[] b = address.getAddress();
        boolean zeroPrefix = Arrays.equals(Arrays.copyOfRange(b, 0, 10), new byte[10]);
        boolean mapped = zeroPrefix && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
        boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0 && !address.isLoopbackAddress() && !address.isAnyLocalAddress();
        boolean nat64 = (b[0] & 0xFF) == 0x00 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B
                && Arrays.equals(Arrays.copyOfRange(b, 4, 12), new byte[8]);
        if (!mapped && !compatible && !nat64) return null;
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }
}
