package dev.veriproof.core.governance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.canonical.Canonical;
import dev.veriproof.core.hash.Hashes;
import dev.veriproof.core.signing.Signer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A deployment context record (SPEC §4, evidence for ISO/IEC 42001 8.2 and A.2.2), as stored: the
 * record as sent in canonical form (RFC 8785), its SHA-256, and the deployment signer's EIP-191
 * signature of those canonical bytes. The SHA-256 identifies the record, so a retried POST finds
 * the record it already stored.
 *
 * @param canonicalRecord the validated body, JCS-serialized: what {@code sha256} and {@code signature} cover
 */
public record DeploymentRecord(String tenantId, String applicationId, String version, Instant deployedAt,
                               String canonicalRecord, String sha256, String signature, String signerAddress,
                               Instant recordedAt, String recordedBy) {

    /** Canonicalizes, hashes and signs a validated deployment body. */
    public static DeploymentRecord sign(String tenantId, String applicationId, String version, Instant deployedAt,
                                        JsonNode body, Signer signer, Instant now, String actor) {
        byte[] canonical = Canonical.jcs(body);
        return new DeploymentRecord(tenantId, applicationId, version, deployedAt, new String(canonical, StandardCharsets.UTF_8),
                Hashes.hex(Hashes.sha256(canonical)), signer.signPersonalMessage(canonical), signer.address(), now, actor);
    }
}
