package dev.veriproof.adapters.dynamo;

import dev.veriproof.core.access.ApiKeyRecord;
import dev.veriproof.core.access.KeyStore;
import dev.veriproof.core.access.Role;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.model.GetItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.PutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.QueryConditional;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactPutItemEnhancedRequest;
import software.amazon.awssdk.enhanced.dynamodb.model.TransactWriteItemsEnhancedRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** Tenants and API keys in the governance table. */
public final class DynamoKeyStore implements KeyStore {
    private static final TableSchema<KeyItem> KEY_SCHEMA = TableSchema.fromBean(KeyItem.class);
    private static final TableSchema<TenantItem> TENANT_SCHEMA = TableSchema.fromBean(TenantItem.class);
    private static final Expression IS_NEW = Expression.builder().expression("attribute_not_exists(pk)").build();

    private final DynamoDbEnhancedClient client;
    private final DynamoDbTable<KeyItem> keys;
    private final DynamoDbTable<TenantItem> tenants;

    public DynamoKeyStore(DynamoDbEnhancedClient client, String governanceTable) {
        this.client = client;
        this.keys = client.table(governanceTable, KEY_SCHEMA);
        this.tenants = client.table(governanceTable, TENANT_SCHEMA);
    }

    @Override
    public boolean createTenant(String tenantId, String name, Instant at) {
        TenantItem item = new TenantItem();
        item.setPk(KeyItem.tenantPk(tenantId));
        item.setSk(TenantItem.SK);
        item.setTenantId(tenantId);
        item.setName(name);
        item.setCreatedAt(at.toString());
        try {
            tenants.putItem(PutItemEnhancedRequest.builder(TenantItem.class).item(item).conditionExpression(IS_NEW).build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean tenantExists(String tenantId) {
        return tenants.getItem(Key.builder().partitionValue(KeyItem.tenantPk(tenantId)).sortValue(TenantItem.SK).build()) != null;
    }

    @Override
    public void create(ApiKeyRecord key) {
        client.transactWriteItems(TransactWriteItemsEnhancedRequest.builder()
                .addPutItem(keys, conditionalPut(toItem(key, KeyItem.byHashPk(key.keyHash()), KeyItem.BY_HASH_SK)))
                .addPutItem(keys, conditionalPut(toItem(key, KeyItem.tenantPk(key.tenantId()), KeyItem.byIdSk(key.keyId()))))
                .build());
    }

    @Override
    public Optional<ApiKeyRecord> findByHash(String keyHash) {
        return get(KeyItem.byHashPk(keyHash), KeyItem.BY_HASH_SK);
    }

    @Override
    public Optional<ApiKeyRecord> find(String tenantId, String keyId) {
        return get(KeyItem.tenantPk(tenantId), KeyItem.byIdSk(keyId));
    }

    @Override
    public Optional<ApiKeyRecord> revoke(String tenantId, String keyId, Instant at) {
        Optional<ApiKeyRecord> found = find(tenantId, keyId);
        if (found.isEmpty() || !found.get().active()) return found;
        ApiKeyRecord revoked = new ApiKeyRecord(keyId, tenantId, found.get().role(), found.get().name(),
                found.get().applications(), found.get().keyHash(), found.get().createdAt(), at);
        // Both copies change together, so the authorizer never sees a key the tenant believes revoked.
        client.transactWriteItems(TransactWriteItemsEnhancedRequest.builder()
                .addPutItem(keys, toItem(revoked, KeyItem.byHashPk(revoked.keyHash()), KeyItem.BY_HASH_SK))
                .addPutItem(keys, toItem(revoked, KeyItem.tenantPk(tenantId), KeyItem.byIdSk(keyId)))
                .build());
        return Optional.of(revoked);
    }

    @Override
    public List<ApiKeyRecord> list(String tenantId) {
        return keys.query(QueryConditional.sortBeginsWith(
                        Key.builder().partitionValue(KeyItem.tenantPk(tenantId)).sortValue("KEY#").build()))
                .items().stream().map(DynamoKeyStore::fromItem).toList();
    }

    private Optional<ApiKeyRecord> get(String pk, String sk) {
        KeyItem item = keys.getItem(GetItemEnhancedRequest.builder()
                .key(Key.builder().partitionValue(pk).sortValue(sk).build()).consistentRead(true).build());
        return Optional.ofNullable(item).map(DynamoKeyStore::fromItem);
    }

    private static TransactPutItemEnhancedRequest<KeyItem> conditionalPut(KeyItem item) {
        return TransactPutItemEnhancedRequest.builder(KeyItem.class).item(item).conditionExpression(IS_NEW).build();
    }

    private static KeyItem toItem(ApiKeyRecord key, String pk, String sk) {
        KeyItem item = new KeyItem();
        item.setPk(pk);
        item.setSk(sk);
        item.setTenantId(key.tenantId());
        item.setKeyId(key.keyId());
        item.setRole(key.role().wireName());
        item.setName(key.name());
        item.setApplications(key.applications().stream().sorted().toList());
        item.setKeyHash(key.keyHash());
        item.setCreatedAt(key.createdAt().toString());
        item.setRevokedAt(key.revokedAt() == null ? null : key.revokedAt().toString());
        return item;
    }

    private static ApiKeyRecord fromItem(KeyItem item) {
        return new ApiKeyRecord(item.getKeyId(), item.getTenantId(),
                Role.fromWireName(item.getRole()).orElseThrow(), item.getName(),
                item.getApplications() == null ? new HashSet<>() : new HashSet<>(item.getApplications()),
                item.getKeyHash(), Instant.parse(item.getCreatedAt()),
                item.getRevokedAt() == null ? null : Instant.parse(item.getRevokedAt()));
    }
}
