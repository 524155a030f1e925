package dev.veriproof.adapters.dynamo;

import dev.veriproof.core.access.ApiKeyRecord;
import dev.veriproof.core.access.KeyStore;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.audit.AuditEvent;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Tenants and API keys in the governance table. Built with an audit log, it writes a key's creation
 * and revocation together with their audit entries, in one transaction.
 */
public final class DynamoKeyStore implements KeyStore {
    private static final TableSchema<KeyItem> KEY_SCHEMA = TableSchema.fromBean(KeyItem.class);
    private static final TableSchema<TenantItem> TENANT_SCHEMA = TableSchema.fromBean(TenantItem.class);
    private static final Expression IS_NEW = Expression.builder().expression("attribute_not_exists(pk)").build();

    private final DynamoDbEnhancedClient client;
    private final DynamoDbTable<KeyItem> keys;
    private final DynamoDbTable<TenantItem> tenants;
    private final DynamoAuditLog audit;

    /** A store whose changes are not audited: for the authorizer (read only), tests and tools. */
    public DynamoKeyStore(DynamoDbEnhancedClient client, String governanceTable) {
        this(client, governanceTable, null);
    }

    public DynamoKeyStore(DynamoDbEnhancedClient client, String governanceTable, DynamoAuditLog audit) {
        this.client = client;
        this.keys = client.table(governanceTable, KEY_SCHEMA);
        this.tenants = client.table(governanceTable, TENANT_SCHEMA);
        this.audit = audit;
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
    public void create(ApiKeyRecord key, String actor) {
        if (audit != null) {
            List<TransactWriteItem> writes = List.of(
                    put(toItem(key, KeyItem.byHashPk(key.keyHash()), KeyItem.BY_HASH_SK), "attribute_not_exists(pk)"),
                    put(toItem(key, KeyItem.tenantPk(key.tenantId()), KeyItem.byIdSk(key.keyId())), "attribute_not_exists(pk)"));
            if (!audit.appendWith(key.tenantId(), auditEvent(actor, "key.create", key), writes).written()) {
                throw new IllegalStateException("key " + key.keyId() + " exists already");
            }
            return;
        }
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
    public Optional<ApiKeyRecord> revoke(String tenantId, String keyId, Instant at, String actor) {
        Optional<ApiKeyRecord> found = find(tenantId, keyId);
        if (found.isEmpty() || !found.get().active()) return found;
        ApiKeyRecord revoked = new ApiKeyRecord(keyId, tenantId, found.get().role(), found.get().name(),
                found.get().applications(), found.get().keyHash(), found.get().createdAt(), at);
        // Both copies change together, so the authorizer never sees a key the tenant believes revoked.
        if (audit != null) {
            List<TransactWriteItem> writes = List.of(
                    put(toItem(revoked, KeyItem.byHashPk(revoked.keyHash()), KeyItem.BY_HASH_SK), null),
                    // only an active key is revoked, so two concurrent revocations record one entry
                    put(toItem(revoked, KeyItem.tenantPk(tenantId), KeyItem.byIdSk(keyId)), "attribute_not_exists(revokedAt)"));
            return audit.appendWith(tenantId, auditEvent(actor, "key.revoke", revoked), writes).written()
                    ? Optional.of(revoked) : find(tenantId, keyId);
        }
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

    private TransactWriteItem put(KeyItem item, String condition) {
        Put.Builder put = Put.builder().tableName(keys.tableName()).item(KEY_SCHEMA.itemToMap(item, true));
        if (condition != null) put.conditionExpression(condition);
        return TransactWriteItem.builder().put(put.build()).build();
    }

    /** What the audit log keeps of a key: never the key, nor its hash. */
    private static AuditEvent auditEvent(String actor, String action, ApiKeyRecord key) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("role", key.role().wireName());
        details.put("name", key.name());
        details.put("applications", key.applications().stream().sorted().toList());
        return new AuditEvent(actor, action, "key/" + key.keyId(), details);
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
