package dev.veriproof.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {

    record Count(int n) {
    }

    @Test
    void parsesOneValueFromBytesAndString() {
        JsonNode fromBytes = Json.parse("{\"a\": [1, \"x\", true, null]}".getBytes(StandardCharsets.UTF_8));
        JsonNode fromString = Json.parse(" {\"a\":[1,\"x\",true,null]} \n");

        assertEquals(fromBytes, fromString);
        assertEquals(1, fromBytes.get("a").get(0).intValue());
        assertEquals("x", fromBytes.get("a").get(1).textValue());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"a\":1,\"a\":2}   | line 1, column 11 | Duplicate field 'a'",
        "{\"a\":1} {}        | line 1, column 9  | unexpected content after the JSON value",
        "[1] 2               | line 1, column 5  | unexpected content after the JSON value",
        "{\"a\":}            | line 1, column 6  | expected a value",
        "[1,2                | line 1, column 5  | an array is not closed; add ']'",
    })
    void rejectsMalformedJsonSayingWhereAndWhy(String input, String where, String why) {
        MalformedJsonException e = assertThrows(MalformedJsonException.class, () -> Json.parse(input.strip()));

        assertTrue(e.getMessage().contains(where), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(!e.getMessage().contains("Source") && !e.getMessage().contains("com.fasterxml"), e.getMessage());
    }

    @Test
    void rejectsEmptyAndBlankInput() {
        assertThrows(MalformedJsonException.class, () -> Json.parse(new byte[0]));
        assertThrows(MalformedJsonException.class, () -> Json.parse(""));
        assertThrows(MalformedJsonException.class, () -> Json.parse(" \n\t "));
        assertThrows(MalformedJsonException.class, () -> Json.parse((String) null));
    }

    @Test
    void rejectsStringsThatAreNotValidUnicode() {
        assertThrows(MalformedJsonException.class, () -> Json.parse("{\"a\": \"x\\ud800y\"}"));
        assertThrows(MalformedJsonException.class, () -> Json.parse("{\"nested\": [{\"\\udc00\": 1}]}"));
        assertThrows(MalformedJsonException.class, () -> Json.parse(new byte[] {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'}));
        assertThrows(MalformedJsonException.class, () -> Json.parse("\"raw \ud800 in a Java string\""));
        assertEquals("\ud83d\ude00", Json.parse("\"\\ud83d\\ude00\"").textValue());
    }

    @Test
    void aTextWithoutUnpairedSurrogatesOrTheirEscapesIsNotWalked() {
        assertFalse(Json.mayYieldUnpairedSurrogate("{\"a\":\"plain \\u00e9 \\n \\\" \u20ac\"}"));
        assertFalse(Json.mayYieldUnpairedSurrogate("{\"pair\":\"\ud83d\ude00\"}"), "a raw pair stays a pair");
        assertTrue(Json.mayYieldUnpairedSurrogate("{\"a\":\"\\ud83d\\ude00\"}"), "escaped pairs are walked");
        assertTrue(Json.mayYieldUnpairedSurrogate("{\"a\":\"\\uDC00\"}"));
        assertTrue(Json.mayYieldUnpairedSurrogate("{\"a\":\"\\\\ud800\"}"), "behind an escaped backslash: walked, harmless");
        assertTrue(Json.mayYieldUnpairedSurrogate("{\"a\":\"raw \ud800\"}"));
        assertTrue(Json.mayYieldUnpairedSurrogate("{\"a\":\"\ude00\ud83d\"}"));
        assertFalse(Json.mayYieldUnpairedSurrogate("{\"a\":\"\\ud7ff \\ue000\"}"), "just outside the surrogates");
    }

    /** The half that matters: whenever the walk is skipped, a walk would have found nothing. */
    @Test
    void aSkippedWalkNeverHidesAnUnpairedSurrogate() {
        String[] pieces = {"a", " ", "\\u", "d8", "D8", "dc", "DF", "d7", "e0", "00", "\\\\", "\\n", "\ud83d", "\ude00", "\u00e9", "f", "A"};
        java.util.Random random = new java.util.Random(7);
        int skipped = 0;
        int refused = 0;
        for (int n = 0; n < 200_000; n++) {
            StringBuilder text = new StringBuilder("{\"k\":\"");
            for (int k = random.nextInt(8); k >= 0; k--) text.append(pieces[random.nextInt(pieces.length)]);
            String json = text.append("\"}").toString();
            JsonNode node;
            try {
                node = Json.mapper().readTree(json);
            } catch (Exception e) {
                continue; // not JSON: the parser refuses it before any walk
            }
            if (!Json.mayYieldUnpairedSurrogate(json)) {
                skipped++;
                assertFalse(Json.hasUnpairedSurrogate(node.get("k").textValue()), json);
            } else if (Json.hasUnpairedSurrogate(node.get("k").textValue())) {
                refused++;
                assertThrows(MalformedJsonException.class, () -> Json.parseRequest(json), json);
            }
        }
        assertTrue(skipped > 10_000 && refused > 10_000, skipped + " skipped, " + refused + " refused");
    }

    @Test
    void findsUnpairedSurrogates() {
        assertFalse(Json.hasUnpairedSurrogate("plain €"));
        assertFalse(Json.hasUnpairedSurrogate("pair \ud83d\ude00 end"));
        assertTrue(Json.hasUnpairedSurrogate("high at end \ud83d"));
        assertTrue(Json.hasUnpairedSurrogate("\ude00 low first"));
        assertTrue(Json.hasUnpairedSurrogate("reversed \ude00\ud83d"));
    }

    @Test
    void writesCompactUtf8() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "€uro");
        value.put("list", List.of(1, 2));

        assertEquals("{\"name\":\"€uro\",\"list\":[1,2]}", Json.writeString(value));
        assertEquals("{\"name\":\"€uro\",\"list\":[1,2]}", new String(Json.write(value), StandardCharsets.UTF_8));
    }

    @Test
    void sharedMapperIsStrict() {
        assertThrows(MismatchedInputException.class, () -> Json.mapper().readValue("{\"n\":\"5\"}", Count.class));
        assertThrows(MismatchedInputException.class, () -> Json.mapper().readValue("{\"n\":5} {}", Count.class));
        assertEquals(new Count(5), Json.mapper().convertValue(Json.parse("{\"n\":5}"), Count.class));
    }
}
