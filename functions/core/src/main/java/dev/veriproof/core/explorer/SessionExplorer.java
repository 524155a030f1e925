package dev.veriproof.core.explorer;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The port the sessions explorer reads through: pages of a tenant's sessions, newest first, from indexes. */
public interface SessionExplorer {

    /**
     * @param applications the applications the caller may see (empty: all of the tenant's); ignored
     *                     when the filter names one application, which the caller checked already
     * @param after        the position a cursor resumes at (exclusive), if any
     * @return up to {@code filter.limit()} matching sessions, newest first, and the position to
     *         resume at when there may be more; a page can hold fewer sessions than the limit (even
     *         none) while a next position is given, when the read budget of one request ran out
     */
    Page page(String tenantId, SessionFilter filter, Set<String> applications, Optional<String> after);

    record Page(List<SessionSummary> sessions, Optional<String> next) {
        public Page {
            sessions = List.copyOf(sessions);
        }
    }
}
