package dev.veriproof.adapters.dynamo;

import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;

/**
 * A session in the sessions table. {@code anchorPending}/{@code pendingKey} feed the sparse
 * {@code pending-anchor} index (removed once anchored); {@code tenantDay}/{@code startedAtKey} feed
 * the {@code tenant-day} index used to read a tenant's sessions by day. {@code reviewQueue}
 * ({@code <tenant>#<application>}, with {@code startedAtKey}) feeds the sparse {@code review-queue}
 * index: only sessions that required oversight and had none carry it, until a review removes it.
 */
@DynamoDbBean
public class SessionItem {
    static final String PENDING = "PENDING";

    private String pk;
    private String tenantId;
    private String sessionId;
    private String applicationId;
    private String startedAt;
    private String day;
    private String tenantDay;
    private String startedAtKey;
    private String record;
    private String leafHash;
    private Integer governanceScore;
    private String band;
    private Map<String, Integer> factors;
    private String receivedAt;
    private String requestId;
    private String anchorPending;
    private String pendingKey;
    private String reviewQueue;
    private String anchor;
    private String proof;

    static String key(String tenantId, String sessionId) {
        return "S#" + tenantId + "#" + sessionId;
    }

    static String reviewQueue(String tenantId, String applicationId) {
        return tenantId + "#" + applicationId;
    }

    @DynamoDbPartitionKey
    public String getPk() { return pk; }
    public void setPk(String pk) { this.pk = pk; }
    public String getTenantId() { return tenantId; }
    public void setTenantId(String tenantId) { this.tenantId = tenantId; }
    public String getSessionId() { return sessionId; }
    public void setSessionId(String sessionId) { this.sessionId = sessionId; }
    public String getApplicationId() { return applicationId; }
    public void setApplicationId(String applicationId) { this.applicationId = applicationId; }
    public String getStartedAt() { return startedAt; }
    public void setStartedAt(String startedAt) { this.startedAt = startedAt; }
    public String getDay() { return day; }
    public void setDay(String day) { this.day = day; }
    public String getTenantDay() { return tenantDay; }
    public void setTenantDay(String tenantDay) { this.tenantDay = tenantDay; }
    public String getStartedAtKey() { return startedAtKey; }
    public void setStartedAtKey(String startedAtKey) { this.startedAtKey = startedAtKey; }
    public String getRecord() { return record; }
    public void setRecord(String record) { this.record = record; }
    public String getLeafHash() { return leafHash; }
    public void setLeafHash(String leafHash) { this.leafHash = leafHash; }
    public Integer getGovernanceScore() { return governanceScore; }
    public void setGovernanceScore(Integer governanceScore) { this.governanceScore = governanceScore; }
    public String getBand() { return band; }
    public void setBand(String band) { this.band = band; }
    public Map<String, Integer> getFactors() { return factors; }
    public void setFactors(Map<String, Integer> factors) { this.factors = factors; }
    public String getReceivedAt() { return receivedAt; }
    public void setReceivedAt(String receivedAt) { this.receivedAt = receivedAt; }
    public String getRequestId() { return requestId; }
    public void setRequestId(String requestId) { this.requestId = requestId; }
    public String getAnchorPending() { return anchorPending; }
    public void setAnchorPending(String anchorPending) { this.anchorPending = anchorPending; }
    public String getPendingKey() { return pendingKey; }
    public void setPendingKey(String pendingKey) { this.pendingKey = pendingKey; }
    /** Written by the anchoring function (JSON), read here only. */
    public String getAnchor() { return anchor; }
    public void setAnchor(String anchor) { this.anchor = anchor; }
    public String getProof() { return proof; }
    public void setProof(String proof) { this.proof = proof; }
    public String getReviewQueue() { return reviewQueue; }
    public void setReviewQueue(String reviewQueue) { this.reviewQueue = reviewQueue; }
}
