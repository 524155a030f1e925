package dev.veriproof.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.canonical.Canonical;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestJsonTest {
    /** What a parser's own vocabulary looks like; none of it may reach a sender. */
    static final Pattern INTERNALS = Pattern.compile(
            "(?i)jackson|JsonReadFeature|StreamReadConstraints|Feature '|ALLOW_|enable `|com\\.fasterxml|Source:|REDACTED|\\bclass\\b|Exception");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"adapter\":{\"x\":1e400}}                       | $.adapter.x   | too large a number",
        "{\"x\":-1e400}                                    | $.x           | too large a number",
        "{\"x\":1e-400}                                    | $.x           | too small a number",
        "{\"a\":[1,{\"b\":9007199254740993}]}              | $.a[1].b      | beyond ±9007199254740991",
        "{\"x\":123456789012345678901234567890}            | $.x           | beyond ±9007199254740991",
        "{\"x\":-9007199254740992}                         | $.x           | beyond ±9007199254740991",
        "{\"x\":9007199254740993.0}                        | $.x           | would be stored as 9007199254740992",
        "{\"x\":0.10000000000000000001}                    | $.x           | would be stored as 0.1",
        "{\"odd name\":{\"y\":1.00000000000000000000001}}  | $['odd name'].y | more digits",
    })
    void refusesNumbersThatWouldChangeNamingTheField(String body, String field, String why) {
        MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> Json.parseRequest(body.strip()));

        assertEquals("invalid_value", e.code());
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void keepsEveryNumberThatSurvivesCanonicalizationAsSent() {
        JsonNode node = Json.parseRequest("{\"a\":9007199254740991,\"b\":-9007199254740991,\"c\":0.1,\"d\":1e300,"
                + "\"e\":100.0,\"f\":1E2,\"g\":5e-324,\"h\":0.30000000000000004,\"i\":-0.0,\"j\":100}");

        assertEquals("{\"a\":9007199254740991,\"b\":-9007199254740991,\"c\":0.1,\"d\":1e+300,\"e\":100,\"f\":100,"
                + "\"g\":5e-324,\"h\":0.30000000000000004,\"i\":0,\"j\":100}", new String(Canonical.jcs(node), StandardCharsets.UTF_8));
        assertTrue(node.get("j").isIntegralNumber(), "an integer written as an integer stays one");
        assertFalse(node.get("e").isIntegralNumber(), "100.0 is a float: integer fields refuse it, one rule everywhere");
        assertFalse(node.get("f").isIntegralNumber());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"a\":NaN}                 | NaN and Infinity are not JSON numbers",
        "{\"a\":Infinity}            | NaN and Infinity are not JSON numbers",
        "{\"a\":-Infinity}           | NaN and Infinity are not JSON numbers",
        "{\"a\":1} // note           | comments are not part of JSON",
        "/* x */ {}                  | comments are not part of JSON",
        "[# x]                       | comments are not part of JSON",
        "{'a':1}                     | double quotes",
        "{a:1}                       | expected a member name in double quotes",
        "{\"a\":1,}                  | no comma may follow the last member",
        "[1,]                        | no comma may follow the last element",
        "{\"a\":01}                  | leading zero",
        "{\"a\":+1}                  | no leading '+'",
        "{\"a\":1.}                  | a number is malformed",
        "{\"a\":.5}                  | expected a value",
        "{\"a\":\"x\\qy\"}           | invalid escape sequence",
        "{\"a\":tru}                 | unrecognised word 'tru'",
        "{\"a\":1 \"b\":2}           | expected ',' or '}'",
        "[1 2]                       | expected ',' or ']'",
        "{\"a\" 1}                   | expected ':'",
        "{\"a\":[1}                  | closing bracket does not match",
        "{\"a\":1,\"a\":2}           | Duplicate field 'a'",
        "{\"a\":\"x\\ud800\"}        | unpaired UTF-16 surrogate",
        "`{\"a\":\"unclosed`         | the text ends before the JSON value is complete",
    })
    void mapsEveryParseFailureToTheProjectsOwnWords(String body, String expected) {
        MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> Json.parseRequest(body.strip().replace("\\n", "\n")));

        assertEquals("malformed_json", e.code());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(INTERNALS.matcher(e.getMessage()).find(), e.getMessage());
    }

    @Test
    void controlCharactersInStringsAreNamedAsCodePoints() {
        MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> Json.parseRequest("{\"a\":\"x\ny\"}"));

        assertTrue(e.getMessage().contains("raw control character (U+000A)"), e.getMessage());
        assertTrue(e.getMessage().contains("line 1, column"), e.getMessage());
    }

    @Test
    void refusesNestingBeyondTheLimitWithoutInternals() {
        String deep = "[".repeat(Json.MAX_REQUEST_DEPTH + 1) + "]".repeat(Json.MAX_REQUEST_DEPTH + 1);
        String fine = "[".repeat(Json.MAX_REQUEST_DEPTH) + "]".repeat(Json.MAX_REQUEST_DEPTH);

        MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> Json.parseRequest(deep));
        assertTrue(e.getMessage().contains("nested more than 64 levels"), e.getMessage());
        assertFalse(INTERNALS.matcher(e.getMessage()).find(), e.getMessage());
        assertEquals(Json.MAX_REQUEST_DEPTH, depth(Json.parseRequest(fine)));
        MalformedJsonException veryDeep = assertThrows(MalformedJsonException.class, () -> Json.parseRequest("[".repeat(100_000)));
        assertFalse(INTERNALS.matcher(veryDeep.getMessage()).find(), veryDeep.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {101, 130})
    void refusesNumbersWrittenWithTooManyCharacters(int digits) {
        String number = digits == 101 ? "1".repeat(digits) : "0." + "0".repeat(digits) + "1";
        MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> Json.parseRequest("{\"a\":" + number + "}"));

        assertTrue(e.getMessage().contains("too many characters"), e.getMessage());
        assertFalse(INTERNALS.matcher(e.getMessage()).find(), e.getMessage());
    }

    @Test
    void refusesEmptyAndTrailingInput() {
        for (String body : List.of("", "  ", "{} {}", "[1] x")) {
            MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> Json.parseRequest(body));
            assertFalse(INTERNALS.matcher(e.getMessage()).find(), e.getMessage());
        }
    }

    private static int depth(JsonNode node) {
        return node.isArray() && node.size() > 0 ? 1 + depth(node.get(0)) : 1;
    }
}
