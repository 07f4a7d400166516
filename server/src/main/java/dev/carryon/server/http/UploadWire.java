package dev.carryon.server.http;

import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadException;
import dev.carryon.core.upload.UploadRules;
import dev.carryon.server.upload.UploadEndpoint;
import dev.carryon.server.upload.UploadService;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * One protocol's wire form on the upload endpoint: how its requests read and how its answers look, with no
 * dispatch and no I/O of its own. {@link UploadResponder} routes every request to the wire its fields name
 * ({@link TusWire}, {@link IetfWire}) and does the rest the same way for both.
 */
interface UploadWire {

    UploadEndpoint.Protocol protocol();

    /**
     * What the protocol requires of every request before anything else: an answer to send instead (tus: 412 for
     * another version), or null; or an {@link UploadException}.
     */
    FullHttpResponse versionRefusal(HttpRequest r);

    /** Checks a request to an upload (not the collection) for fields its method may not carry. */
    default void checkUploadRequest(HttpMethod method, HttpRequest r) {
    }

    /** How an append to an upload that is already complete is met. */
    UploadRules.Completed completed();

    /** A creation request read: what to create, and, when it carries data, how to append it (read when needed). */
    record Create(UploadService.Creation creation, Supplier<AppendSpec> body) {
    }

    /**
     * An append read from a request, without the upload it goes to. {@code completing}: the request says this is
     * the last of the upload, so that a length still unknown when the body has ended is its offset then.
     */
    record AppendSpec(long offset, OptionalLong declaredLength, long bodyLength, TusFields.Checksum checksum,
                      boolean checksumTrailer, boolean completing) {
    }

    Create creation(HttpRequest r, String owner);

    AppendSpec append(HttpRequest r);

    /** An informational answer to send once the upload exists and before its data arrives, or null. */
    default FullHttpResponse informational(HttpRequest r, Upload u, String location) {
        return null;
    }

    /** The answer to a creation; {@code withData} when the request carried data. */
    FullHttpResponse created(HttpRequest r, Upload u, String location, boolean withData);

    HttpResponse head(HttpRequest r, Upload u);

    HttpResponse appended(HttpRequest r, Upload u);

    /** The answer to a refusal, with the status the protocol's table gives its reason. */
    FullHttpResponse refusal(UploadException e, HttpRequest r);

    /** Fields every answer of the protocol carries. */
    void stamp(HttpHeaders h);

    // ---- fields both protocols read alike ----

    static boolean hasBody(HttpRequest r) {
        String length = r.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        return r.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                || (length != null && !length.strip().equals("0"));
    }

    /** The body's length from Content-Length, -1 when chunked or unknown. */
    static long bodyLength(HttpRequest r) {
        if (r.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return -1;
        }
        String length = r.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        if (length == null) {
            return 0;
        }
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            throw UploadException.malformed("Content-Length is not a number");
        }
    }

    /** The media type of the body, without parameters; empty when none is named. */
    static String contentType(HttpRequest r) {
        String t = r.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (t == null) {
            return "";
        }
        int semi = t.indexOf(';');
        return (semi < 0 ? t : t.substring(0, semi)).strip();
    }

    static HttpResponseStatus status(int code) {
        return HttpResponseStatus.valueOf(code, reasonPhrase(code));
    }

    static String reasonPhrase(int status) {
        return switch (status) {
            case 460 -> "Checksum Mismatch";
            case 507 -> "Insufficient Storage";
            default -> HttpResponseStatus.valueOf(status).reasonPhrase();
        };
    }
}
