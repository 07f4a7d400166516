package dev.carryon.server.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In each HTTP/2 stream's pipeline, before the conversion to HTTP/1-style objects: a request without a body
 * whose head cannot become an HTTP/1 request line (no :method, a method that is not a token, no :path, a path
 * with a space or a control character) is reset here, with PROTOCOL_ERROR, as a malformed request (RFC 9113
 * section 8.1.1). {@link Http2StreamFrameToHttpObjectCodec} turns such a HEADERS frame into a full request, and
 * Netty's {@link HttpConversionUtil#toFullHttpRequest} allocates the body's buffer before it checks the head: when
 * the check throws, the buffer is never released (a leak per such request, which any client could repeat).
 * The check is Netty's own, from the conversion that allocates nothing; its result is dropped.
 */
@ChannelHandler.Sharable
final class Http2RequestCheck extends ChannelInboundHandlerAdapter {

    static final Http2RequestCheck INSTANCE = new Http2RequestCheck();
    private static final Logger LOG = LoggerFactory.getLogger(Http2RequestCheck.class);

    private Http2RequestCheck() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame frame && frame.isEndStream() && fullMessage(frame.headers())) {
            try {
                HttpConversionUtil.toHttpRequest(frame.stream() == null ? 0 : frame.stream().id(), frame.headers(), true);
            } catch (Exception | Error e) {
                LOG.debug("malformed HTTP/2 request from {}: {}", ctx.channel().parent().remoteAddress(), e.toString());
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));
                ctx.close();
                return; // a HEADERS frame holds no buffer
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** What the conversion makes a full message of (otherwise trailers, with no buffer of their own). */
    private static boolean fullMessage(Http2Headers headers) {
        return headers.method() != null || headers.status() != null;
    }
}
