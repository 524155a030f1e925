package dev.veriproof.evidence;

import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

/**
 * Starts the evidence-export state machine ({@code EXPORT_STATE_MACHINE_ARN}).
 */
final class SfnExportStarter implements ExportStarter {
    private final SfnClient sfn;
    private final String stateMachineArn;

    SfnExportStarter(SfnClient sfn, String stateMachineArn) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
    }

    static SfnExportStarter fromConfig() {
        return new SfnExportStarter(AwsClients.create(SfnClient.builder()), Config.required("EXPORT_STATE_MACHINE_ARN"));
    }

    @Override
    public void start(String tenantId, String exportId, int attempt) {
        String input = Json.writeString(Map.of("tenantId", tenantId, "exportId", exportId, "attempt", attempt));
        try {
            sfn.startExecution(s -> s.stateMachineArn(stateMachineArn).name(executionName(tenantId, exportId, attempt)).input(input));
        } catch (ExecutionAlreadyExistsException e) {
            // a retried start: the execution of this export is already running or done
        }
    }

    /**
     * Unique per state machine across tenants (export ids are unique within a tenant) and runs (Step
     * Functions never reuses a name), ≤ 80 characters.
     */
    static String executionName(String tenantId, String exportId, int attempt) {
        String name = exportId + "-" + Hashes.hex(Hashes.sha256(tenantId.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        return attempt == 1 ? name : name + "-r" + attempt;
    }
}
