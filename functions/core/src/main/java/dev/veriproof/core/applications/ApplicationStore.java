package dev.veriproof.core.applications;

import java.util.List;
import java.util.Optional;

/** Where applications and the history of their changes live. */
public interface ApplicationStore {
    /** Stores a new application and its first history entry; false if the id is taken in the tenant. */
    boolean create(Application application, String actor);

    /**
     * Replaces the application if it is still at {@code updated.version() - 1}, recording the change
     * in its history; false if someone changed it in between.
     */
    boolean update(Application updated, String actor);

    Optional<Application> find(String tenantId, String applicationId);

    List<Application> list(String tenantId);

    /** Every version the application had, oldest first. */
    List<Application> history(String tenantId, String applicationId);
}
