package dev.carryon.client.http;

import dev.carryon.client.TransferException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP client over Netty for downloads: pooled keep-alive connections, each speaking HTTP/1.1 or, when
 * TLS negotiates h2, HTTP/2 with one stream at a time; proxies (HTTP and SOCKS5), TLS with host name verification (or
 * curl's --insecure), and a per-host limit on connections. Requests have no body; responses stream.
 */
public final class HttpClient implements AutoCloseable {

    /** The pipeline's last handler until the connection is ready for requests. */
    private static final String CONNECTING = "connecting";


    private final ClientConfig config;
    private final EventLoopGroup group;
    /** Built at the first TLS connection: loading the trust store would make every plain download 0.2 s slower. */
    private SslContext ssl;
    private final Map<PoolKey, HostPool> pools = new ConcurrentHashMap<>();
    private final GlobalTrafficShapingHandler shaper;
    private static final long SHAPER_QUEUE = 128 << 10;
    private static final int STREAM_WINDOW = 8 << 20;
    private static final int MAX_FRAME = 64 << 10;
    /** What a connection may have in flight over all its streams (HTTP/2 fixes it at 64 KiB until raised). */
    private static final int CONNECTION_WINDOW = 64 << 20;

    private record PoolKey(Endpoint endpoint, ProxySpec proxy) {
    }

    public HttpClient(ClientConfig config) throws IOException {
        this.config = config;
        // NIO, not epoll: a client holds a handful of connections, where both move bytes as fast (measured), and
        // epoll's native library is unpacked to a temporary file and loaded at every start (70 ms).
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("carryon-client", true),
                NioIoHandler.newFactory());
        // Shaping paces writes without blocking the event loop; it counts buffers, so bodies are then copied.
        this.shaper = config.writeLimit() > 0 ? new GlobalTrafficShapingHandler(group, config.writeLimit(), 0, 250)
                : null;
        if (shaper != null) {
            // The shaper queues what it may not send yet, up to 4 MiB a channel by default: the body's reader ran
            // that far ahead, counting those bytes as sent (and holding them in memory). A channel is made
            // unwritable once this much waits, so the reader stays within a chunk or two of the wire.
            shaper.setMaxWriteSize(SHAPER_QUEUE);
        }
        if (config.insecure() || config.caCertificates() != null) {
            // The user asked for TLS settings: a certificate file that cannot be read is an error now, not at the
            // first https URL.
            try {
                tls();
            } catch (IOException e) {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                throw e;
            }
        }
    }

    /** The TLS context, built on first use. */
    private synchronized SslContext tls() throws IOException {
        if (ssl != null) {
            return ssl;
        }
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(TlsEngine.provider());
            if (config.insecure()) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (config.caCertificates() != null) {
                b.trustManager(config.caCertificates().toFile());
            }
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    config.http2()
                            ? new String[] {ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1}
                            : new String[] {ApplicationProtocolNames.HTTP_1_1}));
            ssl = b.build();
            return ssl;
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("cannot set up TLS" + (config.caCertificates() == null ? ""
                    : " with the certificates in " + config.caCertificates()) + ": " + e.getMessage(), e);
        }
    }

    public ClientConfig config() {
        return config;
    }

    /** The proxy a request to this endpoint goes through, if any. */
    public ProxySpec proxyFor(Endpoint endpoint) {
        if (config.noProxy()) {
            return null;
        }
        if (config.proxy() != null) {
            return config.proxy();
        }
        return ProxySpec.fromEnvironment(config.environment(), endpoint).orElse(null);
    }

    /**
     * Sends a request; waits for a connection slot to the host when the per-host limit is reached. The
     * response is read from the returned call, which must be closed.
     */
    public Call send(Request request) throws IOException {
        Endpoint endpoint = Endpoint.of(request.uri());
        ProxySpec proxy = proxyFor(endpoint);
        HostPool pool = pools.computeIfAbsent(new PoolKey(endpoint, proxy), k -> new HostPool(k.endpoint(), k.proxy()));
        return pool.send(request);
    }

    @Override
    public void close() {
        for (HostPool p : pools.values()) {
            p.close();
        }
        if (shaper != null) {
            shaper.release();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** The connections to one host (through one proxy). */
    private final class HostPool {
        private final Endpoint endpoint;
        private final ProxySpec proxy;
        private final Semaphore slots;
        /**
         * Connections between requests, HTTP/1.1 and HTTP/2 alike. An h2 connection carries one stream at a time:
         * a segmented download is for spreading bytes over several TCP connections (each with its own congestion
         * window, and its own core for TLS where the server has several), which streams multiplexed on one
         * connection would undo. Measured on loopback, 8 streams on one connection were slower than one.
         */
        private final Deque<Channel> idle = new ArrayDeque<>();

        HostPool(Endpoint endpoint, ProxySpec proxy) {
            this.endpoint = endpoint;
            this.proxy = proxy;
            this.slots = new Semaphore(config.perHostConnections(), true);
        }

        Call send(Request request) throws IOException {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for a connection to " + endpoint);
            }
            try {
                Channel pooled = takeIdle();
                if (pooled != null && isHttp2(pooled)) {
                    try {
                        return openStream(pooled, request, true);
                    } catch (IOException e) {
                        pooled.close(); // the server has gone away from it (GOAWAY): a new connection instead
                    }
                } else if (pooled != null) {
                    return sendHttp1(pooled, request, true);
                }
                Channel fresh = connect();
                return isHttp2(fresh) ? openStream(fresh, request, false) : sendHttp1(fresh, request, false);
            } catch (IOException | RuntimeException e) {
                slots.release();
                throw e;
            }
        }

        private static boolean isHttp2(Channel connection) {
            return connection.pipeline().get(Http2MultiplexHandler.class) != null;
        }

        private synchronized Channel takeIdle() {
            Channel c;
            while ((c = idle.pollFirst()) != null) {
                if (c.isActive()) {
                    return c;
                }
            }
            return null;
        }

        private synchronized void giveBack(Channel c) {
            idle.addFirst(c);
        }

        private Call sendHttp1(Channel ch, Request request, boolean reused) {
            // Taken now: once the connection has closed, its pipeline no longer holds its handlers.
            CallHandler handler = ch.pipeline().get(CallHandler.class);
            Call call = new Call(ch, config.responseTimeout(), config.stallTimeout(), reused, (c, reusable) -> {
                if (handler != null) {
                    handler.call = null;
                }
                if (reusable && ch.isActive()) {
                    giveBack(ch);
                } else {
                    ch.close();
                }
                slots.release();
            });
            boolean absolute = proxy != null && proxy.kind() == ProxySpec.Kind.HTTP && !endpoint.tls();
            boolean zeroCopy = !endpoint.tls() && shaper == null;
            ch.eventLoop().execute(() -> {
                if (handler == null || !ch.isActive()) {
                    // closed since it was taken from the pool: channelInactive will not tell this call
                    call.onError(new IOException("the connection closed before the request was sent"));
                    return;
                }
                handler.call = call;
                write(ch, request, absolute, zeroCopy, call);
                ch.read();
            });
            return call;
        }

        private Call openStream(Channel parent, Request request, boolean reused) throws IOException {
            CallHandler handler = new CallHandler();
            // Reading on by itself (see Call.readComplete), from the first frame: nothing arrives before the request.
            Future<Http2StreamChannel> opened = new Http2StreamChannelBootstrap(parent)
                    .handler(new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel ch) {
                            ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), new ChunkedWriteHandler(),
                                    handler);
                        }
                    }).open();
            if (!opened.awaitUninterruptibly(config.connectTimeout().toMillis()) || !opened.isSuccess()) {
                throw new IOException("cannot open an HTTP/2 stream to " + endpoint + ": "
                        + (opened.cause() == null ? "timed out" : opened.cause().getMessage()));
            }
            Http2StreamChannel stream = opened.getNow();
            Call call = new Call(stream, config.responseTimeout(), config.stallTimeout(), reused, (c, reusable) -> {
                handler.call = null;
                stream.close(); // a reset if the response did not end, which leaves the connection usable
                if (parent.isActive()) {
                    giveBack(parent);
                }
                slots.release();
            });
            stream.eventLoop().execute(() -> {
                handler.call = call;
                write(stream, request, false, false, call);
            });
            return call;
        }

        /** Writes the request: a full request without body, or the head and then the file slice. */
        private void write(Channel ch, Request request, boolean absoluteForm, boolean zeroCopy, Call call) {
            FileSlice body = request.body();
            if (body == null) {
                ch.writeAndFlush(encode(request, absoluteForm)).addListener(f -> {
                    if (!f.isSuccess()) {
                        call.onError(f.cause());
                    }
                });
                return;
            }
            HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1,
                    HttpMethod.valueOf(request.method().toUpperCase(Locale.ROOT)), target(request, absoluteForm));
            headers(head, request, absoluteForm);
            if (body.trailers() != null) {
                HttpUtil.setTransferEncodingChunked(head, true);
                head.headers().set(HttpHeaderNames.TRAILER, String.join(", ", body.trailerNames()));
            } else {
                head.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length());
            }
            call.bodySending();
            ch.write(head);
            Object content;
            try {
                if (zeroCopy && !body.needsCopy() && body.length() > 0) {
                    content = new DefaultFileRegion(FileChannel.open(body.file(), StandardOpenOption.READ),
                            body.offset(), body.length());
                } else {
                    content = new SliceInput(body);
                }
            } catch (IOException e) {
                call.onError(e);
                ch.close();
                return;
            }
            ChannelProgressivePromise promise = ch.newProgressivePromise();
            long[] reported = new long[1];
            boolean region = content instanceof DefaultFileRegion;
            promise.addListener(new ChannelProgressiveFutureListener() {
                @Override
                public void operationProgressed(ChannelProgressiveFuture f, long progress, long total) {
                    call.bodyProgress();
                    if (region && body.sent() != null && progress > reported[0]) {
                        body.sent().accept(progress - reported[0]);
                        reported[0] = progress;
                    }
                }

                @Override
                public void operationComplete(ChannelProgressiveFuture f) {
                    if (!f.isSuccess()) {
                        call.onError(f.cause());
                        return;
                    }
                    if (region && body.sent() != null && body.length() > reported[0]) {
                        body.sent().accept(body.length() - reported[0]);
                    }
                    call.bodySent();
                }
            });
            if (region) {
                ch.write(content, promise);
                ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            } else {
                ch.writeAndFlush(content, promise);
            }
        }

        private String target(Request request, boolean absoluteForm) {
            URI uri = request.uri();
            return absoluteForm ? uri.getScheme() + "://" + endpoint.authority() + pathAndQuery(uri) : pathAndQuery(uri);
        }

        private void headers(HttpRequest req, Request request, boolean absoluteForm) {
            req.headers().set(HttpHeaderNames.HOST, endpoint.authority());
            req.headers().set(HttpHeaderNames.USER_AGENT, config.userAgent());
            req.headers().set(HttpHeaderNames.ACCEPT, "*/*");
            req.headers().set(HttpHeaderNames.ACCEPT_ENCODING, "identity");
            if (absoluteForm && proxy.user() != null) {
                req.headers().set(HttpHeaderNames.PROXY_AUTHORIZATION, basic(proxy.user(), proxy.password()));
            }
            for (String[] h : request.headers()) {
                if (isDefault(h[0])) {
                    req.headers().set(h[0], h[1]);
                } else {
                    req.headers().add(h[0], h[1]);
                }
            }
        }

        private FullHttpRequest encode(Request request, boolean absoluteForm) {
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                    HttpMethod.valueOf(request.method().toUpperCase(Locale.ROOT)), target(request, absoluteForm));
            headers(req, request, absoluteForm);
            if (!request.method().equalsIgnoreCase("GET") && !request.method().equalsIgnoreCase("HEAD")) {
                req.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            }
            return req;
        }

        private boolean isDefault(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            return n.equals("host") || n.equals("user-agent") || n.equals("accept") || n.equals("accept-encoding");
        }

        /** Connects, through the proxy and TLS as configured, and installs HTTP/1.1 or HTTP/2. */
        private Channel connect() throws IOException {
            boolean tunnel = proxy != null && (proxy.kind() == ProxySpec.Kind.SOCKS5 || endpoint.tls());
            SslContext ssl = endpoint.tls() ? tls() : null;
            // Taken by the caller, since the handler that completes it leaves the pipeline once it has.
            Promise<Void> ready = group.next().newPromise();
            Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                    .option(ChannelOption.TCP_NODELAY, true)
                    // Reads of up to 1 MiB, where Netty stops at 64 KiB: a body comes in fewer, larger pieces,
                    // each handed to the writing thread and written with one system call.
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new AdaptiveRecvByteBufAllocator(4 << 10, 64 << 10, 1 << 20))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ChannelPipeline p = ch.pipeline();
                            if (tunnel) {
                                InetSocketAddress at = new InetSocketAddress(proxy.host(), proxy.port());
                                ProxyHandler ph = proxy.kind() == ProxySpec.Kind.SOCKS5
                                        ? new Socks5ProxyHandler(at, proxy.user(), proxy.password())
                                        : proxy.user() == null ? new HttpProxyHandler(at)
                                        : new HttpProxyHandler(at, proxy.user(), proxy.password());
                                ph.setConnectTimeoutMillis(config.connectTimeout().toMillis());
                                p.addLast("proxy", ph);
                            }
                            if (shaper != null) {
                                p.addLast("shaping", shaper);
                            }
                            if (endpoint.tls()) {
                                SslHandler sh = ssl.newHandler(ch.alloc(), endpoint.host(), endpoint.port());
                                sh.setHandshakeTimeoutMillis(config.connectTimeout().toMillis());
                                if (!config.insecure()) {
                                    SSLEngine engine = sh.engine();
                                    SSLParameters params = engine.getSSLParameters();
                                    params.setEndpointIdentificationAlgorithm("HTTPS");
                                    engine.setSSLParameters(params);
                                }
                                p.addLast("tls", sh);
                                p.addLast(new ProtocolSetup(ready));
                            }
                            // Failures while connecting (proxy, TLS) reach the caller through their futures; without
                            // this they would also be logged as unhandled, stack trace and all, on the user's terminal.
                            p.addLast(CONNECTING, new ChannelInboundHandlerAdapter() {
                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close();
                                }
                            });
                        }
                    });
            InetSocketAddress remote;
            if (tunnel) {
                b.resolver(NoopAddressResolverGroup.INSTANCE);
                remote = InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port());
            } else if (proxy != null) {
                remote = new InetSocketAddress(proxy.host(), proxy.port());
            } else {
                remote = new InetSocketAddress(endpoint.host(), endpoint.port());
                if (remote.isUnresolved()) {
                    throw new IOException("cannot resolve the host name " + endpoint.host());
                }
            }
            ChannelFuture connected = b.connect(remote);
            long budget = config.connectTimeout().toMillis() + 1000;
            if (!connected.awaitUninterruptibly(budget) || !connected.isSuccess()) {
                connected.channel().close();
                throw connectFailure(connected.cause());
            }
            Channel ch = connected.channel();
            try {
                ProxyHandler ph = ch.pipeline().get(ProxyHandler.class);
                if (ph != null) {
                    await(ph.connectFuture(), "the proxy " + proxy);
                }
                SslHandler sh = ch.pipeline().get(SslHandler.class);
                if (sh != null) {
                    awaitHandshake(sh, endpoint);
                    await(ready, "setting up the connection to " + endpoint);
                } else {
                    // Plain HTTP/1.1: the server says nothing before the first request, so there is no race here.
                    installProtocol(ch.pipeline(), ApplicationProtocolNames.HTTP_1_1);
                }
                return ch;
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }

        /**
         * Puts the handlers of the negotiated protocol where the connecting handlers were. On TLS this runs on the
         * event loop as the handshake completes, before any byte that followed the handshake is decoded: an h2
         * server sends its SETTINGS right behind it, and a frame codec added any later would see the server's ACK
         * of our SETTINGS as the first frame and fail the connection.
         */
        private void installProtocol(ChannelPipeline p, String protocol) {
            p.remove(CONNECTING);
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                // Windows for bulk transfer: a stream may have 8 MiB in flight, enough for 80 MB/s at a 100 ms round
                // trip, where the default 64 KiB allowed 0.6 MB/s; and DATA frames of up to 64 KiB, a quarter of the
                // frames (and of their cost) of the default 16 KiB, for servers that send what they may.
                p.addLast(Http2FrameCodecBuilder.forClient()
                        .initialSettings(Http2Settings.defaultSettings()
                                .initialWindowSize(STREAM_WINDOW)
                                .maxFrameSize(MAX_FRAME)
                                .pushEnabled(false))
                        .build());
                p.addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                p.channel().writeAndFlush(new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW));
            } else {
                p.channel().config().setAutoRead(false);
                p.addLast(new HttpClientCodec(4096, 65536, 1 << 20));
                p.addLast(new ChunkedWriteHandler());
                p.addLast(new CallHandler());
            }
        }

        /** Installs the protocol that ALPN chose, in the handshake's own event; {@code ready} says when. */
        private final class ProtocolSetup extends ApplicationProtocolNegotiationHandler {
            private final Promise<Void> ready;

            ProtocolSetup(Promise<Void> ready) {
                super(ApplicationProtocolNames.HTTP_1_1);
                this.ready = ready;
            }

            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                installProtocol(ctx.pipeline(), protocol);
                ready.setSuccess(null);
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                // The handshake's own future tells the caller why; Netty's default would also log it.
                ready.tryFailure(cause);
                ctx.close();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ready.tryFailure(cause);
                ctx.close();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                ready.tryFailure(new IOException("the connection closed during the TLS handshake"));
                super.channelInactive(ctx);
            }
        }

        private void await(Future<?> f, String what) throws IOException {
            if (!f.awaitUninterruptibly(config.connectTimeout().toMillis() + 1000)) {
                throw new IOException(what + " timed out after " + config.connectTimeout().toSeconds() + " s");
            }
            if (!f.isSuccess()) {
                Throwable c = f.cause();
                throw new IOException(what + " failed: " + (c.getMessage() == null ? c.toString() : c.getMessage()), c);
            }
        }

        /**
         * A certificate that is not trusted or names another host will not be trusted on a retry either: that
         * failure is final, with what to do about it, as curl's is.
         */
        private void awaitHandshake(SslHandler sh, Endpoint endpoint) throws IOException {
            Future<?> f = sh.handshakeFuture();
            if (f.awaitUninterruptibly(config.connectTimeout().toMillis() + 1000) && !f.isSuccess()) {
                for (Throwable c = f.cause(); c != null; c = c.getCause()) {
                    if (c instanceof CertificateException || c instanceof SSLPeerUnverifiedException) {
                        throw new TransferException(TransferException.Kind.NETWORK, "the TLS certificate of " + endpoint
                                + " is not accepted (" + f.cause().getMessage() + "); pass --cacert FILE with the"
                                + " certificate that issued it, or --insecure to skip the check", f.cause());
                    }
                }
            }
            await(f, "the TLS handshake with " + endpoint);
        }

        private IOException connectFailure(Throwable cause) {
            String via = proxy == null ? "" : " through the proxy " + proxy;
            if (cause == null) {
                return new IOException("cannot connect to " + endpoint + via + ": timed out after "
                        + config.connectTimeout().toSeconds() + " s");
            }
            String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            IOException e = cause instanceof ConnectException
                    ? new ConnectException("cannot connect to " + endpoint + via + ": " + why)
                    : new IOException("cannot connect to " + endpoint + via + ": " + why);
            e.initCause(cause);
            return e;
        }

        synchronized void close() {
            for (Channel c : idle) {
                c.close();
            }
            idle.clear();
        }
    }

    static String pathAndQuery(URI uri) {
        String path = uri.getRawPath();
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + Objects.requireNonNullElse(password, "")).getBytes(StandardCharsets.UTF_8));
    }

    /** Routes what a connection (or stream) decodes to its current call. */
    static final class CallHandler extends ChannelInboundHandlerAdapter {
        volatile Call call;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Call c = call;
            try {
                if (c == null) {
                    return;
                }
                if (msg instanceof HttpResponse r) {
                    if (r.decoderResult().isFailure()) {
                        c.onError(new IOException("the server sent a malformed response: " + r.decoderResult().cause()));
                        return;
                    }
                    int status = r.status().code();
                    if (status >= 100 && status < 200 && status != 101) {
                        return; // interim (100 Continue, 103 Early Hints): the real answer follows
                    }
                    c.onHead(r);
                }
                if (msg instanceof HttpContent content) {
                    if (content.content().isReadable()) {
                        c.onContent(content.content().retain());
                    }
                    if (msg instanceof LastHttpContent) {
                        c.onEnd();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            Call c = call;
            if (c != null) {
                c.readComplete();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Call c = call;
            if (c != null) {
                c.onError(new IOException("the connection closed before the response ended"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Call c = call;
            if (c != null) {
                c.onError(cause);
            }
            ctx.close();
        }
    }
}
