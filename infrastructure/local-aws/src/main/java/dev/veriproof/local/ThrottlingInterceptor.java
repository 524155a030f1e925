package dev.veriproof.local;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * DynamoDB throttling, injected into a real client: every {@code every}-th call of the chosen
 * operations reaches DynamoDB Local and is carried out, but its answer is replaced by a
 * {@code ProvisionedThroughputExceededException} (HTTP 400). The SDK then retries with backoff a
 * request that did happen: the harder case, which the code's idempotency must absorb without
 * losing or doubling anything.
 */
public final class ThrottlingInterceptor implements ExecutionInterceptor {
    private static final String THROTTLED = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
            + "\"message\":\"The level of configured provisioned throughput for the table was exceeded (injected by the test)\"}";

    private final Set<String> operations;
    private final int every;
    private final ConcurrentHashMap<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger injected = new AtomicInteger();
    private static final software.amazon.awssdk.core.interceptor.ExecutionAttribute<Boolean> THROTTLE =
            new software.amazon.awssdk.core.interceptor.ExecutionAttribute<>("veriproof.injectedThrottle");

    /** @param operations the operation names (e.g. {@code PutItem}, {@code TransactWriteItems}); {@code every} ≥ 1 */
    public ThrottlingInterceptor(Set<String> operations, int every) {
        if (every < 1) throw new IllegalArgumentException("every must be at least 1");
        this.operations = Set.copyOf(operations);
        this.every = every;
    }

    /** How many answers were replaced by a throttling error so far. */
    public int injected() {
        return injected.get();
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (!operations.contains(operation) || !context.httpResponse().isSuccessful()) return context.httpResponse();
        if (calls.computeIfAbsent(operation, o -> new AtomicInteger()).incrementAndGet() % every != 0) return context.httpResponse();
        injected.incrementAndGet();
        attributes.putAttribute(THROTTLE, true);
        return context.httpResponse().toBuilder().statusCode(400).statusText("Bad Request")
                .putHeader("Content-Length", Integer.toString(THROTTLED.getBytes(StandardCharsets.UTF_8).length))
                .removeHeader("x-amz-crc32").build();
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(THROTTLE))) {
            attributes.putAttribute(THROTTLE, false);
            return Optional.of(new ByteArrayInputStream(THROTTLED.getBytes(StandardCharsets.UTF_8)));
        }
        return context.responseBody();
    }
}
