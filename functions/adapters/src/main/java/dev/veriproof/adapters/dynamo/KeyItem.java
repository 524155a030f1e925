package dev.veriproof.adapters.dynamo;

import java.util.List;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSortKey;

/**
 * An API key in the governance table. Each key is stored twice with the same attributes: under
 * {@code APIKEY#<sha256>} for the authorizer's single GetItem, and under {@code TENANT#<t> / KEY#<id>}
 * so that a tenant can list and revoke its keys by id.
 */
@DynamoDbBean
public class KeyItem {
    private String pk;
    private String sk;
    private String tenantId;
    private String keyId;
    private String role;
    private String name;
    private List<String> applications;
    private String keyHash;
    private String createdAt;
    private String revokedAt;

    static String byHashPk(String keyHash) { return "APIKEY#" + keyHash; }
    static final String BY_HASH_SK = "APIKEY";
    static String tenantPk(String tenantId) { return "TENANT#" + tenantId; }
    static String byIdSk(String keyId) { return "KEY#" + keyId; }

    @DynamoDbPartitionKey
    public String getPk() { return pk; }
    public void setPk(String pk) { this.pk = pk; }
    @DynamoDbSortKey
    public String getSk() { return sk; }
    public void setSk(String sk) { this.sk = sk; }
    public String getTenantId() { return tenantId; }
    public void setTenantId(String tenantId) { this.tenantId = tenantId; }
    public String getKeyId() { return keyId; }
    public void setKeyId(String keyId) { this.keyId = keyId; }
    public String getRole() { return role; }
    public void setRole(String role) { this.role = role; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public List<String> getApplications() { return applications; }
    public void setApplications(List<String> applications) { this.applications = applications; }
    public String getKeyHash() { return keyHash; }
    public void setKeyHash(String keyHash) { this.keyHash = keyHash; }
    public String getCreatedAt() { return createdAt; }
    public void setCreatedAt(String createdAt) { this.createdAt = createdAt; }
    public String getRevokedAt() { return revokedAt; }
    public void setRevokedAt(String revokedAt) { this.revokedAt = revokedAt; }
}
