package dev.veriproof.bench;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Time the calling thread spends waiting for DynamoDB: from the moment the SDK hands a signed
 * request to the HTTP client until the response has arrived, summed over every call and retry.
 * Marshalling, signing and unmarshalling stay outside, as client-side work of the caller, and are
 * summed apart ({@link #clientNanos()}): the part of a handler's own time that a bare SDK call costs too.
 *
 * <p>The SDK adds this interceptor to every client it builds, including the handler's (which
 * {@code AwsClients} builds from configuration), because this module lists it in the SDK's global
 * interceptor resource {@code software/amazon/awssdk/global/handlers/execution.interceptors}.
 */
public final class DbTimer implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> LAST = new ExecutionAttribute<>("bench.lastHook");
    /** [0] nanoseconds in transmission, [1] transmissions, [2] nanoseconds of SDK client work, for the current thread. */
    private static final ThreadLocal<long[]> SPENT = ThreadLocal.withInitial(() -> new long[3]);

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(LAST, System.nanoTime());
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        long now = System.nanoTime();
        SPENT.get()[2] += now - attributes.getAttribute(LAST);
        attributes.putAttribute(LAST, now);
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        long now = System.nanoTime();
        long[] spent = SPENT.get();
        spent[0] += now - attributes.getAttribute(LAST);
        spent[1]++;
        attributes.putAttribute(LAST, now);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        SPENT.get()[2] += System.nanoTime() - attributes.getAttribute(LAST);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Long last = attributes.getAttribute(LAST);
        if (last != null) SPENT.get()[2] += System.nanoTime() - last;
    }

    /** Starts counting afresh on this thread. */
    static void reset() {
        long[] spent = SPENT.get();
        spent[0] = 0;
        spent[1] = 0;
        spent[2] = 0;
    }

    /** Nanoseconds this thread spent in DynamoDB transmissions since {@link #reset()}. */
    static long nanos() {
        return SPENT.get()[0];
    }

    /** Transmissions (HTTP round trips) this thread made since {@link #reset()}. */
    static long calls() {
        return SPENT.get()[1];
    }

    /**
     * Nanoseconds of the SDK's own work around the transmissions since {@link #reset()}: from a call's start to its
     * request's transmission (marshalling, signing, interceptors) and from the response to the call's end (unmarshalling).
     */
    static long clientNanos() {
        return SPENT.get()[2];
    }
}
