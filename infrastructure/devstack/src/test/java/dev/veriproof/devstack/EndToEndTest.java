package dev.veriproof.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the end-to-end test classes share: the JVM's one running devstack ({@link RunningDevstack}), an API client on
 * it, its seeded tenants, and the check of the API's error body.
 */
abstract class EndToEndTest {
    static final Devstack stack = RunningDevstack.get();
    static final ApiClient api = new ApiClient(stack.apiUrl());
    static final Seed.SeededTenant demo = stack.tenant("demo");
    static final Seed.SeededTenant acme = stack.tenant("acme");

    /** The API's error body: this status and code, a message, {@code field} unless it is null, and no internals. */
    static void assertError(ApiClient.Response response, int status, String code, String field) {
        assertEquals(status, response.status(), response.body());
        JsonNode error = response.json().get("error");
        assertEquals(code, error.get("code").asText(), response.body());
        assertFalse(error.path("message").asText().isBlank(), response.body());
        if (field != null) assertEquals(field, error.path("field").asText(), response.body());
        assertFalse(response.body().contains("Exception"), "no internals in error bodies: " + response.body());
    }

    static void assertError(ApiClient.Response response, int status, String code) {
        assertError(response, status, code, null);
    }
}
