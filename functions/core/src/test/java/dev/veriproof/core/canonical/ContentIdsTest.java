package dev.veriproof.core.canonical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.veriproof.core.governance.Review;
import dev.veriproof.core.governance.ReviewOutcome;
import dev.veriproof.core.hash.Hashes;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentIdsTest {

    @Test
    void isTheSha256OfTheCanonicalArray() {
        assertEquals(Hashes.hex(Hashes.sha256("[\"a\",null,\"\\n\"]".getBytes(StandardCharsets.UTF_8))), ContentIds.of("a", null, "\n"));
    }

    @Test
    void fieldsThatJoinToTheSameTextGetDifferentIds() {
        assertNotEquals(ContentIds.of("alice\nbob", "ok"), ContentIds.of("alice", "bob\nok"));
        assertNotEquals(ContentIds.of("coll\nA", "1"), ContentIds.of("coll", "A\n1"));
        assertNotEquals(ContentIds.of("a", null), ContentIds.of("a", ""));
        assertNotEquals(ContentIds.of("a#b", "c"), ContentIds.of("a", "b#c"));
    }

    @Test
    void twoDifferentReviewsNeverShareAnId() {
        assertNotEquals(Review.idOf("s-1", ReviewOutcome.APPROVED, "ok", "alice\nbob"),
                Review.idOf("s-1", ReviewOutcome.APPROVED, "bob\nok", "alice"));
        assertNotEquals(Review.idOf("s-1", ReviewOutcome.APPROVED, null, "alice"), Review.idOf("s-1", ReviewOutcome.APPROVED, "", "alice"));
        assertEquals(Review.idOf("s-1", ReviewOutcome.APPROVED, "ok", "alice"), Review.idOf("s-1", ReviewOutcome.APPROVED, "ok", "alice"));
    }
}
