package dev.veriproof.core.json;

/** The input is not one well-formed JSON value; the message says where and why, for the sender. */
public class MalformedJsonException extends RuntimeException {

    public MalformedJsonException(String message) {
        super(message);
    }
}
