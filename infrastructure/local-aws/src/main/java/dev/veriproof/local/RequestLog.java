package dev.veriproof.local;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The requests a client sent, by their class name ({@code QueryRequest}, {@code PutItemRequest}, ...), in order: what a
 * test reads to say that a path only reads ({@code aws.client(log)}).
 */
public final class RequestLog implements ExecutionInterceptor {
    private final List<String> names = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        names.add(context.request().getClass().getSimpleName());
    }

    public List<String> names() {
        return List.copyOf(names);
    }

    public long count(String name) {
        return names.stream().filter(name::equals).count();
    }

    /** Whether every request sent is one of {@code allowed}. */
    public boolean only(Set<String> allowed) {
        return allowed.containsAll(names);
    }

    @Override
    public String toString() {
        return names.toString();
    }
}
