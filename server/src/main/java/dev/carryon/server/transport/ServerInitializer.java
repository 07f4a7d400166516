package dev.carryon.server.transport;

import dev.carryon.server.ServerConfig;
import dev.carryon.server.files.FileBody;
import dev.carryon.server.http.HttpHandler;
import dev.carryon.server.http.ServerContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AsciiString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of each accepted connection:
 *
 * <pre>
 * plain:  tracker | send-timeout | guard | [h2c detection] | HTTP/1.1 codec | chunked writer | router
 * TLS:    tracker | TLS | ALPN -> the same HTTP/1.1 tail (copying bodies), or HTTP/2
 * HTTP/2: frame codec | multiplexer | errors -> per stream: request check | HTTP/1-style objects | stream errors | chunked writer | router
 * </pre>
 *
 * The router is the same everywhere; only how file bytes leave differs (sendfile on plain HTTP/1.1, copies
 * where TLS or HTTP/2 framing must touch them).
 */
public final class ServerInitializer extends ChannelInitializer<Channel> {

    private static final Logger LOG = LoggerFactory.getLogger(ServerInitializer.class);
    private static final int STREAM_WINDOW = 1 << 20;
    private static final int CONNECTION_WINDOW = 4 << 20;

    private final ServerContext server;
    private final ConnectionTracker tracker;
    private final SslContext ssl;

    public ServerInitializer(ServerContext server, ConnectionTracker tracker, SslContext ssl) {
        this.server = server;
        this.tracker = tracker;
        this.ssl = ssl;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.config().setOption(ChannelOption.MESSAGE_SIZE_ESTIMATOR, BodySizeEstimator.INSTANCE);
        ChannelPipeline p = ch.pipeline();
        p.addLast(tracker);
        if (ssl == null) {
            addHttp1(p, FileBody.Mode.ZERO_COPY, server.config().http2());
            return;
        }
        p.addLast(ssl.newHandler(ch.alloc()));
        p.addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    ctx.pipeline().addLast(new IdleStateHandler(0, 0, server.config().idleTimeout().toSeconds(),
                            TimeUnit.SECONDS));
                    ctx.pipeline().addLast(new IdleCloser());
                    ctx.pipeline().addLast(http2Codec());
                    ctx.pipeline().addLast(new ConnectionWindow());
                    ctx.pipeline().addLast(http2Multiplexer());
                    ctx.pipeline().addLast(Http2Errors.INSTANCE);
                } else {
                    addHttp1(ctx.pipeline(), FileBody.Mode.COPY, false);
                }
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                // A client that distrusts the certificate, or a scanner, is not the server's fault: one debug line,
                // not a warning with a stack trace per connection that anyone could provoke.
                LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.getMessage());
                ctx.close();
            }
        });
    }

    private void addHttp1(ChannelPipeline p, FileBody.Mode mode, boolean h2c) {
        ServerConfig c = server.config();
        p.addLast(new IdleStateHandler(true, 0, c.sendTimeout().toMillis(), 0, TimeUnit.MILLISECONDS));
        p.addLast(new ConnectionGuard(c.idleTimeout(), c.headerTimeout()));
        HttpServerCodec codec = new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(c.maxRequestLineLength())
                .setMaxHeaderSize(c.maxHeaderSize())
                // Upload bodies reach the writer in the pieces the socket gave (slices, not copies); at the default
                // 8 KiB they were cut into many more pieces, each a write(2) and a hash update of its own.
                .setMaxChunkSize(1 << 20)
                .setStrictLineParsing(true));
        if (h2c) {
            // H2cSourceCodec: the bytes a client sends behind its upgrade request reach the HTTP/2 codec.
            HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(new H2cSourceCodec(codec),
                    protocol -> AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                            ? new CheckedHttp2Upgrade(http2Codec(), new ConnectionWindow(), http2Multiplexer(),
                                    Http2Errors.INSTANCE)
                            : null,
                    c.maxHeaderSize());
            p.addLast(new CleartextHttp2ServerUpgradeHandler(codec, upgrade, new Http2Starter()));
        } else {
            p.addLast(codec);
        }
        p.addLast(new ChunkedWriteHandler());
        p.addLast(new HttpHandler(server, mode, false));
    }

    /**
     * Put where the prior-knowledge preface was seen: installs the HTTP/2 handlers in its own place, right after
     * the bytes' way in, then leaves. (A ChannelInitializer would append them after the HTTP/1.1 handlers,
     * which would swallow the frames.)
     */
    private final class Http2Starter extends ChannelHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.pipeline().addAfter(ctx.name(), "h2-codec", http2Codec());
            ctx.pipeline().addAfter("h2-codec", "h2-window", new ConnectionWindow());
            ctx.pipeline().addAfter("h2-window", "h2-streams", http2Multiplexer());
            ctx.pipeline().addAfter("h2-streams", "h2-errors", Http2Errors.INSTANCE);
            ctx.pipeline().remove(this);
        }
    }

    private Http2FrameCodec http2Codec() {
        // An upload stream may have 1 MiB in flight, a connection 4 MiB (see ConnectionWindow), in frames of up to
        // 64 KiB: the default 64 KiB windows allowed one window per round trip, 1.3 MB/s for a browser 50 ms away.
        // Bytes a paused upload has not taken are bounded by these windows, as on HTTP/1.1 by the socket buffer.
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(256)
                        .initialWindowSize(STREAM_WINDOW)
                        .maxFrameSize(64 << 10)
                        .maxHeaderListSize(server.config().maxHeaderSize()))
                .gracefulShutdownTimeoutMillis(server.config().shutdownTimeout().toMillis())
                .build();
    }

    /**
     * Raises the connection's receive window from HTTP/2's fixed 64 KiB (no setting changes it; only a
     * WINDOW_UPDATE on stream 0 does) as the frame codec starts. It stays, handling no event (so the pipeline
     * passes it by): leaving during its own addition would break the additions that follow it.
     */
    private static final class ConnectionWindow extends ChannelHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
        }
    }

    private ChannelHandler http2Multiplexer() {
        return new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(Http2RequestCheck.INSTANCE);
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
                stream.pipeline().addLast(Http2StreamErrors.INSTANCE);
                stream.pipeline().addLast(new ChunkedWriteHandler());
                stream.pipeline().addLast(new HttpHandler(server, FileBody.Mode.COPY, true));
            }
        });
    }
}
