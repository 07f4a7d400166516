package dev.carryon.server.http;

import dev.carryon.core.path.RequestPath;
import dev.carryon.server.content.ContentEntry;
import dev.carryon.server.content.ContentLookup;
import dev.carryon.server.files.FileBody;
import dev.carryon.server.upload.BodyPipe;
import dev.carryon.server.transport.ConnectionGuard;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The request router of one connection (HTTP/1.1) or one stream (HTTP/2): turns what the codec decoded into
 * an {@link Exchange}, refuses what is malformed with a 4xx that says why, and hands files and directories to
 * their responders. Request bodies are never read here: a request that has one gets its answer and then the
 * connection is closed, so its bytes cannot be taken for a next request.
 */
public final class HttpHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(HttpHandler.class);
    static final String ALLOW_FILES = "GET, HEAD, OPTIONS";

    private final ServerContext server;
    private final boolean http2;
    private final FileResponder files;
    private final DirectoryListing listings;
    private final ReservedRoutes reserved;
    private final UploadResponder uploads;
    private ConnectionGuard guard;
    private BodyPipe body;

    public HttpHandler(ServerContext server, FileBody.Mode bodyMode, boolean http2) {
        this.server = server;
        this.http2 = http2;
        this.files = new FileResponder(bodyMode);
        this.listings = new DirectoryListing();
        this.reserved = new ReservedRoutes();
        this.uploads = server.uploads() == null ? null : new UploadResponder(server.uploads());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        guard = http2 ? null : ctx.pipeline().get(ConnectionGuard.class);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                body = null;
                if (!http2 && !ctx.channel().isActive()) {
                    // Decoded from what was left of the input after an earlier answer closed the connection: nobody
                    // can be answered, and answering opened files and set socket options on a closed descriptor.
                    return;
                }
                if (guard != null) {
                    guard.requestStarted();
                }
                Exchange ex = new Exchange(ctx, server, request, guard, http2);
                try {
                    route(ex);
                } catch (RuntimeException e) {
                    log.error("failed to answer {} {}", request.method(), request.uri(), e);
                    ex.closeAfterResponse();
                    ex.send(Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                            "the server failed to answer; its log says why"));
                }
            }
            if (msg instanceof HttpContent content && body != null) {
                BodyPipe pipe = body;
                if (content instanceof LastHttpContent) {
                    body = null;
                }
                msg = null;
                pipe.content(content); // the pipe owns it now
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (body != null) {
            body.interrupted();
            body = null;
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof CleartextHttp2ServerUpgradeHandler.PriorKnowledgeUpgradeEvent
                || evt instanceof HttpServerUpgradeHandler.UpgradeEvent) {
            // The connection speaks HTTP/2 from here; its streams have routers of their own.
            if (guard != null) {
                guard.handOverToHttp2();
            }
            ctx.pipeline().remove(ChunkedWriteHandler.class);
            ctx.pipeline().remove(this);
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (String.valueOf(cause.getMessage()).contains("maxPipelineDepth")) {
            // A client that pipelines more requests than the codec queues without reading any answer.
            log.debug("closing {}: too many pipelined requests", ctx.channel().remoteAddress());
        } else if (cause instanceof PrematureChannelClosureException) {
            // The client closed while the h2c upgrade handler was still collecting its request: a client gone.
            log.debug("{} closed in the middle of a request", ctx.channel().remoteAddress());
        } else if (!(cause instanceof IOException)) {
            log.warn("closing a connection after an unexpected error", cause);
        }
        ctx.close();
    }

    private void route(Exchange ex) {
        HttpRequest request = ex.request();
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            ex.closeAfterResponse();
            ex.send(decodeError(decoded.cause()));
            return;
        }
        if (uploads != null && uploads.endpoint().matches(request.uri())) {
            body = uploads.answer(ex);
            return;
        }
        if (hasBody(request)) {
            ex.closeAfterResponse();
        }
        HttpVersion version = request.protocolVersion();
        if (!http2 && version.majorVersion() != 1) {
            // The codec takes any HTTP/x.y; only HTTP/1.x is spoken on this connection (HTTP/2 has its own preface).
            ex.closeAfterResponse();
            ex.send(Responses.error(HttpResponseStatus.BAD_REQUEST, "HTTP/" + version.majorVersion() + "."
                    + version.minorVersion() + " is not spoken here; send HTTP/1.1"));
            return;
        }
        if (!http2 && request.protocolVersion().equals(HttpVersion.HTTP_1_1)
                && request.headers().getAll(HttpHeaderNames.HOST).size() != 1) {
            ex.closeAfterResponse();
            ex.send(Responses.error(HttpResponseStatus.BAD_REQUEST, "an HTTP/1.1 request needs exactly one Host header"));
            return;
        }
        String uri = request.uri();
        if (uri.startsWith(ReservedRoutes.PREFIX)) {
            reserved.answer(ex, uri);
            return;
        }
        if (uri.equals("*")) {
            if (HttpMethod.OPTIONS.equals(request.method())) {
                ex.sendHeadOnly(allow(HttpResponseStatus.NO_CONTENT));
            } else {
                ex.send(Responses.error(HttpResponseStatus.BAD_REQUEST, "'*' is a target only for OPTIONS"));
            }
            return;
        }
        RequestPath.Parsed path;
        try {
            path = RequestPath.parse(uri);
        } catch (RequestPath.BadPathException e) {
            ex.send(Responses.error(HttpResponseStatus.BAD_REQUEST, e.getMessage()));
            return;
        }
        ContentLookup lookup = server.content().lookup(path);
        if (lookup instanceof ContentLookup.NotFound nf) {
            ex.send(Responses.error(HttpResponseStatus.NOT_FOUND, nf.reason() + ": " + path.canonical()));
            return;
        }
        if (lookup instanceof ContentLookup.Forbidden fb) {
            ex.send(Responses.error(HttpResponseStatus.FORBIDDEN, fb.reason()));
            return;
        }
        ContentEntry found = ((ContentLookup.Found) lookup).entry();
        HttpMethod method = request.method();
        if (HttpMethod.OPTIONS.equals(method)) {
            ex.sendHeadOnly(allow(HttpResponseStatus.NO_CONTENT));
            return;
        }
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            FullHttpResponse r = Responses.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    method.name() + " is not allowed here; this resource answers " + ALLOW_FILES);
            r.headers().set(HttpHeaderNames.ALLOW, ALLOW_FILES);
            ex.send(r);
            return;
        }
        if (found.isDirectory()) {
            listings.answer(ex, path, found);
        } else {
            files.answer(ex, found);
        }
    }

    private static HttpResponse allow(HttpResponseStatus status) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        r.headers().set(HttpHeaderNames.ALLOW, ALLOW_FILES);
        return r;
    }

    private FullHttpResponse decodeError(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return Responses.error(HttpResponseStatus.REQUEST_URI_TOO_LONG,
                    "the request line is longer than " + server.config().maxRequestLineLength() + " bytes");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return Responses.error(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "the request header fields are larger than " + server.config().maxHeaderSize() + " bytes");
        }
        String why = String.valueOf(cause.getMessage());
        if (why.length() > 200) {
            why = why.substring(0, 200) + "...";
        }
        return Responses.error(HttpResponseStatus.BAD_REQUEST, "malformed request: " + why.replaceAll("\\p{Cntrl}", "?"));
    }

    private static boolean hasBody(HttpRequest request) {
        String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        return request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                || (length != null && !length.strip().equals("0"));
    }
}
