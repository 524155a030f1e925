package dev.veriproof.core.access;

import java.util.Set;

/**
 * Who is calling, as the authorizer resolved it from the API key. The tenant always comes from here,
 * never from the request body or path.
 *
 * @param applications for auditor keys limited to some applications, those; empty means all
 */
public record Principal(String tenantId, Role role, String keyId, Set<String> applications) {
    public Principal {
        applications = Set.copyOf(applications);
    }

    public boolean mayRead(String applicationId) {
        return applications.isEmpty() || applications.contains(applicationId);
    }
}
