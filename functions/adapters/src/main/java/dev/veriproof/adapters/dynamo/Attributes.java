package dev.veriproof.adapters.dynamo;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Short forms of the attribute values the stores write. */
final class Attributes {
    private Attributes() {
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
