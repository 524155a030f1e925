package dev.veriproof.console;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code GET /console} and {@code GET /console/{proxy+}}, no authentication: the Compliance Center's
 * static files (built by Vite into this jar under {@code console/}), served on the API's own origin so
 * that the console calls {@code /v1/*} without CORS and the API key never leaves that origin.
 *
 * <p>The files are read from the jar once each and kept; Vite names every asset by its content hash,
 * so assets are cached for a year while {@code index.html} is revalidated on each load.
 */
public final class ConsoleAssetsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    static final String PREFIX = "/console";
    /** Files the build emits: names of letters, digits, dot, dash and underscore, no "..", no hidden files. */
    private static final Pattern SAFE_PATH = Pattern.compile("(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon", "json", "application/json",
            "woff2", "font/woff2", "txt", "text/plain; charset=utf-8");
    /**
     * Scripts and styles only from this origin, API calls only to it, no framing. Styles allow inline
     * attributes because the chart library positions its elements with them.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private record Asset(byte[] bytes, String type) {}

    /** Only files that exist are kept, so requests for made-up names cannot grow it. */
    private final Map<String, Asset> assets = new ConcurrentHashMap<>();

    public ConsoleAssetsHandler() {
        // read in the init phase, so that a SnapStart snapshot already holds the page
        asset("index.html");
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String path = Optional.ofNullable(event.getRawPath()).orElse("");
        if (path.equals(PREFIX)) return redirect(PREFIX + "/");
        if (!path.startsWith(PREFIX + "/")) return notFound();
        String file = path.substring(PREFIX.length() + 1);
        if (file.isEmpty()) file = "index.html";
        if (!SAFE_PATH.matcher(file).matches()) return notFound();
        String name = file;
        return asset(name).map(asset -> ok(asset, name.equals("index.html") ? "no-cache" : "public, max-age=31536000, immutable"))
                .orElseGet(ConsoleAssetsHandler::notFound);
    }

    private Optional<Asset> asset(String file) {
        return Optional.ofNullable(assets.computeIfAbsent(file, name -> {
            try (InputStream in = ConsoleAssetsHandler.class.getResourceAsStream("/console/" + name)) {
                if (in == null) return null;
                String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
                return new Asset(in.readAllBytes(), TYPES.getOrDefault(extension, "application/octet-stream"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }

    private static APIGatewayV2HTTPResponse ok(Asset asset, String cacheControl) {
        boolean text = asset.type().startsWith("text/") || asset.type().contains("json") || asset.type().contains("svg");
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(200)
                .withHeaders(headers(asset.type(), cacheControl))
                .withBody(text ? new String(asset.bytes(), StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(asset.bytes()))
                .withIsBase64Encoded(!text)
                .build();
    }

    private static APIGatewayV2HTTPResponse redirect(String location) {
        Map<String, String> headers = headers("text/plain; charset=utf-8", "no-cache");
        headers.put("Location", location);
        return APIGatewayV2HTTPResponse.builder().withStatusCode(301).withHeaders(headers).withBody("").build();
    }

    private static APIGatewayV2HTTPResponse notFound() {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(404)
                .withHeaders(headers("text/plain; charset=utf-8", "no-cache"))
                .withBody("Not found. The Compliance Center is at /console/.").build();
    }

    private static Map<String, String> headers(String contentType, String cacheControl) {
        Map<String, String> headers = new java.util.HashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("Cache-Control", cacheControl);
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        return headers;
    }
}
