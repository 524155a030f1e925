package dev.veriproof.core.explorer;

/** A query parameter the explorer cannot serve; {@code parameter} names it. */
public final class QueryException extends RuntimeException {
    private final String code;
    private final String parameter;

    public QueryException(String code, String parameter, String message) {
        super(message);
        this.code = code;
        this.parameter = parameter;
    }

    public String code() {
        return code;
    }

    public String parameter() {
        return parameter;
    }
}
