package dev.veriproof.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** A minimal Ethereum JSON-RPC client, safe for the verifier's workers to share: it reads three methods and needs nothing more. */
final class JsonRpc {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI endpoint;
    private final java.util.concurrent.atomic.AtomicInteger id = new java.util.concurrent.atomic.AtomicInteger();

    JsonRpc(String url) {
        this.endpoint = URI.create(url);
    }

    /** The result; null when the node answers null (unknown transaction or block). */
    JsonNode call(String method, Object... params) throws IOException {
        return await(callAsync(method, params));
    }

    /** As {@link #call}, without waiting: the verifier asks for what one check needs at once instead of one after another. */
    CompletableFuture<JsonNode> callAsync(String method, Object... params) {
        ObjectNode request = Json.mapper().createObjectNode();
        request.put("jsonrpc", "2.0");
        request.put("id", id.incrementAndGet());
        request.put("method", method);
        ArrayNode array = request.putArray("params");
        for (Object param : params) array.add(Json.mapper().valueToTree(param));
        return http.sendAsync(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(request))).build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> {
                    if (response.statusCode() != 200) throw new CompletionException(new IOException(method + ": HTTP " + response.statusCode() + " from " + endpoint));
                    JsonNode body = Json.parse(response.body());
                    if (body.hasNonNull("error")) throw new CompletionException(new IOException(method + ": " + body.get("error").path("message").asText()));
                    JsonNode result = body.get("result");
                    return result == null || result.isNull() ? null : result;
                });
    }

    /** The answer of a call, its failure thrown as {@link #call} throws it. */
    static JsonNode await(CompletableFuture<JsonNode> answer) throws IOException {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException && e.getCause().getCause() != null ? e.getCause().getCause() : e.getCause();
            if (cause instanceof IOException io) throw io;
            if (cause instanceof RuntimeException re) throw re;
            throw new IOException(cause);
        }
    }
}
