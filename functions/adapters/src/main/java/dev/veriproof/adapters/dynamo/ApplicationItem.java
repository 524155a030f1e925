package dev.veriproof.adapters.dynamo;

import java.util.List;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSortKey;

/**
 * An application ({@code TENANT#<t> / APP#<id>}) or one version of it in its history
 * ({@code TENANT#<t> / APPHIST#<id>#<version>}, with the actor who made the change).
 */
@DynamoDbBean
public class ApplicationItem {
    private String pk;
    private String sk;
    private String tenantId;
    private String applicationId;
    private String name;
    private String declaredRiskLevel;
    private Integer scoreTarget;
    private String owner;
    private Boolean captureContent;
    private List<String> redactFields;
    private Long version;
    private String createdAt;
    private String updatedAt;
    private String actor;

    static String currentSk(String applicationId) { return "APP#" + applicationId; }
    static String historySk(String applicationId, long version) { return String.format("APPHIST#%s#%010d", applicationId, version); }

    @DynamoDbPartitionKey
    public String getPk() { return pk; }
    public void setPk(String pk) { this.pk = pk; }
    @DynamoDbSortKey
    public String getSk() { return sk; }
    public void setSk(String sk) { this.sk = sk; }
    public String getTenantId() { return tenantId; }
    public void setTenantId(String tenantId) { this.tenantId = tenantId; }
    public String getApplicationId() { return applicationId; }
    public void setApplicationId(String applicationId) { this.applicationId = applicationId; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getDeclaredRiskLevel() { return declaredRiskLevel; }
    public void setDeclaredRiskLevel(String declaredRiskLevel) { this.declaredRiskLevel = declaredRiskLevel; }
    public Integer getScoreTarget() { return scoreTarget; }
    public void setScoreTarget(Integer scoreTarget) { this.scoreTarget = scoreTarget; }
    public String getOwner() { return owner; }
    public void setOwner(String owner) { this.owner = owner; }
    public Boolean getCaptureContent() { return captureContent; }
    public void setCaptureContent(Boolean captureContent) { this.captureContent = captureContent; }
    public List<String> getRedactFields() { return redactFields; }
    public void setRedactFields(List<String> redactFields) { this.redactFields = redactFields; }
    public Long getVersion() { return version; }
    public void setVersion(Long version) { this.version = version; }
    public String getCreatedAt() { return createdAt; }
    public void setCreatedAt(String createdAt) { this.createdAt = createdAt; }
    public String getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(String updatedAt) { this.updatedAt = updatedAt; }
    public String getActor() { return actor; }
    public void setActor(String actor) { this.actor = actor; }
}
