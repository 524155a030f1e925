package dev.veriproof.governance;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoAuditLog;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.audit.AuditChain;
import dev.veriproof.core.audit.AuditEntry;
import dev.veriproof.core.audit.AuditLog;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenant's audit log (admin, auditor; not an auditor key limited to some applications, as the
 * log is tenant-wide): {@code GET /v1/audit-log?after=<seq>&limit=} lists entries in seq order;
 * {@code GET /v1/audit-log/verify} checks the whole hash chain against its head and names the
 * first broken link. Anyone holding the listed entries can run the same check offline
 * ({@link AuditChain#verify}).
 */
public final class AuditLogHandler extends ApiHandler {
    private static final int PAGE = 1000;

    private final AuditLog audit;
    private final int page;

    public AuditLogHandler() {
        this(new DynamoAuditLog(AwsClients.dynamoDb(), Config.governanceTable(), Clock.systemUTC()));
    }

    AuditLogHandler(AuditLog audit) {
        this(audit, PAGE);
    }

    /** @param page entries read a request while checking the chain (tests: a few, to cross pages) */
    AuditLogHandler(AuditLog audit, int page) {
        this.audit = audit;
        this.page = page;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/audit-log/verify", Role.ADMIN, null);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        Principal caller = request.requireRole(Role.ADMIN, Role.AUDITOR);
        if (!Scope.seesTenantWideRecords(caller)) throw ApiException.notFound("The audit log");
        return switch (request.routeKey()) {
            case "GET /v1/audit-log" -> list(caller, request);
            case "GET /v1/audit-log/verify" -> ApiResponse.json(200, verification(caller.tenantId()));
            default -> throw noSuchRoute(request);
        };
    }

    private APIGatewayV2HTTPResponse list(Principal caller, ApiRequest request) {
        long after = request.queryParameter("after").map(text -> {
            if (!text.matches("[0-9]{1,15}")) throw ApiException.badRequest("invalid_value", "after must be a seq number (0 or more).", "after");
            return Long.parseLong(text);
        }).orElse(0L);
        int limit = Scope.pageLimit(request);
        List<AuditEntry> entries = audit.list(caller.tenantId(), after, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entries", entries.stream().map(AuditEntry::toJson).toList());
        body.put("next", entries.size() == limit ? entries.get(entries.size() - 1).seq() : null);
        return ApiResponse.json(200, body);
    }

    /** Page by page, holding one page: a long log would not fit in memory, and the first break ends the check. */
    Map<String, Object> verification(String tenantId) {
        AuditChain.Verifier verifier = new AuditChain.Verifier(seq -> holds(tenantId, seq));
        for (long after = 0; ; ) {
            List<AuditEntry> entries = audit.list(tenantId, after, page);
            boolean holds = true;
            for (int i = 0; i < entries.size() && holds; i++) holds = verifier.add(entries.get(i));
            if (!holds || entries.size() < page) break;
            after = entries.get(entries.size() - 1).seq();
        }
        return view(verifier.finish(audit.head(tenantId)));
    }

    /** Whether an entry with this seq is stored anywhere in the log (under any key: a reordering moves entries). */
    private boolean holds(String tenantId, long seq) {
        for (long after = 0; ; ) {
            List<AuditEntry> entries = audit.list(tenantId, after, page);
            if (entries.stream().anyMatch(e -> e.seq() == seq)) return true;
            if (entries.size() < page) return false;
            // an entry's own seq can be anything in a log tampered with: the cursor only ever moves forward
            after = Math.max(after + 1, entries.get(entries.size() - 1).seq());
        }
    }

    static Map<String, Object> view(AuditChain.Verification v) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("intact", v.intact());
        view.put("entriesChecked", v.entriesChecked());
        view.put("lastSeq", v.lastSeq());
        view.put("lastHash", v.lastHash());
        view.put("firstBreak", v.firstBreak().map(b -> {
            Map<String, Object> at = new LinkedHashMap<>();
            at.put("seq", b.seq());
            at.put("position", b.position() + 1);
            at.put("problem", b.problem().name());
            at.put("message", b.message());
            return at;
        }).orElse(null));
        return view;
    }
}
