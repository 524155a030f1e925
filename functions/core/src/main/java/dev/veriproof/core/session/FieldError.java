package dev.veriproof.core.session;

/**
 * Why a request was refused: a snake_case {@code code}, a message a person can act on, and the
 * JSON path of the offending field ({@code $} for the whole document).
 */
public record FieldError(String code, String message, String field) {

    public static final String MISSING_FIELD = "missing_field";
    public static final String INVALID_TYPE = "invalid_type";
    public static final String INVALID_VALUE = "invalid_value";
    public static final String UNKNOWN_FIELD = "unknown_field";
    public static final String TOO_LARGE = "too_large";
}
