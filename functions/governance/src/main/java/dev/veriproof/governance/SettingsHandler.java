package dev.veriproof.governance;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.JsonFields;
import dev.veriproof.adapters.http.ApiHandler;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.http.ApiResponse;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.audit.AuditEvent;
import dev.veriproof.core.governance.SettingsStore;
import dev.veriproof.core.governance.TenantSettings;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tenant settings (admin): {@code PUT /v1/settings {"quarterlyExport": true|false}} (the quarterly
 * evidence export of SPEC §9, on by default), written with its audit entry; {@code GET /v1/settings}.
 */
public final class SettingsHandler extends ApiHandler {
    private final SettingsStore settings;
    private final Clock clock;

    public SettingsHandler() {
        this(GovernanceStores.settings(), Clock.systemUTC());
    }

    SettingsHandler(SettingsStore settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return primingRequest("GET /v1/settings", Role.ADMIN, null);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return switch (request.routeKey()) {
            case "GET /v1/settings" -> {
                Principal reader = request.requireRole(Role.ADMIN, Role.AUDITOR);
                if (!Scope.seesTenantWideRecords(reader)) {
                    throw new ApiException(403, "forbidden", "Tenant settings are tenant-wide; this auditor key is limited to some applications.");
                }
                yield ApiResponse.json(200, view(settings.get(reader.tenantId())));
            }
            case "PUT /v1/settings" -> {
                Principal admin = request.requireRole(Role.ADMIN);
                boolean quarterlyExport = JsonFields.of(request.jsonBody(), "quarterlyExport").requiredBoolean("quarterlyExport");
                TenantSettings updated = new TenantSettings(admin.tenantId(), quarterlyExport, clock.instant(), admin.keyId());
                settings.put(updated, new AuditEvent(admin.keyId(), "settings.update", "tenant/" + admin.tenantId(),
                        Map.of("quarterlyExport", quarterlyExport)));
                yield ApiResponse.json(200, view(updated));
            }
            default -> throw noSuchRoute(request);
        };
    }

    private static Map<String, Object> view(TenantSettings s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("quarterlyExport", s.quarterlyExport());
        view.put("updatedAt", s.updatedAt() == null ? null : s.updatedAt().toString());
        view.put("updatedBy", s.updatedBy());
        return view;
    }
}
