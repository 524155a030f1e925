package dev.veriproof.adapters.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.veriproof.core.alerts.AlertStatus;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QueryParametersTest {

    private static ApiRequest request(Map<String, String> query) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setQueryStringParameters(new HashMap<>(query));
        return ApiRequest.of(event);
    }

    private static void assertRefused(Runnable read, String code, String field, String inMessage) {
        ApiException e = assertThrows(ApiException.class, read::run);
        assertEquals(400, e.status());
        assertEquals(code, e.code());
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains(inMessage), e.getMessage());
    }

    @Test
    void anEndpointThatNamesItsParametersRefusesAnyOther() {
        assertRefused(() -> QueryParameters.only(request(Map.of("days", "7", "weeks", "2")), "days"), "unknown_parameter", "query.weeks",
                "this endpoint takes days");
        assertEquals(Optional.of(7), QueryParameters.only(request(Map.of("days", "7")), "days").wholeNumber("days", 1, 90));
        assertEquals(Map.of("weeks", "2"), QueryParameters.of(request(Map.of("weeks", "2", "empty", ""))).values(), "an empty value is an absent one");
    }

    @Test
    void wholeNumbersAreDigitsInTheirRange() {
        QueryParameters query = QueryParameters.of(request(Map.of("a", "90", "b", "0", "c", "91", "d", "7.0", "e", "-1", "f", "00000000000007")));
        assertEquals(Optional.of(90), query.wholeNumber("a", 1, 90));
        for (String name : new String[] {"b", "c", "d", "e", "f"}) {
            assertRefused(() -> query.wholeNumber(name, 1, 90), "invalid_value", "query." + name, "whole number from 1 to 90");
        }
        assertEquals(Optional.empty(), query.wholeNumber("absent", 1, 90));
    }

    @Test
    void daysFollowTheApiDateRule() {
        QueryParameters query = QueryParameters.of(request(Map.of("from", "2026-11-20", "to", "2026-02-30", "x", "yesterday")));
        assertEquals(Optional.of(LocalDate.parse("2026-11-20")), query.day("from"));
        assertRefused(() -> query.day("to"), "invalid_value", "query.to", "\"2026-02-30\"");
        assertRefused(() -> query.day("x"), "invalid_value", "query.x", "YYYY-MM-DD");
    }

    @Test
    void enumValuesAreCaseSensitiveAndTheMessageListsThem() {
        QueryParameters query = QueryParameters.of(request(Map.of("status", "OPEN", "bad", "open")));
        assertEquals(Optional.of(AlertStatus.OPEN), query.oneOf("status", AlertStatus.class));
        assertRefused(() -> query.oneOf("bad", AlertStatus.class), "invalid_value", "query.bad", "OPEN, ACKNOWLEDGED, RESOLVED");
    }
}
