package dev.veriproof.governance;

import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.applications.Application;
import dev.veriproof.core.applications.ApplicationStore;

/**
 * What a caller may see: applications of its own tenant (404 otherwise, so existence never leaks
 * across tenants), and for an auditor key limited to some applications, only those. Tenant-wide
 * records (the audit log, settings, tenant-wide plan items) belong to no application, so a limited
 * auditor does not see them.
 */
final class Scope {
    private Scope() {}

    static Application readableApplication(ApplicationStore applications, Principal caller, String applicationId) {
        return applications.find(caller.tenantId(), applicationId)
                .filter(app -> caller.mayRead(app.applicationId()))
                .orElseThrow(() -> ApiException.notFound("Application " + applicationId));
    }

    static boolean seesTenantWideRecords(Principal caller) {
        return caller.applications().isEmpty();
    }

    /** The {@code limit} query parameter of a listing: 1 to 1000, 100 when absent. */
    static int pageLimit(ApiRequest request) {
        return request.queryParameter("limit").map(text -> {
            if (!text.matches("[0-9]{1,4}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 1000) {
                throw ApiException.badRequest("invalid_value", "limit must be a whole number from 1 to 1000.", "limit");
            }
            return Integer.parseInt(text);
        }).orElse(100);
    }
}
