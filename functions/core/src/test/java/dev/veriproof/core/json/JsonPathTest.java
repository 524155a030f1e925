package dev.veriproof.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonPathTest {
    @Test
    void plainNamesAreDottedAndEveryOtherNameIsQuotedInBrackets() {
        assertEquals("$.decision", JsonPath.child("$", "decision"));
        assertEquals("$._x9", JsonPath.child("$", "_x9"));
        assertEquals("$.a.Z_1", JsonPath.child("$.a", "Z_1"));
        assertEquals("$['9lives']", JsonPath.child("$", "9lives"));
        assertEquals("$['']", JsonPath.child("$", ""));
        assertEquals("$['odd name']", JsonPath.child("$", "odd name"));
        assertEquals("$['été']", JsonPath.child("$", "été"));
        assertEquals("$['it\\'s a \\\\ b']", JsonPath.child("$", "it's a \\ b"));
        assertEquals("$.steps[3]", JsonPath.index("$.steps", 3));
    }
}
