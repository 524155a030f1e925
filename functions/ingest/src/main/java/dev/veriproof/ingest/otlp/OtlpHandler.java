package dev.veriproof.ingest.otlp;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.veriproof.adapters.Config;
import dev.veriproof.adapters.Log;
import dev.veriproof.adapters.aws.AwsClients;
import dev.veriproof.adapters.dynamo.DynamoApplicationStore;
import dev.veriproof.adapters.dynamo.DynamoSessionStore;
import dev.veriproof.adapters.http.ApiException;
import dev.veriproof.adapters.http.ApiRequest;
import dev.veriproof.adapters.snapstart.PrimedHandler;
import dev.veriproof.core.access.Principal;
import dev.veriproof.core.access.Role;
import dev.veriproof.core.otlp.Span;
import dev.veriproof.core.otlp.SpanLimits;
import dev.veriproof.ingest.SessionIngest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * {@code POST /v1/traces} (ingest, admin): OTLP/HTTP trace export, binary protobuf or JSON,
 * optionally gzip-compressed (SPEC §13). Answers as the OTLP/HTTP specification says, in the
 * request's encoding: 200 with an {@code ExportTraceServiceResponse} (partial success when spans
 * were rejected), otherwise a {@code google.rpc.Status}: 400 undecodable, 401/403 key, 413 too
 * large, 415 other media types or encodings, 503 with {@code Retry-After} when the database throttles.
 */
public final class OtlpHandler extends PrimedHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    static final String ROUTE = "POST /v1/traces";
    /**
     * Bytes of the body as sent (compressed or not). API Gateway hands a binary or compressed body to
     * Lambda base64-encoded (4/3 larger) inside a JSON event, and a synchronous invocation carries at
     * most 6 MB: 4 MiB leaves room for the encoding and the event around it.
     */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** Bytes of a gzip body once decompressed: far above any real export, low enough to stop a decompression bomb. */
    static final int MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024;
    static final String RETRY_AFTER_SECONDS = "2";

    private static final int INVALID_ARGUMENT = 3;
    private static final int NOT_FOUND = 5;
    private static final int PERMISSION_DENIED = 7;
    private static final int INTERNAL = 13;
    private static final int UNAVAILABLE = 14;
    private static final int UNAUTHENTICATED = 16;

    private static final OtlpCodec PROTOBUF = new OtlpProtobuf();
    private static final OtlpCodec JSON = new OtlpJson();

    private final TraceIngest traces;

    public OtlpHandler() {
        this(new TraceIngest(
                new SessionIngest(new DynamoSessionStore(AwsClients.dynamoDb(), Config.sessionsTable()),
                        new DynamoApplicationStore(AwsClients.enhancedDynamoDb(), Config.governanceTable()), Clock.systemUTC(),
                        Duration.ofSeconds(Config.optional("APPLICATION_CACHE_SECONDS").map(Long::parseLong).orElse(10L))),
                new DynamoTraceBuffer(AwsClients.dynamoDb(), Config.required("TRACE_BUFFER_TABLE"), Clock.systemUTC(),
                        Duration.ofHours(Config.optional("TRACE_BUFFER_HOURS").map(Long::parseLong).orElse(24L)))));
    }

    OtlpHandler(TraceIngest traces) {
        this.traces = traces;
    }

    /**
     * An export of one span that says nothing about a decision: the whole request path (authorization
     * context, decoding, grouping) without a write; {@link #warmUp()} covers the mapping and a read.
     */
    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey(ROUTE)
                .withHeaders(Map.of("content-type", OtlpJson.CONTENT_TYPE))
                .withBody(OtlpWarmUp.NOTHING_TO_STORE)
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(PRIMING)
                        .withRouteKey(ROUTE)
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder().withLambda(Map.of(
                                ApiRequest.CTX_AUTHENTICATED, "true", ApiRequest.CTX_TENANT, PRIMING,
                                ApiRequest.CTX_ROLE, Role.INGEST.wireName(), ApiRequest.CTX_KEY_ID, PRIMING,
                                ApiRequest.CTX_APPLICATIONS, "")).build())
                        .build())
                .build();
    }

    @Override
    protected void warmUp() {
        OtlpWarmUp.run();
        traces.warmUp();
        DynamoApplicationStore.warmUpMapping();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        ApiRequest request = ApiRequest.of(event);
        OtlpCodec codec = codec(request);
        try {
            if (!ROUTE.equals(request.routeKey())) throw new ApiException(404, "not_found", "No route " + request.routeKey());
            Principal caller = request.requireRole(Role.INGEST, Role.ADMIN);
            if (codec == null) {
                throw new ApiException(415, "unsupported_media_type", "Send an OTLP export as Content-Type application/x-protobuf "
                        + "or application/json (got '" + request.header("content-type").orElse("none") + "').");
            }
            List<Span> spans = codec.decode(decompress(request));
            if (spans.size() > SpanLimits.MAX_SPANS_PER_REQUEST) {
                throw new ApiException(413, "payload_too_large", "The export holds " + spans.size() + " spans; at most "
                        + SpanLimits.MAX_SPANS_PER_REQUEST + " per request (nothing was stored). Lower the batch size, e.g. OTEL_BSP_MAX_EXPORT_BATCH_SIZE.");
            }
            String requestId = request.requestId().isBlank() ? UUID.randomUUID().toString() : request.requestId();
            TraceIngest.Outcome outcome = traces.ingest(caller, spans, requestId);
            outcome.sessions().emit();
            return respond(200, codec, codec.response(outcome), Map.of());
        } catch (ApiException e) {
            return error(codec, e.status(), e.getMessage());
        } catch (OtlpCodec.MalformedExportException e) {
            return error(codec, 400, e.getMessage());
        } catch (AwsServiceException e) {
            // Throttling, and transactions cancelled by a concurrent write to the same trace: both pass.
            boolean retryable = e.isThrottlingException() || e instanceof TransactionCanceledException;
            if (!retryable) return internalError(request, codec, e);
            Log.error("throttled", e, "route", request.routeKey(), "requestId", request.requestId());
            return unavailable(codec, "The service is throttled; retry after " + RETRY_AFTER_SECONDS + " seconds.");
        } catch (SdkClientException e) {
            Log.error("database unreachable", e, "route", request.routeKey(), "requestId", request.requestId());
            return unavailable(codec, "The service cannot reach its database; retry after " + RETRY_AFTER_SECONDS + " seconds.");
        } catch (RuntimeException e) {
            return internalError(request, codec, e);
        }
    }

    /** The request's encoding; null for a media type OTLP/HTTP does not define. */
    private static OtlpCodec codec(ApiRequest request) {
        String media = request.header("content-type").orElse("").split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (media) {
            case OtlpProtobuf.CONTENT_TYPE -> PROTOBUF;
            case OtlpJson.CONTENT_TYPE -> JSON;
            default -> null;
        };
    }

    private static byte[] decompress(ApiRequest request) {
        byte[] body = request.body(Integer.MAX_VALUE); // the OTLP limit is checked below, with the answer OTLP clients expect
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiException(413, "payload_too_large", "The body is " + body.length + " bytes; at most " + MAX_BODY_BYTES
                    + " (4 MiB) as sent per request (nothing was stored). Export smaller batches.");
        }
        String encoding = request.header("content-encoding").orElse("identity").trim().toLowerCase(Locale.ROOT);
        if (encoding.isEmpty() || encoding.equals("identity")) return body;
        if (!encoding.equals("gzip")) {
            throw new ApiException(415, "unsupported_media_type", "Content-Encoding '" + encoding + "' is not supported; send gzip or no encoding.");
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(MAX_DECOMPRESSED_BYTES, body.length * 4));
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (out.size() + n > MAX_DECOMPRESSED_BYTES) {
                    throw new ApiException(413, "payload_too_large", "The body decompresses to more than " + MAX_DECOMPRESSED_BYTES
                            + " bytes (16 MiB), the limit per request (nothing was stored). Export smaller batches.");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new OtlpCodec.MalformedExportException("The body says Content-Encoding: gzip but is not valid gzip data.");
        }
    }

    private static APIGatewayV2HTTPResponse error(OtlpCodec codec, int status, String message) {
        int grpcCode = switch (status) {
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> NOT_FOUND;
            case 503 -> UNAVAILABLE;
            case 500 -> INTERNAL;
            default -> INVALID_ARGUMENT;
        };
        OtlpCodec answer = codec == null ? JSON : codec;
        return respond(status, answer, answer.status(grpcCode, message), Map.of());
    }

    private static APIGatewayV2HTTPResponse unavailable(OtlpCodec codec, String message) {
        OtlpCodec answer = codec == null ? JSON : codec;
        return respond(503, answer, answer.status(UNAVAILABLE, message), Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }

    private static APIGatewayV2HTTPResponse internalError(ApiRequest request, OtlpCodec codec, RuntimeException e) {
        Log.error("unhandled error", e, "route", request.routeKey(), "requestId", request.requestId());
        return error(codec, 500, "The export failed on the server; retry later. Request id: " + request.requestId());
    }

    private static APIGatewayV2HTTPResponse respond(int status, OtlpCodec codec, byte[] body, Map<String, String> extraHeaders) {
        boolean binary = codec == PROTOBUF;
        Map<String, String> headers = new java.util.HashMap<>(extraHeaders);
        headers.put("Content-Type", codec.contentType());
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(binary ? Base64.getEncoder().encodeToString(body) : new String(body, StandardCharsets.UTF_8))
                .withIsBase64Encoded(binary)
                .build();
    }
}
