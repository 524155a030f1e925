package dev.veriproof.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veriproof.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A plain HTTP client of the VeriProof API, the way an SDK calls it. */
public final class ApiClient {
    public record Response(int status, String body) {
        public JsonNode json() {
            return Json.parse(body);
        }
    }

    private final String apiUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ApiClient(String apiUrl) {
        this.apiUrl = apiUrl;
    }

    public Response post(String path, String apiKey, Object body) {
        return post(path, apiKey, body, Map.of());
    }

    public Response post(String path, String apiKey, Object body, Map<String, String> headers) {
        byte[] bytes = body instanceof byte[] raw ? raw : body instanceof String s ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8) : Json.write(body);
        HttpRequest.Builder request = request(path, apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        headers.forEach(request::header);
        return send(request.build());
    }

    public Response patch(String path, String apiKey, Object body) {
        return send(request(path, apiKey).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build());
    }

    public Response put(String path, String apiKey, Object body) {
        return send(request(path, apiKey).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build());
    }

    public Response get(String path, String apiKey) {
        return send(request(path, apiKey).GET().build());
    }

    public Response delete(String path, String apiKey) {
        return send(request(path, apiKey).DELETE().build());
    }

    public Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException("request to " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public HttpRequest.Builder request(String path, String apiKey) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(Duration.ofSeconds(30));
        if (apiKey != null) builder.header("X-API-Key", apiKey);
        return builder;
    }

    public JsonNode expect(int status, Response response) {
        if (response.status() != status) {
            throw new IllegalStateException("expected HTTP " + status + ", got " + response.status() + ": " + response.body());
        }
        return response.body().isEmpty() ? null : response.json();
    }
}
