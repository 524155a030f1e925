package dev.veriproof.adapters.dynamo;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An item's size as DynamoDB bills it (attribute names plus values: strings in UTF-8 bytes, binaries in bytes, numbers
 * about one byte per two significant digits plus one, 3 bytes of overhead per map or list and 1 per element), and the
 * write units a standard write of it costs (one per started KB).
 */
public final class ItemSize {
    private ItemSize() {
    }

    public static long bytes(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            size += attribute.getKey().getBytes(StandardCharsets.UTF_8).length + value(attribute.getValue());
        }
        return size;
    }

    public static long writeUnits(Map<String, AttributeValue> item) {
        return Math.max(1, (bytes(item) + 1023) / 1024);
    }

    private static long value(AttributeValue v) {
        if (v.s() != null) return v.s().getBytes(StandardCharsets.UTF_8).length;
        if (v.n() != null) return number(v.n());
        if (v.b() != null) return v.b().asByteArrayUnsafe().length;
        if (v.bool() != null || v.nul() != null) return 1;
        if (v.hasSs()) return v.ss().stream().mapToLong(x -> x.getBytes(StandardCharsets.UTF_8).length).sum();
        if (v.hasNs()) return v.ns().stream().mapToLong(ItemSize::number).sum();
        if (v.hasBs()) return v.bs().stream().mapToLong(x -> x.asByteArrayUnsafe().length).sum();
        if (v.hasM()) return 3 + v.m().size() + bytes(v.m());
        if (v.hasL()) return 3 + v.l().size() + v.l().stream().mapToLong(ItemSize::value).sum();
        return 0;
    }

    private static long number(String n) {
        int digits = new BigDecimal(n).stripTrailingZeros().unscaledValue().abs().toString().length();
        return (digits + 1) / 2 + 1;
    }
}
