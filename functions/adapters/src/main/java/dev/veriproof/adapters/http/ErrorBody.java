package dev.veriproof.adapters.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The error body of SPEC §4, the only shape of error a client ever sees. */
public final class ErrorBody {
    private ErrorBody() {}

    public static ObjectNode of(String code, String message, String field) {
        ObjectNode error = JsonNodeFactory.instance.objectNode();
        error.put("code", code);
        error.put("message", message);
        if (field != null) error.put("field", field);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("error", error);
        return body;
    }
}
