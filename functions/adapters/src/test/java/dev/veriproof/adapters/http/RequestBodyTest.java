package dev.veriproof.adapters.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared request layer: what every handler gets from {@link ApiRequest#jsonBody} whatever the gateway hands over. */
class RequestBodyTest {

    @Test
    void aStringBodyAndTheSameBytesInBase64ReadTheSame() {
        String json = "{\"intent\":\"crédit €\",\"n\":1}";
        JsonNode fromString = request(json, false, "application/json").jsonBody();
        JsonNode fromBase64 = request(b64(json.getBytes(StandardCharsets.UTF_8)), true, "application/json").jsonBody();

        assertEquals(fromString, fromBase64);
        assertEquals("crédit €", fromString.get("intent").textValue());
    }

    @Test
    void malformedUtf8IsRefusedNeverReplaced() {
        byte[] body = "{\"intent\":\"a?b\"}".getBytes(StandardCharsets.UTF_8);
        for (int bad : new int[] {0xFF, 0xFE, 0xC0, 0x80}) {
            body[12] = (byte) bad;
            ApiException e = assertThrows(ApiException.class, () -> request(b64(body), true, "application/json").jsonBody());
            assertError(e, 400, "invalid_encoding");
            assertTrue(e.getMessage().contains("offset 12"), e.getMessage());
        }
        byte[] encodedSurrogate = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};
        assertError(assertThrows(ApiException.class, () -> request(b64(encodedSurrogate), true, "application/json").jsonBody()),
                400, "invalid_encoding");
        byte[] overlong = {'"', (byte) 0xC0, (byte) 0xAF, '"'};
        assertError(assertThrows(ApiException.class, () -> request(b64(overlong), true, "application/json").jsonBody()),
                400, "invalid_encoding");
        assertEquals("a\uFFFDb", request(b64("\"a\uFFFDb\"".getBytes(StandardCharsets.UTF_8)), true, "application/json")
                .jsonBody().textValue(), "a real U+FFFD is text like any other");
    }

    @Test
    void utf16AndUtf32BodiesAreRefused() {
        String json = "{\"a\":1}";
        for (var charset : new java.nio.charset.Charset[] {StandardCharsets.UTF_16, StandardCharsets.UTF_16LE,
                StandardCharsets.UTF_16BE, java.nio.charset.Charset.forName("UTF-32"), java.nio.charset.Charset.forName("UTF-32LE")}) {
            ApiException e = assertThrows(ApiException.class, () -> request(b64(json.getBytes(charset)), true, "application/json").jsonBody());
            assertError(e, 400, "invalid_encoding");
        }
        byte[] bom = ("\uFEFF" + json).getBytes(StandardCharsets.UTF_8);
        assertError(assertThrows(ApiException.class, () -> request(b64(bom), true, "application/json").jsonBody()), 400, "invalid_encoding");
        assertError(assertThrows(ApiException.class, () -> request("\uFEFF" + json, false, "application/json").jsonBody()), 400, "invalid_encoding");
    }

    @Test
    void aStringBodyWithAnUnpairedSurrogateIsRefused() {
        assertError(assertThrows(ApiException.class, () -> request("{\"a\":\"x\ud800\"}", false, "application/json").jsonBody()),
                400, "invalid_encoding");
        for (String lone : new String[] {"\"\udc00x\"", "\"x\ud83d", "\"\ude00\ud83d\""}) {
            ApiException e = assertThrows(ApiException.class, () -> request(lone, false, "application/json").jsonBody());
            assertError(e, 400, "invalid_encoding");
            assertTrue(e.getMessage().contains("at character 1") || e.getMessage().contains("at character 2"), e.getMessage());
        }
    }

    @Test
    void base64ThatDoesNotDecodeIsRefused() {
        assertError(assertThrows(ApiException.class, () -> request("not base64!", true, "application/json").jsonBody()),
                400, "invalid_encoding");
    }

    @Test
    void aDeclaredCharsetOtherThanUtf8OrAContentEncodingIs415() {
        assertError(assertThrows(ApiException.class, () -> request("{}", false, "application/json; charset=utf-16").jsonBody()),
                415, "unsupported_media_type");
        request("{}", false, "application/json; charset=UTF-8").jsonBody();
        request("{}", false, "application/json;charset=\"utf-8\"").jsonBody();
        APIGatewayV2HTTPEvent event = event(b64(new byte[] {31, -117, 8, 0}), true, "application/json");
        event.getHeaders().put("Content-Encoding", "gzip");
        assertError(assertThrows(ApiException.class, () -> ApiRequest.of(event).jsonBody()), 415, "unsupported_media_type");
    }

    @Test
    void theSizeLimitCountsTheBytesAsSent() {
        String fits = "\"" + "é".repeat(99) + "\""; // 200 bytes
        request(fits, false, "application/json").jsonBody(200);
        assertError(assertThrows(ApiException.class, () -> request(fits + " ", false, "application/json").jsonBody(200)),
                413, "payload_too_large");
        String threeAndFourByteCharacters = "\"" + "€".repeat(30) + "\ud83d\ude00".repeat(27) + "\""; // 2 + 90 + 108 = 200 bytes
        request(threeAndFourByteCharacters, false, "application/json").jsonBody(200);
        assertError(assertThrows(ApiException.class, () -> request(threeAndFourByteCharacters, false, "application/json").jsonBody(199)),
                413, "payload_too_large");
        assertError(assertThrows(ApiException.class, () -> request(b64(new byte[1000]), true, "application/json").jsonBody(200)),
                413, "payload_too_large");
        assertArrayEquals(new byte[] {1, 2, 3}, request(b64(new byte[] {1, 2, 3}), true, "application/x-protobuf").body(3));
        assertError(assertThrows(ApiException.class, () -> request(b64(new byte[4]), true, "application/x-protobuf").body(3)),
                413, "payload_too_large");
    }

    @Test
    void numbersThatWouldChangeAreRefusedNamingTheField() {
        ApiException e = assertThrows(ApiException.class,
                () -> request("{\"adapter\":{\"x\":1e400}}", false, "application/json").jsonBody());
        assertError(e, 400, "invalid_value");
        assertEquals("$.adapter.x", e.field());
        ApiException big = assertThrows(ApiException.class,
                () -> request("{\"attributes\":{\"n\":9007199254740993}}", false, "application/json").jsonBody());
        assertEquals("$.attributes.n", big.field());
    }

    @Test
    void pathIdsThatCannotExistAre404AndQueryValuesAreBounded() {
        APIGatewayV2HTTPEvent event = event(null, false, null);
        event.setPathParameters(new HashMap<>(Map.of("id", "a".repeat(2100))));
        assertError(assertThrows(ApiException.class, () -> ApiRequest.of(event).pathParameter("id")), 404, "not_found");
        event.setPathParameters(new HashMap<>(Map.of("id", "..")));
        assertError(assertThrows(ApiException.class, () -> ApiRequest.of(event).pathParameter("id")), 404, "not_found");
        event.setPathParameters(new HashMap<>(Map.of("id", "loan-7f3a:0001.x_y")));
        assertEquals("loan-7f3a:0001.x_y", ApiRequest.of(event).pathParameter("id"));

        event.setQueryStringParameters(new HashMap<>(Map.of("after", "a".repeat(2000))));
        ApiException tooLong = assertThrows(ApiException.class, () -> ApiRequest.of(event).queryParameter("after"));
        assertError(tooLong, 400, "too_large");
        assertEquals("query.after", tooLong.field());
        event.setQueryStringParameters(new HashMap<>(Map.of("after", "a b")));
        assertError(assertThrows(ApiException.class, () -> ApiRequest.of(event).queryId("after")), 400, "invalid_value");
    }

    private static void assertError(ApiException e, int status, String code) {
        assertEquals(status, e.status(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static ApiRequest request(String body, boolean base64, String contentType) {
        return ApiRequest.of(event(body, base64, contentType));
    }

    private static APIGatewayV2HTTPEvent event(String body, boolean base64, String contentType) {
        Map<String, String> headers = new HashMap<>();
        if (contentType != null) headers.put("content-type", contentType);
        return APIGatewayV2HTTPEvent.builder().withRouteKey("POST /v1/test").withHeaders(headers)
                .withBody(body).withIsBase64Encoded(base64).build();
    }
}
