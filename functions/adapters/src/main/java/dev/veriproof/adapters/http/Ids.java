package dev.veriproof.adapters.http;

import dev.veriproof.core.ids.Identifiers;
import dev.veriproof.core.json.JsonPath;

/** Ids in requests, by the one rule of {@link Identifiers}. */
final class Ids {
    private Ids() {
    }

    /** 400 {@code invalid_value} on {@code field} unless {@code id} follows the rule. */
    static void check(String id, String field) {
        String problem = Identifiers.problem(id);
        if (problem != null) {
            throw ApiException.badRequest("invalid_value", JsonPath.display(field) + problem + "; use " + Identifiers.RULE + ".", field);
        }
    }
}
