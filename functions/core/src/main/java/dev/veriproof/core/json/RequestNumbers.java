package dev.veriproof.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import org.erdtman.jcs.NumberToJSON;

/**
 * Applies the number rules of {@link Json#parseRequest} to a freshly parsed tree, turning exact
 * decimals into the doubles that RFC 8785 canonicalizes, and refusing what would change on the way.
 */
final class RequestNumbers {
    /** The largest integer magnitude a request may hold, and what to say to a sender beyond it. */
    record IntegerRange(BigInteger max, String beyond) {
        boolean exceeds(JsonNode integral) {
            if (!integral.isBigInteger()) { // an int or a long: compared without a BigInteger
                if (max.bitLength() >= Long.SIZE) return false;
                long value = integral.longValue();
                long limit = max.longValue();
                return value > limit || value < -limit;
            }
            return integral.bigIntegerValue().abs().compareTo(max) > 0;
        }
    }

    static final IntegerRange SAFE_INTEGERS = new IntegerRange(BigInteger.valueOf(Json.MAX_SAFE_INTEGER),
            " (2^53 − 1), which JSON consumers cannot hold exactly; send it as a string");
    static final IntegerRange INTEGERS_OF_64_BITS = new IntegerRange(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE),
            " (2^64 − 1), which no 64-bit field holds");

    private RequestNumbers() {
    }

    /** Where a value sits; its JSON path is spelled out only for an error, not for every value of every request. */
    private record At(At parent, String name, int index, String root) {
        At child(String member) {
            return new At(this, member, -1, null);
        }

        At element(int i) {
            return new At(this, null, i, null);
        }

        String path() {
            if (parent == null) return root;
            return name != null ? JsonPath.child(parent.path(), name) : JsonPath.index(parent.path(), index);
        }
    }

    static JsonNode exact(JsonNode node, String path, IntegerRange integers) {
        return exact(node, new At(null, null, -1, path), integers);
    }

    // Unpaired surrogates were refused by Json.read before this walk.
    private static JsonNode exact(JsonNode node, At at, IntegerRange integers) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            for (Map.Entry<String, JsonNode> member : object.properties()) {
                JsonNode value = member.getValue();
                if (!value.isContainerNode() && !value.isNumber()) continue;
                JsonNode replaced = exact(value, at.child(member.getKey()), integers);
                if (replaced != value) {
                    member.setValue(replaced);
                }
            }
        } else if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                if (!value.isContainerNode() && !value.isNumber()) continue;
                JsonNode replaced = exact(value, at.element(i), integers);
                if (replaced != value) {
                    array.set(i, replaced);
                }
            }
        } else if (node.isIntegralNumber()) {
            if (integers.exceeds(node)) {
                String path = at.path();
                throw invalid(path, JsonPath.display(path) + " is an integer beyond ±" + integers.max() + integers.beyond());
            }
        } else if (node.isBigDecimal()) {
            return exactDouble(node.decimalValue(), at);
        }
        return node;
    }

    private static DoubleNode exactDouble(BigDecimal sent, At at) {
        double value = sent.doubleValue();
        if (Double.isInfinite(value)) {
            String path = at.path();
            throw invalid(path, JsonPath.display(path) + " is too large a number; numbers must fit a 64-bit floating-point"
                    + " number (at most about 1.8e308)");
        }
        if (value == 0 && sent.signum() != 0) {
            String path = at.path();
            throw invalid(path, JsonPath.display(path) + " is too small a number to be told apart from 0 in a 64-bit"
                    + " floating-point number; send 0, or a larger number");
        }
        String canonical = canonical(value);
        if (new BigDecimal(canonical).compareTo(sent) != 0) {
            String path = at.path();
            throw invalid(path, JsonPath.display(path) + " has more digits than a 64-bit floating-point number holds (about"
                    + " 15 to 17 significant digits) and would be stored as " + canonical
                    + "; send at most that precision, or send the number as a string");
        }
        return DoubleNode.valueOf(value);
    }

    private static String canonical(double finite) {
        try {
            return NumberToJSON.serializeNumber(finite);
        } catch (IOException e) {
            throw new IllegalStateException("a finite double has a canonical form", e);
        }
    }

    private static MalformedJsonException invalid(String path, String message) {
        return new MalformedJsonException(MalformedJsonException.INVALID_VALUE, message, path);
    }
}
