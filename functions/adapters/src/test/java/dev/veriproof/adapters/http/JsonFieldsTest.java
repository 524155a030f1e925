package dev.veriproof.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.veriproof.core.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonFieldsTest {
    private static final Instant NOW = Instant.parse("2026-11-20T10:15:00Z");

    @Test
    void everyStringHasALimitNamedInTheError() {
        JsonFields body = JsonFields.of(Json.parseRequest("{\"name\":\"" + "x".repeat(201) + "\"}"), "name");
        ApiException e = assertThrows(ApiException.class, () -> body.requiredString("name", JsonFields.MAX_NAME));
        assertEquals("too_large", e.code());
        assertEquals("$.name", e.field());
        assertEquals("x".repeat(200), JsonFields.of(Json.parseRequest("{\"name\":\"" + "x".repeat(200) + "\"}"), "name")
                .requiredString("name", JsonFields.MAX_NAME));
    }

    @Test
    void nullForAnOptionalFieldIsInvalidTypeEverywhere() {
        JsonFields body = JsonFields.of(Json.parseRequest("{\"a\":null}"), "a");
        assertEquals("invalid_type", assertThrows(ApiException.class, () -> body.optionalString("a", 10)).code());
        assertEquals("invalid_type", assertThrows(ApiException.class, () -> body.optionalBoolean("a")).code());
        assertEquals("invalid_value", assertThrows(ApiException.class, () -> body.optionalInt("a", 0, 1)).code());
        assertEquals("invalid_type", assertThrows(ApiException.class, () -> body.optionalNumber("a", 0, 1)).code());
        assertEquals("invalid_type", assertThrows(ApiException.class, () -> body.optionalObject("a", "b")).code());
        assertEquals("invalid_type", assertThrows(ApiException.class, () -> body.optionalIdList("a", 3)).code());
    }

    @Test
    void anEmptyIdListIsRefusedSoThatNoGrantIsAmbiguous() {
        JsonFields body = JsonFields.of(Json.parseRequest("{\"applications\":[]}"), "applications");
        ApiException e = assertThrows(ApiException.class, () -> body.optionalIdList("applications", 100));
        assertEquals("invalid_value", e.code());
        assertEquals("$.applications", e.field());
        JsonFields dotted = JsonFields.of(Json.parseRequest("{\"applications\":[\"ok\",\"..\"]}"), "applications");
        assertEquals("$.applications[1]", assertThrows(ApiException.class, () -> dotted.optionalIdList("applications", 100)).field());
        assertEquals(List.of("a", "b"), JsonFields.of(Json.parseRequest("{\"applications\":[\"a\",\"b\"]}"), "applications")
                .optionalIdList("applications", 100).orElseThrow());
    }

    @Test
    void integerFieldsTakeIntegersWrittenAsIntegers() {
        assertEquals(100, JsonFields.of(Json.parseRequest("{\"n\":100}"), "n").optionalInt("n", 0, 100).orElseThrow());
        for (String written : List.of("100.0", "1E2", "1e2")) {
            JsonFields body = JsonFields.of(Json.parseRequest("{\"n\":" + written + "}"), "n");
            assertEquals("invalid_value", assertThrows(ApiException.class, () -> body.optionalInt("n", 0, 100)).code(), written);
        }
    }

    @Test
    void timestampsFollowTheOneRuleWithItsRange() {
        for (String at : List.of("2026-11-20T10:15Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-11-20 10:15:00Z", "2026-02-30T00:00:00Z")) {
            JsonFields body = JsonFields.of(Json.parseRequest("{\"at\":\"" + at + "\"}"), "at");
            ApiException e = assertThrows(ApiException.class, () -> body.requiredPastInstant("at", NOW), at);
            assertEquals("$.at", e.field());
        }
        JsonFields future = JsonFields.of(Json.parseRequest("{\"at\":\"2026-11-20T10:20:01Z\"}"), "at");
        assertEquals("invalid_value", assertThrows(ApiException.class, () -> future.requiredPastInstant("at", NOW)).code());
        assertEquals(Instant.parse("2026-11-20T09:15:00Z"), JsonFields.of(Json.parseRequest("{\"at\":\"2026-11-20t10:15:00+01:00\"}"), "at")
                .requiredPastInstant("at", NOW));
        JsonFields date = JsonFields.of(Json.parseRequest("{\"d\":\"0001-01-01\"}"), "d");
        assertEquals("invalid_value", assertThrows(ApiException.class, () -> date.requiredDate("d")).code());
    }

    @Test
    void unknownFieldsAreNamedWithTheirPath() {
        ApiException e = assertThrows(ApiException.class, () -> JsonFields.of(Json.parseRequest("{\"sdk\":{\"x\":1}}"), "sdk")
                .optionalObject("sdk", "name"));
        assertEquals("unknown_field", e.code());
        assertEquals("$.sdk.x", e.field());
    }
}
