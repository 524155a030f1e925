package dev.veriproof.core.json;

/**
 * The input is not one JSON value the API accepts; the message says where and why, for the sender.
 * {@link #code()} is {@code malformed_json} for text that is not JSON, {@code invalid_value} for a
 * well-formed value that breaks the API's number rules ({@link #field()} then names it).
 */
public class MalformedJsonException extends RuntimeException {
    public static final String MALFORMED_JSON = "malformed_json";
    public static final String INVALID_VALUE = "invalid_value";

    private final String code;
    private final String field;

    public MalformedJsonException(String message) {
        this(MALFORMED_JSON, message, null);
    }

    public MalformedJsonException(String code, String message, String field) {
        super(message);
        this.code = code;
        this.field = field;
    }

    public String code() {
        return code;
    }

    /** The JSON path of the offending value, or null when the text as a whole is at fault. */
    public String field() {
        return field;
    }
}
