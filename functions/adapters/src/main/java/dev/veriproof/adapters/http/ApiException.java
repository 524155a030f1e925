package dev.veriproof.adapters.http;

import dev.veriproof.core.access.Role;

/**
 * A request that cannot be served, with the HTTP status and the stable error body of SPEC §4:
 * {@code {"error": {"code", "message", "field"?}}}.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message, String field) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public int status() { return status; }

    public String code() { return code; }

    public String field() { return field; }

    public static ApiException badRequest(String code, String message, String field) {
        return new ApiException(400, code, message, field);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " was not found");
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized",
                "The X-API-Key header is missing, or the key is unknown or revoked. Send a valid key.");
    }

    public static ApiException forbidden(Role role) {
        return new ApiException(403, "forbidden", "A key with role '" + role.wireName() + "' may not call this endpoint.");
    }
}
