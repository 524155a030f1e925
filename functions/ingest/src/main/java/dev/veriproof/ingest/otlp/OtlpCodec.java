package dev.veriproof.ingest.otlp;

import dev.veriproof.core.otlp.Span;
import java.util.List;

/** One of the two OTLP/HTTP encodings: reads an {@code ExportTraceServiceRequest}, writes the responses. */
interface OtlpCodec {

    /** The request's spans; {@link MalformedExportException} when the body is not this encoding's request. */
    List<Span> decode(byte[] body);

    /** {@code ExportTraceServiceResponse}: partial_success unset on full success, else the rejected count and message. */
    byte[] response(TraceIngest.Outcome outcome);

    /** {@code google.rpc.Status}, the body of every error response. */
    byte[] status(int grpcCode, String message);

    String contentType();

    /** The request body cannot be read as an export request; the message names where and why, without parser internals. */
    final class MalformedExportException extends RuntimeException {
        MalformedExportException(String message) {
            super(message);
        }
    }
}
