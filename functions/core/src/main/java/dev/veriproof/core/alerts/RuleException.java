package dev.veriproof.core.alerts;

/** A rule that cannot be accepted; {@code field} is the JSON path of the offending field. */
public final class RuleException extends RuntimeException {
    private final String code;
    private final String field;

    public RuleException(String code, String message, String field) {
        super(message);
        this.code = code;
        this.field = field;
    }

    public String code() { return code; }

    public String field() { return field; }
}
