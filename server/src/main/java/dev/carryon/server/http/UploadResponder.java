package dev.carryon.server.http;

import dev.carryon.core.upload.TusFields;
import dev.carryon.core.upload.Upload;
import dev.carryon.core.upload.UploadException;
import dev.carryon.server.upload.Appender;
import dev.carryon.server.upload.BodyPipe;
import dev.carryon.server.upload.UploadEndpoint;
import dev.carryon.server.upload.UploadService;
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

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Answers the upload endpoint for both protocols: picks the request's wire ({@link TusWire} or {@link IetfWire}),
 * dispatches on the method, and runs creation, offset retrieval, appending and deletion the same way for both.
 * Every answer carries the CORS fields its origin is allowed; every refusal says why.
 */
final class UploadResponder {

    private static final Logger log = LoggerFactory.getLogger(UploadResponder.class);

    private final UploadEndpoint endpoint;
    private final UploadService service;
    private final TusWire tus;
    private final IetfWire ietf;

    UploadResponder(UploadEndpoint endpoint) {
        this.endpoint = endpoint;
        this.service = endpoint.service();
        this.tus = new TusWire(service);
        this.ietf = new IetfWire(service.settings());
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
        UploadWire wire = UploadEndpoint.protocol(r) == UploadEndpoint.Protocol.IETF ? ietf : tus;
        try {
            HttpMethod method = UploadEndpoint.method(r);
            String id = endpoint.idOf(r.uri());
            if (HttpMethod.OPTIONS.equals(method)) {
                options(ex);
                return null;
            }
            FullHttpResponse instead = wire.versionRefusal(r);
            if (instead != null) {
                send(ex, instead, wire);
                return null;
            }
            String owner = endpoint.requester(r);
            if (HttpMethod.POST.equals(method) && id == null) {
                return create(ex, wire, owner);
            }
            if (id == null) {
                throw new UploadException(UploadException.Reason.METHOD_NOT_ALLOWED,
                        method.name() + " is not allowed on the upload collection; POST creates");
            }
            wire.checkUploadRequest(method, r);
            if (HttpMethod.HEAD.equals(method)) {
                reply(ex, wire, service.head(id, owner), u -> sendHead(ex, wire.head(r, u), wire));
                return null;
            }
            if (HttpMethod.PATCH.equals(method)) {
                return append(ex, wire, id, owner);
            }
            if (HttpMethod.DELETE.equals(method)) {
                reply(ex, wire, service.terminate(id, owner), v -> sendHead(ex,
                        new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT), wire));
                return null;
            }
            throw new UploadException(UploadException.Reason.METHOD_NOT_ALLOWED,
                    method.name() + " is not allowed here; an upload answers HEAD, PATCH and DELETE");
        } catch (UploadException e) {
            refuse(ex, e, wire);
            return null;
        }
    }

    /** Discovery serves both protocols at once: an IETF client reads Upload-Limit, a tus client Tus-*. */
    private void options(Exchange ex) {
        HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        HttpHeaders h = resp.headers();
        // Optional on an OPTIONS answer, but the protocol's own example carries it and clients look for it.
        h.set(TusWire.TUS_RESUMABLE, TusFields.VERSION);
        h.set("Tus-Version", TusFields.VERSION);
        h.set("Tus-Extension", TusWire.EXTENSIONS);
        h.set("Tus-Checksum-Algorithm", TusFields.SUPPORTED_CHECKSUMS);
        if (service.settings().maxSize() > 0) {
            h.set("Tus-Max-Size", service.settings().maxSize());
        }
        h.set(HttpHeaderNames.ALLOW, "POST, HEAD, PATCH, DELETE, OPTIONS");
        IetfWire.limits(service.settings(), IetfWire.NEWEST).forEach(h::set);
        endpoint.cors(ex.request(), true).forEach(h::set);
        ex.sendHeadOnly(resp);
    }

    /**
     * A creation, with or without data. Once the upload exists, a failure of its data is answered as a creation
     * (Location, and how far the data got: the client resumes from there), except a checksum mismatch, whose
     * chunk was discarded.
     */
    private BodyPipe create(Exchange ex, UploadWire wire, String owner) {
        HttpRequest r = ex.request();
        UploadWire.Create c = wire.creation(r, owner);
        CompletableFuture<Upload> created = service.create(c.creation());
        if (c.body() == null) {
            reply(ex, wire, created, u -> send(ex, wire.created(r, u, location(ex, u), false), wire));
            return null;
        }
        UploadWire.AppendSpec[] body = new UploadWire.AppendSpec[1];
        CompletableFuture<Appender> ready = created.thenCompose(u -> {
            body[0] = c.body().get();
            FullHttpResponse info = ex.http2() ? null : wire.informational(r, u, location(ex, u));
            if (info != null) {
                // The client can resume this creation only if it learns the upload's URL before the body ends.
                ex.ctx().executor().execute(() -> ex.ctx().writeAndFlush(info));
            }
            return service.append(append(u.id(), owner, body[0], wire, ex));
        });
        continueIfExpected(ex);
        return new BodyPipe(ex.ctx().channel(), ready, (u, e) -> {
            if (e != null) {
                Upload made = now(created, null);
                if (made != null && e instanceof UploadException ue
                        && ue.reason() != UploadException.Reason.CHECKSUM_MISMATCH) {
                    Upload current = now(service.head(made.id(), owner), made);
                    send(ex, wire.created(r, current, location(ex, current), true), wire);
                    return;
                }
                refuse(ex, e, wire);
                return;
            }
            afterBody(ex, wire, owner, body[0], u, done -> send(ex, wire.created(r, done, location(ex, done), true),
                    wire));
        });
    }

    private BodyPipe append(Exchange ex, UploadWire wire, String id, String owner) {
        HttpRequest r = ex.request();
        UploadWire.AppendSpec spec = wire.append(r);
        CompletableFuture<Appender> ready = service.append(append(id, owner, spec, wire, ex));
        continueIfExpected(ex);
        return new BodyPipe(ex.ctx().channel(), ready, (u, e) -> {
            if (e != null) {
                refuse(ex, e, wire);
                return;
            }
            afterBody(ex, wire, owner, spec, u, done -> sendHead(ex, wire.appended(r, done), wire));
        });
    }

    private static UploadService.Append append(String id, String owner, UploadWire.AppendSpec a, UploadWire wire,
                                               Exchange ex) {
        return new UploadService.Append(id, owner, a.offset(), a.declaredLength(), a.bodyLength(), a.checksum(),
                a.checksumTrailer(), BodyPipe.writer(ex.ctx().channel()), wire.completed());
    }

    /**
     * The body has been taken. A request that said it completes the upload, whose length is still unknown,
     * declares the length now (the body was the last of it), which completes it: answered as a creation.
     */
    private void afterBody(Exchange ex, UploadWire wire, String owner, UploadWire.AppendSpec spec, Upload u,
                           Consumer<Upload> answer) {
        if (!spec.completing() || u.lengthKnown()) {
            answer.accept(u);
            return;
        }
        UploadWire.AppendSpec last = new UploadWire.AppendSpec(u.offset(), java.util.OptionalLong.of(u.offset()), 0,
                null, false, false);
        CompletableFuture<Upload> done = service.append(append(u.id(), owner, last, wire, ex))
                .thenCompose(a -> a.end(null));
        reply(ex, wire, done, d -> send(ex, wire.created(ex.request(), d, location(ex, d), true), wire));
    }

    private String location(Exchange ex, Upload u) {
        return endpoint.location(ex.request(), u.id(), isTls(ex));
    }

    /** Runs {@code then} on the event loop with the future's value, or refuses with its failure. */
    private <T> void reply(Exchange ex, UploadWire wire, CompletableFuture<T> future, Consumer<T> then) {
        future.whenComplete((v, e) -> ex.ctx().executor().execute(() -> {
            if (e != null) {
                refuse(ex, BodyPipe.unwrap(e), wire);
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
    private void refuse(Exchange ex, Throwable failure, UploadWire wire) {
        UploadException e = failure instanceof UploadException ue ? ue
                : new UploadException(UploadException.Reason.INTERNAL, "the upload failed: " + describe(failure));
        if (e.reason() == UploadException.Reason.INTERNAL) {
            log.warn("{} {}: {}", ex.request().method(), ex.request().uri(), e.getMessage(),
                    failure instanceof UploadException ? null : failure);
        }
        FullHttpResponse resp = wire.refusal(e, ex.request());
        if (e.currentOffset() >= 0) {
            resp.headers().set("Upload-Offset", e.currentOffset());
        }
        if (e.reason() == UploadException.Reason.UNAUTHORIZED) {
            resp.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        if (e.reason() == UploadException.Reason.BUSY) {
            resp.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        if (UploadWire.hasBody(ex.request())) {
            ex.closeAfterResponse();
        }
        send(ex, resp, wire);
    }

    /** A failure's words: its message, or its type when it has none. */
    static String describe(Throwable failure) {
        return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
    }

    private void send(Exchange ex, FullHttpResponse resp, UploadWire wire) {
        stamp(ex, resp.headers(), wire);
        ex.send(resp);
    }

    private void sendHead(Exchange ex, HttpResponse resp, UploadWire wire) {
        stamp(ex, resp.headers(), wire);
        ex.sendHeadOnly(resp);
    }

    private void stamp(Exchange ex, HttpHeaders h, UploadWire wire) {
        wire.stamp(h);
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

    static boolean isTls(Exchange ex) {
        io.netty.channel.Channel ch = ex.ctx().channel();
        io.netty.channel.Channel conn = ch.parent() != null ? ch.parent() : ch;
        return conn.pipeline().get(SslHandler.class) != null;
    }
}
