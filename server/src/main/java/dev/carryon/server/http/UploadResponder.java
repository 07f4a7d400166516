package dev.carryon.server.http;

import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadException;
import dev.carryon.core.upload.UploadRules;
import dev.carryon.server.upload.BodyPipe;
import dev.carryon.server.upload.UploadEndpoint;
import dev.carryon.server.upload.UploadService;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Answers the upload endpoint: tus 1.0.0 here, the IETF draft through {@link IetfDraft}. Every answer carries the
 * CORS fields its origin is allowed; every refusal says why.
 */
final class UploadResponder {

    private static final Logger log = LoggerFactory.getLogger(UploadResponder.class);
    private static final String TUS_RESUMABLE = "Tus-Resumable";

    /** tus's status for each refusal: the HTTP meaning of its rule, with tus's own 460 for a checksum mismatch. */
    static final Map<UploadException.Reason, Integer> TUS_STATUS;

    static {
        Map<UploadException.Reason, Integer> t = new EnumMap<>(UploadException.Reason.class);
        for (UploadException.Reason r : UploadException.Reason.values()) {
            t.put(r, r.status());
        }
        TUS_STATUS = Collections.unmodifiableMap(t);
    }

    private final UploadEndpoint endpoint;
    private final UploadService service;
    private final IetfUploadResponder ietf;

    UploadResponder(UploadEndpoint endpoint) {
        this.endpoint = endpoint;
        this.service = endpoint.service();
        this.ietf = new IetfUploadResponder(endpoint, this);
    }

    UploadEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Answers a request to the endpoint. When the request's body is to be read, returns the pipe that takes
     * it; otherwise null (and a body, if any, is not read: the connection closes after the answer).
     */
    BodyPipe answer(Exchange ex) {
        HttpRequest r = ex.request();
        UploadEndpoint.Protocol protocol = UploadEndpoint.protocol(r);
        try {
            HttpMethod method = UploadEndpoint.method(r);
            String id = endpoint.idOf(r.uri());
            if (HttpMethod.OPTIONS.equals(method)) {
                options(ex);
                return null;
            }
            if (protocol == UploadEndpoint.Protocol.IETF) {
                return ietf.answer(ex, method, id);
            }
            String version = r.headers().get(TUS_RESUMABLE);
            if (version == null || !version.strip().equals(TusFields.VERSION)) {
                FullHttpResponse resp = Responses.error(HttpResponseStatus.PRECONDITION_FAILED, version == null
                        ? "requests to the upload endpoint need Tus-Resumable: 1.0.0 (tus) or Upload-Draft-Interop-Version (IETF)"
                        : "this server speaks tus " + TusFields.VERSION + ", not " + version);
                resp.headers().set("Tus-Version", TusFields.VERSION);
                send(ex, resp, protocol);
                return null;
            }
            String owner = endpoint.requester(r);
            if (HttpMethod.POST.equals(method) && id == null) {
                return tusCreate(ex, owner);
            }
            if (id == null) {
                throw new UploadException(UploadException.Reason.METHOD_NOT_ALLOWED, method.name() + " is not allowed on the upload collection; POST creates");
            }
            if (HttpMethod.HEAD.equals(method)) {
                reply(ex, protocol, service.head(id, owner), u -> {
                    HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    UploadEndpoint.tusHeadFields(u).forEach(resp.headers()::set);
                    resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                    sendHead(ex, resp, protocol);
                });
                return null;
            }
            if (HttpMethod.PATCH.equals(method)) {
                return tusPatch(ex, id, owner);
            }
            if (HttpMethod.DELETE.equals(method)) {
                reply(ex, protocol, service.terminate(id, owner),
                        v -> sendHead(ex, new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT), protocol));
                return null;
            }
            throw new UploadException(UploadException.Reason.METHOD_NOT_ALLOWED, method.name() + " is not allowed here; an upload answers HEAD, PATCH and DELETE");
        } catch (UploadException e) {
            refuse(ex, e, protocol);
            return null;
        }
    }

    private void options(Exchange ex) {
        HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        HttpHeaders h = resp.headers();
        // Optional on an OPTIONS answer, but the protocol's own example carries it and clients look for it.
        h.set(TUS_RESUMABLE, TusFields.VERSION);
        h.set("Tus-Version", TusFields.VERSION);
        h.set("Tus-Extension", UploadEndpoint.TUS_EXTENSIONS);
        h.set("Tus-Checksum-Algorithm", TusFields.SUPPORTED_CHECKSUMS);
        if (service.settings().maxSize() > 0) {
            h.set("Tus-Max-Size", service.settings().maxSize());
        }
        h.set(HttpHeaderNames.ALLOW, "POST, HEAD, PATCH, DELETE, OPTIONS");
        // Discovery serves both protocols at once: an IETF client reads Upload-Limit, a tus client Tus-*.
        IetfUploadResponder.limits(service.settings(), IetfUploadResponder.NEWEST).forEach(h::set);
        endpoint.cors(ex.request(), true).forEach(h::set);
        ex.sendHeadOnly(resp);
    }

    private BodyPipe tusCreate(Exchange ex, String owner) {
        HttpRequest r = ex.request();
        UploadService.Creation creation = endpoint.tusCreation(r, owner);
        boolean withBody = hasBody(r);
        if (creation.concat().kind() == TusFields.Concat.Kind.FINAL) {
            UploadRules.finalCreation(withBody);
        }
        if (withBody && !"application/offset+octet-stream".equalsIgnoreCase(contentType(r))) {
            throw new UploadException(UploadException.Reason.UNSUPPORTED_MEDIA_TYPE, "a creation request with data needs Content-Type: application/offset+octet-stream");
        }
        CompletableFuture<Upload> created = service.create(creation);
        if (!withBody) {
            reply(ex, UploadEndpoint.Protocol.TUS, created, u -> sendCreated(ex, u, false));
            return null;
        }
        CompletableFuture<UploadService.Appender> ready = created.thenCompose(u -> service.append(
                new UploadService.Append(u.id(), owner, 0, java.util.OptionalLong.empty(), bodyLength(r),
                        headerChecksum(r), checksumTrailer(r), ex.ctx().channel(),
                        UploadRules.Completed.EMPTY_APPEND_MATCHES)));
        continueIfExpected(ex);
        return new BodyPipe(ex.ctx().channel(), ready, (u, e) -> {
            if (e != null) {
                Upload made = now(created, null);
                if (made != null && e instanceof UploadException ue
                        && ue.reason() != UploadException.Reason.CHECKSUM_MISMATCH) {
                    // Created: say where, and how far the data got; the client resumes from there.
                    sendCreated(ex, now(service.head(made.id(), owner), made), true);
                    return;
                }
                refuse(ex, e, UploadEndpoint.Protocol.TUS);
            } else {
                sendCreated(ex, u, true);
            }
        });
    }

    private void sendCreated(Exchange ex, Upload u, boolean withOffset) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED,
                Unpooled.EMPTY_BUFFER);
        resp.headers().set(HttpHeaderNames.LOCATION, endpoint.location(ex.request(), u.id(), isTls(ex)));
        resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        if (withOffset || u.offset() > 0) {
            resp.headers().set("Upload-Offset", u.offset());
        }
        java.util.Map<String, String> exp = new java.util.LinkedHashMap<>();
        UploadEndpoint.stateFields(u, exp);
        exp.forEach(resp.headers()::set);
        send(ex, resp, UploadEndpoint.Protocol.TUS);
    }

    private static TusFields.Checksum headerChecksum(HttpRequest r) {
        return TusFields.checksum(r.headers().get("Upload-Checksum")).orElse(null);
    }

    /** Whether the request announces its checksum as a trailer; both a header and a trailer is ambiguous: 400. */
    private static boolean checksumTrailer(HttpRequest r) {
        boolean announced = false;
        for (String field : r.headers().getAll(HttpHeaderNames.TRAILER)) {
            for (String name : field.split(",")) {
                announced |= name.strip().equalsIgnoreCase("Upload-Checksum");
            }
        }
        if (announced && r.headers().contains("Upload-Checksum")) {
            throw UploadException.malformed("Upload-Checksum is both a header and an announced trailer; send one");
        }
        return announced;
    }

    private BodyPipe tusPatch(Exchange ex, String id, String owner) {
        HttpRequest r = ex.request();
        if (!"application/offset+octet-stream".equalsIgnoreCase(contentType(r))) {
            throw new UploadException(UploadException.Reason.UNSUPPORTED_MEDIA_TYPE, "PATCH needs Content-Type: application/offset+octet-stream");
        }
        long offset = TusFields.number("Upload-Offset", r.headers().get("Upload-Offset"))
                .orElseThrow(() -> UploadException.malformed("PATCH needs Upload-Offset"));
        UploadService.Append append = new UploadService.Append(id, owner, offset,
                UploadEndpoint.declaredLength(r.headers()), bodyLength(r),
                headerChecksum(r), checksumTrailer(r), ex.ctx().channel(), UploadRules.Completed.EMPTY_APPEND_MATCHES);
        CompletableFuture<UploadService.Appender> ready = service.append(append);
        continueIfExpected(ex);
        return new BodyPipe(ex.ctx().channel(), ready, (u, e) -> {
            if (e != null) {
                refuse(ex, e, UploadEndpoint.Protocol.TUS);
                return;
            }
            HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
            resp.headers().set("Upload-Offset", u.offset());
            java.util.Map<String, String> exp = new java.util.LinkedHashMap<>();
            UploadEndpoint.stateFields(u, exp);
            exp.forEach(resp.headers()::set);
            sendHead(ex, resp, UploadEndpoint.Protocol.TUS);
        });
    }

    // ---- shared by both protocols ----

    /** Runs {@code then} on the event loop with the future's value, or refuses with its failure. */
    <T> void reply(Exchange ex, UploadEndpoint.Protocol protocol, CompletableFuture<T> future, Consumer<T> then) {
        future.whenComplete((v, e) -> ex.ctx().executor().execute(() -> {
            if (e != null) {
                refuse(ex, BodyPipe.unwrap(e), protocol);
            } else {
                then.accept(v);
            }
        }));
    }

    /**
     * A refusal: the status its protocol's table gives its reason, and why; 409 says the real offset; the
     * connection closes if a body was not read. A failure that is the server's (not a refusal of the request) is
     * logged with its cause, so that no 500 goes unexplained.
     */
    void refuse(Exchange ex, Throwable failure, UploadEndpoint.Protocol protocol) {
        UploadException e = failure instanceof UploadException ue ? ue
                : new UploadException(UploadException.Reason.INTERNAL, "the upload failed: " + describe(failure));
        if (e.reason() == UploadException.Reason.INTERNAL) {
            log.warn("{} {}: {}", ex.request().method(), ex.request().uri(), e.getMessage(),
                    failure instanceof UploadException ? null : failure);
        }
        FullHttpResponse resp = protocol == UploadEndpoint.Protocol.IETF
                ? IetfUploadResponder.problem(e, ex.request())
                : Responses.error(status(TUS_STATUS.get(e.reason())), e.getMessage());
        if (e.currentOffset() >= 0) {
            resp.headers().set("Upload-Offset", e.currentOffset());
        }
        if (e.reason() == UploadException.Reason.UNAUTHORIZED) {
            resp.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        if (e.reason() == UploadException.Reason.BUSY) {
            resp.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        if (hasBody(ex.request())) {
            ex.closeAfterResponse();
        }
        send(ex, resp, protocol);
    }

    void send(Exchange ex, FullHttpResponse resp, UploadEndpoint.Protocol protocol) {
        stamp(ex, resp.headers(), protocol);
        ex.send(resp);
    }

    void sendHead(Exchange ex, HttpResponse resp, UploadEndpoint.Protocol protocol) {
        stamp(ex, resp.headers(), protocol);
        ex.sendHeadOnly(resp);
    }

    private void stamp(Exchange ex, HttpHeaders h, UploadEndpoint.Protocol protocol) {
        if (protocol == UploadEndpoint.Protocol.TUS) {
            h.set(TUS_RESUMABLE, TusFields.VERSION);
        }
        endpoint.cors(ex.request(), false).forEach(h::set);
    }

    /**
     * The future's value if it has one now, else {@code otherwise}. {@code getNow} throws for a future that
     * failed (a creation refused, an upload deleted meanwhile), which left the request without an answer.
     */
    static <T> T now(CompletableFuture<T> f, T otherwise) {
        return f.isDone() && !f.isCompletedExceptionally() ? f.join() : otherwise;
    }

    /** Sends 100 Continue when the client waits for it before sending the body. */
    static void continueIfExpected(Exchange ex) {
        if (HttpUtil.is100ContinueExpected(ex.request())) {
            ex.ctx().writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

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

    static String contentType(HttpRequest r) {
        String t = r.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (t == null) {
            return "";
        }
        int semi = t.indexOf(';');
        return (semi < 0 ? t : t.substring(0, semi)).strip();
    }

    static boolean isTls(Exchange ex) {
        io.netty.channel.Channel ch = ex.ctx().channel();
        io.netty.channel.Channel conn = ch.parent() != null ? ch.parent() : ch;
        return conn.pipeline().get(SslHandler.class) != null;
    }

    /** A failure's words: its message, or its type when it has none. */
    static String describe(Throwable failure) {
        return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
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
