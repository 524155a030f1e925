package dev.veriproof.bench;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Time the calling thread spends waiting for DynamoDB: from the moment the SDK hands a signed
 * request to the HTTP client until the response has arrived, summed over every call and retry.
 * Marshalling, signing and unmarshalling stay outside, as client-side work of the caller.
 *
 * <p>The SDK adds this interceptor to every client it builds, including the handler's (which
 * {@code AwsClients} builds from configuration), because this module lists it in the SDK's global
 * interceptor resource {@code software/amazon/awssdk/global/handlers/execution.interceptors}.
 */
public final class DbTimer implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("bench.transmissionStarted");
    /** [0] nanoseconds in transmission, [1] transmissions, for the current thread. */
    private static final ThreadLocal<long[]> SPENT = ThreadLocal.withInitial(() -> new long[2]);

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        long[] spent = SPENT.get();
        spent[0] += System.nanoTime() - attributes.getAttribute(STARTED);
        spent[1]++;
    }

    /** Starts counting afresh on this thread. */
    static void reset() {
        long[] spent = SPENT.get();
        spent[0] = 0;
        spent[1] = 0;
    }

    /** Nanoseconds this thread spent in DynamoDB transmissions since {@link #reset()}. */
    static long nanos() {
        return SPENT.get()[0];
    }

    /** Transmissions (HTTP round trips) this thread made since {@link #reset()}. */
    static long calls() {
        return SPENT.get()[1];
    }
}
